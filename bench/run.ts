/**
 * `npm run bench`: every benchmark, each printed as a table. Ratios are
 * measured within one run; absolute figures depend on the machine.
 */
import { runNotificationBench } from "./notifications.js";
import { runOrchestrationBench, runPipelineBench, runUseCaseBench } from "./pipeline.js";

const pipeline = await runPipelineBench(Number(process.env.BENCH_ORDERS ?? 5_000));
const useCases = await runUseCaseBench(Number(process.env.BENCH_ORDERS ?? 5_000));
const notifications = await runNotificationBench(Number(process.env.BENCH_ORDERS ?? 5_000));
console.log("\n## In-memory full lifecycle vs raw baseline");
console.table([
  {
    path: "raw baseline (JSON.parse + zod parse + Map.set)",
    "orders/s": Math.round(pipeline.baselineOrdersPerSecond),
  },
  {
    path: "in-memory full lifecycle (API → queues → CONFIRMED)",
    "orders/s": Math.round(pipeline.lifecycleOrdersPerSecond),
  },
  { path: "use cases only (place → validate → process, no queues)", "orders/s": Math.round(useCases) },
  {
    path: "notifications (accept → topic → priority queue → DELIVERED), per notification",
    "orders/s": Math.round(notifications.notificationsPerSecond),
  },
]);
console.log(
  `ratio: ${pipeline.ratio.toFixed(3)}× the baseline (floor 0.12×); use cases alone ` +
    `${(useCases / pipeline.baselineOrdersPerSecond).toFixed(3)}×; ${pipeline.orders} orders, medians of 9 rounds; ` +
    "the lifecycle includes each order's confirmation notification (notify-order → topic → medium queue → delivered)",
);

const orchestrations = await runOrchestrationBench();
console.log("\n## In-memory full lifecycle by orchestration (same run, alternated)");
console.table([
  { orchestration: "processing queue consumer", "orders/s": Math.round(orchestrations.queue) },
  {
    orchestration: "order workflow (the deployed definition, in process)",
    "orders/s": Math.round(orchestrations.workflow),
  },
]);
console.log(
  `${orchestrations.orders} orders, medians of 3 rounds; the workflow ${(orchestrations.workflow / orchestrations.queue).toFixed(2)}× the queue.`,
);

// Prints its own tables: requests per order per AWS API, ⌈n/10⌉ batch calls, cost per million orders.
const { runAwsRequestBench } = await import("./aws-requests.js");
await runAwsRequestBench();

// Prints its own tables: requests per notification (POST → DELIVERED), PublishBatch for lifecycle bursts, cost per million.
const { runNotificationRequestBench } = await import("./notification-requests.js");
await runNotificationRequestBench();

// Prints its own table: states per path of the order workflow, priced as Standard and as Express + Standard.
const { runWorkflowCostBench } = await import("./workflow-cost.js");
await runWorkflowCostBench();

// Prints its own table: per fulfilled order, Lambda invocations, transitions and AWS requests under each orchestration, and cost.
const { runOrchestrationRequestBench } = await import("./orchestration-requests.js");
await runOrchestrationRequestBench();

// Prints its own table: each bundled handler's cold start against a bare handler with the same SDK clients.
const { runColdStartBench } = await import("./cold-start.js");
await runColdStartBench();

// Prints its own table: validate-order and api beside their Powertools equivalents, the bare handlers making the same
// AWS calls and the floor, with calls failing fast and on the success path (a loopback stand-in answering the SDK).
// Fewer rounds here than alone (npx tsx bench/cold-start-vs-powertools.ts [rounds], 25 by default).
const { runPowertoolsComparison } = await import("./cold-start-vs-powertools.js");
await runPowertoolsComparison({ runs: 9 });

// Prints its own table: every handler on its success path (the flows rehearsed on the stand-in, each handler's event
// from what the one before it sent) against the same calls made bare, the floor and Powertools' wrapping of them.
const { runEveryHandlerBench } = await import("./cold-start-every-handler.js");
await runEveryHandlerBench({ runs: 9 });

// Prints its own tables: file throughput vs JSON.parse, SQS calls, and (BENCH_BIG=1) peak RSS for a file over 1 GiB.
const { runFileBench } = await import("./files.js");
await runFileBench();

// Prints its own tables: high-priority notifications POST → DELIVERED on the local runner (child
// processes), alone, beside a stream of 10,000 low ones, and behind 10,000 low ones already queued.
const { runNotificationLatencyBench } = await import("./notification-latency.js");
await runNotificationLatencyBench();

// Prints its own tables: orders per second on PostgreSQL (PGlite, a server with one and two worker
// processes) beside the in-memory pipeline, and the statements each order costs.
const { runPostgresBench } = await import("./postgres.js");
await runPostgresBench();

// Prints its own tables: the local runner as npm start runs it (child process, PGlite): /health and POST /orders
// latency while a big file is extracted, and its RSS as orders and unparseable files go through. Scaled down here
// (BENCH_RUNNER_SCALE, default 0.1); the full-size measurement alone: npx tsx bench/local-runner.ts.
const { runLocalRunnerBench } = await import("./local-runner.js");
await runLocalRunnerBench({ scale: Number(process.env.BENCH_RUNNER_SCALE ?? 0.1) });

// Prints its own tables: the web console's size (raw and gzipped) and its first and largest contentful paint in
// Chromium on localhost beside a one-line page (skipped without /usr/bin/chromium).
const { runConsoleBench } = await import("./console.js");
await runConsoleBench();
