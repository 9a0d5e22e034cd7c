/**
 * The local runner as `npm start` runs it (PGlite in a data folder, an inbox
 * folder watched, the order workflow run in process), as a child process a test
 * can kill: started with `fork` or `node --import tsx`, it prints one JSON line
 * `{"url":…,"pid":…}` on stdout once it listens, and logs JSON lines to stderr.
 * SIGTERM (or its parent going away) stops it cleanly; SIGKILL is what the
 * restart test sends.
 *
 * Environment: `ORDERFLOW_DATA_DIR` (required), `ORDERFLOW_INBOX` (required),
 * `ORDERFLOW_LEDGER` (required: the payment ledger file of a
 * {@link LedgerPaymentGateway}), `PORT` (default 0: a free port),
 * `LOG_LEVEL` (default warn), `ORDERFLOW_VISIBILITY_TIMEOUT_SECONDS` (the
 * queues' visibility timeout; default the product's).
 */
import { ConsoleLogger, type ConsoleLogLevel } from "../../src/entrypoints/local/console-logger.js";
import { startLocalRunner } from "../../src/entrypoints/local/local-runner.js";
import { PostgresBackend } from "../../src/entrypoints/local/postgres-backend.js";
import { LedgerPaymentGateway } from "./ledger-payment-gateway.js";

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`runner-process: ${name} is required\n`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const dataDir = required("ORDERFLOW_DATA_DIR");
  const inbox = required("ORDERFLOW_INBOX");
  const payments = new LedgerPaymentGateway(required("ORDERFLOW_LEDGER"));
  const visibility = process.env.ORDERFLOW_VISIBILITY_TIMEOUT_SECONDS;
  const logger = new ConsoleLogger({
    stream: process.stderr,
    format: "json",
    level: (process.env.LOG_LEVEL ?? "warn") as ConsoleLogLevel,
  });
  const backend = await PostgresBackend.open({
    database: { dataDir },
    orchestration: "workflow",
    paymentDelaySeconds: 0,
    payments,
    logger: logger.child({ component: "pipeline" }),
    ...(visibility ? { visibilityTimeoutSeconds: Number(visibility) } : {}),
  });
  const runner = await startLocalRunner({ port: Number(process.env.PORT ?? 0), inbox, logger, backend });
  process.stdout.write(`${JSON.stringify({ url: runner.url, pid: process.pid })}\n`);

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    runner.stop().then(
      () => {
        payments.close();
        process.exit(0);
      },
      () => process.exit(1),
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
  // A test that dies without stopping it leaves no runner behind.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 500).unref();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `runner-process: could not start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
