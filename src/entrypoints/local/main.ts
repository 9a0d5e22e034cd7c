/**
 * `npm start`: the local runner on `127.0.0.1:${PORT:-3000}`, with the inbox in
 * `./inbox` (or `ORDERFLOW_INBOX`), its state in PGlite under `./.orderflow`
 * (`--data DIR`), on a PostgreSQL server (`DATABASE_URL`), or in memory
 * (`--memory`). Environment: `PORT`, `HOST`, `ORDERFLOW_INBOX`, `DATABASE_URL`,
 * `PAYMENT_DELAY_MS` (how long a validated order waits before payment, so it
 * can still be changed; default 2000), `LOG_LEVEL` (debug|info|warn|error),
 * `LOG_FORMAT` (pretty|json; default pretty on a terminal, json when piped),
 * `NO_COLOR`, `ORDERFLOW_ORCHESTRATION` (workflow|queue; default workflow: the
 * order workflow's definition, run in process), `ORDERFLOW_ALLOWED_HOSTS`
 * (host names answered besides loopback ones, comma-separated),
 * `ORDERFLOW_OPERATOR_TOKEN` (lets `/_local/` requests through by header).
 */
import { parseArgs } from "node:util";
import { ConsoleLogger, type ConsoleLogLevel } from "./console-logger.js";
import type { LocalBackend } from "./local-backend.js";
import { type LocalRunner, startLocalRunner } from "./local-runner.js";
import { MemoryBackend } from "./memory-backend.js";
import { PostgresBackend } from "./postgres-backend.js";

const LEVELS = ["debug", "info", "warn", "error"];

const USAGE = `Usage: npm start [-- --data <dir> | --memory]

  --data <dir>  keep the state (PGlite) and batch files in <dir> (default ./.orderflow)
  --memory      keep everything in memory: fast, and nothing survives a restart
With DATABASE_URL set, the state is on that PostgreSQL server instead.
`;

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const args = parseCommandLine(argv);
  const port = env.PORT === undefined || env.PORT === "" ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    fail(`PORT must be a port number (0-65535), got ${JSON.stringify(env.PORT)}`);
  }
  const level = (env.LOG_LEVEL ?? "info").toLowerCase();
  if (!LEVELS.includes(level))
    fail(`LOG_LEVEL must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(level)}`);
  const orchestration = env.ORDERFLOW_ORCHESTRATION || "workflow";
  if (orchestration !== "workflow" && orchestration !== "queue")
    fail(`ORDERFLOW_ORCHESTRATION must be workflow or queue, got ${JSON.stringify(orchestration)}`);
  const format = env.LOG_FORMAT || undefined;
  if (format !== undefined && format !== "json" && format !== "pretty")
    fail(`LOG_FORMAT must be json or pretty, got ${JSON.stringify(format)}`);
  const delayMs =
    env.PAYMENT_DELAY_MS === undefined || env.PAYMENT_DELAY_MS === "" ? 2000 : Number(env.PAYMENT_DELAY_MS);
  if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > 900_000)
    fail(`PAYMENT_DELAY_MS must be milliseconds (0-900000), got ${JSON.stringify(env.PAYMENT_DELAY_MS)}`);
  const logger = new ConsoleLogger({
    level: level as ConsoleLogLevel,
    ...(format ? { format } : {}),
    ...(env.NO_COLOR ? { color: false } : {}),
  });

  const flows = { orchestration, paymentDelaySeconds: delayMs / 1000 } as const;
  const pipelineLogger = logger.child({ component: "pipeline" });
  const backend: LocalBackend = args.memory
    ? MemoryBackend.create({ ...flows, logger: pipelineLogger })
    : await PostgresBackend.open({
        ...flows,
        logger: pipelineLogger,
        database: env.DATABASE_URL ? { url: env.DATABASE_URL, dataDir: args.data } : { dataDir: args.data },
      }).catch((error: unknown) => fail(`the state in ${args.data} could not be opened: ${String(error)}`));
  let runner: LocalRunner;
  try {
    runner = await startLocalRunner({
      port,
      host: env.HOST || "127.0.0.1",
      inbox: env.ORDERFLOW_INBOX || "./inbox",
      logger,
      backend,
      guard: {
        allowedHosts: (env.ORDERFLOW_ALLOWED_HOSTS ?? "").split(",").filter((name) => name.trim() !== ""),
        operatorToken: env.ORDERFLOW_OPERATOR_TOKEN || undefined,
      },
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "EADDRINUSE") fail(`port ${port} is already in use; try PORT=3001 npm start`);
    throw error;
  }

  // The banner goes where people look: the terminal, or stderr when stdout carries JSON lines.
  const out = process.stdout.isTTY ? process.stdout : process.stderr;
  out.write(banner(runner, delayMs));

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) process.exit(130); // a second Ctrl-C does not wait
    stopping = true;
    logger.info("stopping", { signal });
    runner.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error("could not stop cleanly", { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  // Under `npm start` this process is the child of npm's shell: `kill <npm's pid>` stops npm and the
  // shell, and no signal reaches here. When whoever started it goes away, it stops as if signalled.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) shutdown("parent exited");
  }, 500).unref();
}

function parseCommandLine(argv: readonly string[]): { readonly data: string; readonly memory: boolean } {
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: {
        data: { type: "string" },
        memory: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      process.stdout.write(USAGE);
      process.exit(0);
    }
    if (values.memory && values.data !== undefined) fail("--memory keeps nothing: leave out --data");
    return { data: values.data ?? "./.orderflow", memory: values.memory ?? false };
  } catch (error) {
    process.stderr.write(`orderflow: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

function banner({ url, inbox, backend }: LocalRunner, delayMs: number): string {
  const order = JSON.stringify({
    orderId: "demo-1",
    customerId: "c-1",
    currency: "BRL",
    items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 2, unitPrice: 3490 }],
    shippingAddress: { line1: "Rua Augusta, 100", city: "São Paulo", postalCode: "01305-000", country: "BR" },
  });
  return [
    "",
    "orderflow local runner",
    `  console ${url}/  (open it in a browser)`,
    `  API     ${url}`,
    `  inbox   ${inbox}  (drop .json or .jsonl batch files here)`,
    `  state   ${backend.description}`,
    `  payment starts ${delayMs / 1000} s after validation (PAYMENT_DELAY_MS): time to modify or cancel`,
    "",
    "Try:",
    `  curl -s ${url}/products`,
    `  curl -si -X POST ${url}/orders -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-1' \\`,
    `    -d '${order}'`,
    `  curl -s ${url}/orders/demo-1`,
    "",
    `CLI: npm run -s orderflow -- --endpoint ${url} order demo-1`,
    "Ctrl-C stops it.",
    "",
    "",
  ].join("\n");
}

function fail(message: string): never {
  process.stderr.write(`orderflow: ${message}\n`);
  process.exit(1);
}

main(process.argv.slice(2), process.env).catch((error: unknown) => {
  process.stderr.write(
    `orderflow: the local runner could not start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
