/**
 * The local runner as `npm start -- --memory` builds it (startLocalRunner in
 * memory, JSON log lines on stdout), plus one thing for the latency bench: on an IPC message
 * `{ backlog: n }` it accepts n low notifications in one go, through the same
 * use case the `POST /notifications` route calls, and answers
 * `{ queued, ms }`. Through HTTP a backlog never forms (each request's drain
 * runs to the end before the next request is read), so this is how the bench
 * puts 10,000 notifications on the low queue at once, as a burst from the
 * lifecycle notifier or a long pause of the consumer would.
 *
 * Run with `node --import tsx` (not the tsx CLI, which would sit between this
 * process and its parent's IPC channel).
 */
import { ConsoleLogger, type ConsoleLogLevel } from "../src/entrypoints/local/console-logger.js";
import { startLocalRunner } from "../src/entrypoints/local/local-runner.js";

const runner = await startLocalRunner({
  port: 0,
  host: "127.0.0.1",
  inbox: process.env.ORDERFLOW_INBOX || "./inbox",
  logger: new ConsoleLogger({ level: (process.env.LOG_LEVEL ?? "info") as ConsoleLogLevel, format: "json" }),
});

// The URL, as npm start's banner gives it on stderr when stdout is a pipe (the start line is not logged below info).
process.stderr.write(`  API    ${runner.url}\n`);

process.on("message", (message: { backlog?: number }) => {
  const n = message.backlog ?? 0;
  void (async () => {
    const start = performance.now();
    // One accept after another without giving the event loop a turn: neither HTTP nor the
    // drain's 200 ms tick runs until all n are on the queue.
    for (let i = 0; i < n; i++) {
      await runner.backend.flow.notificationApi.accept({
        userId: `low-${i % 100}`,
        message: `backlog ${i}`,
        priority: "low",
      });
    }
    process.send?.({ queued: n, ms: performance.now() - start });
  })();
});

const stop = () => {
  runner.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
