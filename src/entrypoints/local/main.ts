/**
 * `npm start`: the local runner on `127.0.0.1:${PORT:-3000}`, with the inbox in
 * `./inbox` (or `ORDERFLOW_INBOX`). Environment: `PORT`, `HOST`,
 * `ORDERFLOW_INBOX`, `LOG_LEVEL` (debug|info|warn|error), `LOG_FORMAT`
 * (pretty|json; default pretty on a terminal, json when piped), `NO_COLOR`,
 * `ORDERFLOW_ORCHESTRATION` (workflow|queue; default workflow: the order
 * workflow's definition, run in process), `ORDERFLOW_ALLOWED_HOSTS` (host
 * names answered besides loopback ones, comma-separated),
 * `ORDERFLOW_OPERATOR_TOKEN` (lets `/_local/` requests through by header).
 */
import { ConsoleLogger, type ConsoleLogLevel } from "./console-logger.js";
import { createInboxFiles } from "./local-inbox.js";
import { type LocalRunner, startLocalRunner } from "./local-runner.js";

const LEVELS = ["debug", "info", "warn", "error"];

async function main(env: NodeJS.ProcessEnv): Promise<void> {
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
  const logger = new ConsoleLogger({
    level: level as ConsoleLogLevel,
    ...(format ? { format } : {}),
    ...(env.NO_COLOR ? { color: false } : {}),
  });

  // Files dropped in the inbox go through the batch-file flows (validate-file, extract-orders).
  const inboxFiles = createInboxFiles();
  let runner: LocalRunner;
  try {
    runner = await startLocalRunner({
      port,
      host: env.HOST || "127.0.0.1",
      inbox: env.ORDERFLOW_INBOX || "./inbox",
      logger,
      onFile: inboxFiles.onFile,
      pipeline: { orchestration },
      guard: {
        allowedHosts: (env.ORDERFLOW_ALLOWED_HOSTS ?? "").split(",").filter((name) => name.trim() !== ""),
        operatorToken: env.ORDERFLOW_OPERATOR_TOKEN || undefined,
      },
    });
    inboxFiles.attach(runner);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "EADDRINUSE") fail(`port ${port} is already in use; try PORT=3001 npm start`);
    throw error;
  }

  // The banner goes where people look: the terminal, or stderr when stdout carries JSON lines.
  const out = process.stdout.isTTY ? process.stdout : process.stderr;
  out.write(banner(runner));

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

function banner({ url, inbox }: LocalRunner): string {
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
    `  API    ${url}`,
    `  inbox  ${inbox}  (drop .json or .jsonl batch files here)`,
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

main(process.env).catch((error: unknown) => {
  process.stderr.write(
    `orderflow: the local runner could not start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
