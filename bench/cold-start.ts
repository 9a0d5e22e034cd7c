/**
 * Cold start of each bundled Lambda handler against a bare handler bundled the
 * same way with the same SDK clients and no DI, zod or pino.
 *
 * A cold start here is what a fresh Lambda execution environment pays before
 * the first answer: a new `node` process, the module load, the composition root
 * (environment validation, container, the handler's adapters and SDK clients)
 * and one invocation. The invocation is one that reaches no network (an empty
 * SQS batch, `GET /health`), so the numbers do not depend on AWS. Runs are
 * interleaved (handler, baseline, handler, ...) so that load from other
 * processes hits both sides alike; the median is reported.
 *
 * Run alone: `npx tsx bench/cold-start.ts [runs]`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  buildLambdaBundles,
  LAMBDA_HANDLERS,
  type LambdaHandlerName,
  lambdaBuildOptions,
  lambdaBundlesOptions,
} from "../tsup.lambda.config.js";
import { loadedAtStart } from "./loaded-at-start.js";

export interface ColdStartOptions {
  /** Processes started per bundle (default 25). */
  readonly runs?: number;
  /** Bundle formats to compare (default: ESM only, the format `build:lambda` ships). */
  readonly formats?: readonly ("esm" | "cjs")[];
  readonly handlers?: readonly LambdaHandlerName[];
  /** Also measure the floor (bench/bare/floor.ts) against the SQS baseline (default true). */
  readonly floor?: boolean;
  /** Where lines of the report go (default `console.log`). */
  readonly print?: (line: string) => void;
}

export interface ColdStartRow {
  /** A handler, or `floor`: the SQS baseline plus zod (with the domain), inversify and pino (bench/bare/floor.ts). */
  readonly handler: LambdaHandlerName | "floor";
  readonly format: "esm" | "cjs";
  /** Bytes a cold start reads: the entry and the chunks it imports statically ({@link loadedAtStart}). */
  readonly bytes: number;
  readonly baselineBytes: number;
  /** Median wall time of a cold start, in ms. */
  readonly medianMs: number;
  readonly baselineMedianMs: number;
  readonly overheadMs: number;
  /**
   * Median CPU time (user + system) of the cold-start process, in ms: what the
   * cold start costs the machine, much less sensitive than wall time to other
   * processes competing for the cores.
   */
  readonly cpuMs: number;
  readonly baselineCpuMs: number;
  readonly cpuOverheadMs: number;
  /**
   * Median of the CPU differences between each handler run and the baseline run
   * right after it: runs side by side meet the same load, so this one moves
   * least with what else the machine is doing.
   */
  readonly pairedCpuOverheadMs: number;
}

/** What orderflow's own code may add to the libraries its design requires: the target is the floor's overhead plus this. */
export const OVER_FLOOR_TARGET_MS = 10;

const root = resolve(import.meta.dirname, "..");

/** Every variable of every handler's environment, with values that reach no real resource. */
export const AWS_ENV = {
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "bench",
  AWS_SECRET_ACCESS_KEY: "bench",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  LOG_LEVEL: "info",
  ORDERS_TABLE: "orderflow-orders",
  IDEMPOTENCY_TABLE: "orderflow-idempotency",
  PRODUCTS_TABLE: "orderflow-products",
  EVENT_BUS_NAME: "orderflow",
  INTAKE_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/orderflow-intake.fifo",
  ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:orderflow-alerts",
  PAYMENT_MODE: "always-succeed",
  FILES_BUCKET: "orderflow-files",
  FILE_HISTORY_TABLE: "orderflow-file-history",
  FILE_EXTRACTION_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/orderflow-file-extraction",
  NOTIFICATIONS_TABLE: "orderflow-notifications",
  METRICS_TABLE: "orderflow-metrics",
  NOTIFICATION_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:orderflow-notifications",
  SETTINGS_TABLE: "orderflow-settings",
  TASK_TOKENS_TABLE: "orderflow-task-tokens",
  STATE_MACHINE_ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:orderflow-order-workflow",
};

/** The bare handler each handler is measured against: same SDK clients, nothing else. */
const BASELINES = {
  api: "api",
  "validate-order": "sqs-consumer",
  "process-order": "sqs-consumer",
  "start-workflow": "sqs-consumer",
  "release-fulfilment": "sqs-consumer",
  // Invoked by the state machine's task states, with a task's payload rather than a batch of records.
  "workflow-task": "workflow-task",
  "cancel-order": "sqs-consumer",
  "modify-order": "sqs-consumer",
  "refund-order": "sqs-consumer",
  "validate-file": "file-consumer",
  "extract-orders": "file-consumer",
  "deliver-notification": "sqs-consumer",
  "notify-order": "sqs-consumer",
  "record-metrics": "sqs-consumer",
} as const satisfies Record<LambdaHandlerName, string>;

const SQS_EVENT = { Records: [] };
/** What a task state of the order workflow sends (its first task). */
const WORKFLOW_TASK_EVENT = { task: "checkStore", orderId: "o-1", correlationId: "c-1" };
const HEALTH_EVENT = {
  version: "2.0",
  routeKey: "$default",
  rawPath: "/health",
  rawQueryString: "",
  headers: { accept: "application/json" },
  requestContext: { http: { method: "GET", path: "/health" }, requestId: "bench", stage: "$default" },
  isBase64Encoded: false,
};

/** Builds the bundles, times them, prints a table and returns its rows. */
export async function runColdStartBench(options: ColdStartOptions = {}): Promise<ColdStartRow[]> {
  const runs = options.runs ?? 25;
  const formats = options.formats ?? ["esm"];
  const handlers = options.handlers ?? (Object.keys(LAMBDA_HANDLERS) as LambdaHandlerName[]);
  const print = options.print ?? ((line: string) => console.log(line));
  const workDir = mkdtempSync(join(tmpdir(), "orderflow-cold-start-"));
  try {
    const rows: ColdStartRow[] = [];
    const failures: string[] = [];
    for (const format of formats) {
      const ext = format === "esm" ? "mjs" : "cjs";
      const handlerDir = join(workDir, format, "handlers");
      const bareDir = join(workDir, format, "bare");
      await buildLambdaBundles([
        ...lambdaBuildOptions({ outDir: handlerDir, format, handlers }),
        ...lambdaBundlesOptions(
          {
            "sqs-consumer": "bench/bare/sqs-consumer.ts",
            api: "bench/bare/api.ts",
            "file-consumer": "bench/bare/file-consumer.ts",
            "workflow-task": "bench/bare/workflow-task.ts",
            floor: "bench/bare/floor.ts",
          },
          bareDir,
          format,
        ),
      ]);
      for (const handler of handlers) {
        const kind = BASELINES[handler];
        const event =
          kind === "api" ? HEALTH_EVENT : kind === "workflow-task" ? WORKFLOW_TASK_EVENT : SQS_EVENT;
        const bundle = join(handlerDir, handler, `index.${ext}`);
        const baseline = join(bareDir, BASELINES[handler], `index.${ext}`);
        try {
          rows.push({ handler, format, ...measure(bundle, baseline, event, runs) });
        } catch (error) {
          // One handler that cannot start (e.g. one still being wired) must not hide the others' figures.
          failures.push(`${handler} (${format}): ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (options.floor ?? true) {
        const floor = join(bareDir, "floor", `index.${ext}`);
        const baseline = join(bareDir, "sqs-consumer", `index.${ext}`);
        rows.push({ handler: "floor", format, ...measure(floor, baseline, SQS_EVENT, runs) });
      }
    }
    printTable(rows, runs, print);
    for (const failure of failures) print(`failed to cold-start ${failure}`);
    return rows;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Cold starts of `bundle` and `baseline`, interleaved, summarized. */
function measure(
  bundle: string,
  baseline: string,
  event: unknown,
  runs: number,
): Omit<ColdStartRow, "handler" | "format"> {
  const samples: ColdStart[] = [];
  const baselineSamples: ColdStart[] = [];
  coldStart(bundle, event); // first runs warm the file cache, not the measure
  coldStart(baseline, event);
  for (let run = 0; run < runs; run++) {
    samples.push(coldStart(bundle, event));
    baselineSamples.push(coldStart(baseline, event));
  }
  const medianMs = median(samples.map((s) => s.wallMs));
  const baselineMedianMs = median(baselineSamples.map((s) => s.wallMs));
  const cpuMs = median(samples.map((s) => s.cpuMs));
  const baselineCpuMs = median(baselineSamples.map((s) => s.cpuMs));
  return {
    bytes: loadedAtStart(bundle).bytes,
    baselineBytes: loadedAtStart(baseline).bytes,
    medianMs,
    baselineMedianMs,
    overheadMs: medianMs - baselineMedianMs,
    cpuMs,
    baselineCpuMs,
    cpuOverheadMs: cpuMs - baselineCpuMs,
    pairedCpuOverheadMs: median(samples.map((s, i) => s.cpuMs - baselineSamples[i]!.cpuMs)),
  };
}

interface ColdStart {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Starts a process that loads `bundle` and invokes its handler once; returns its wall and CPU times. */
function coldStart(bundle: string, event: unknown): ColdStart {
  const script =
    `import(${JSON.stringify(pathToFileURL(bundle).href)})` +
    `.then((m) => m.handler(${JSON.stringify(event)}, { awsRequestId: "bench", functionName: "bench" }))` +
    `.then((r) => { if (!r || (r.statusCode !== undefined && r.statusCode !== 200) || (r.batchItemFailures && r.batchItemFailures.length)) { console.error(JSON.stringify(r)); process.exit(2); }` +
    ` const u = process.cpuUsage(); process.stderr.write("CPU " + (u.user + u.system) / 1000 + "\\n"); })`;
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ["-e", script], {
    cwd: root,
    env: { PATH: process.env.PATH, ...AWS_ENV },
    encoding: "utf8",
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = /CPU ([\d.]+)/.exec(result.stderr ?? "");
  if (result.status !== 0 || !cpu) {
    // The error line, not the minified source line Node prints above it.
    const stderr = result.stderr ?? "";
    const reason = /^\w*Error\b.*$/m.exec(stderr)?.[0] ?? stderr.slice(-500);
    throw new Error(`cold start of ${bundle} failed (${result.status}): ${reason}`);
  }
  return { wallMs, cpuMs: Number(cpu[1]) };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function printTable(rows: readonly ColdStartRow[], runs: number, print: (line: string) => void): void {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const signed = (value: number) => `${value >= 0 ? "+" : ""}${ms(value)}`;
  print(
    `Lambda cold start (new node process + load + composition root + 1st invocation), median of ${runs} runs`,
  );
  print(
    "vs a bare handler with the same SDK clients and commands; " +
      `target: at most the floor's overhead + ${OVER_FLOOR_TARGET_MS} ms`,
  );
  const header = [
    "handler",
    "format",
    "at start",
    "bare",
    "wall",
    "bare wall",
    "overhead",
    "CPU",
    "bare CPU",
    "overhead",
    "paired",
  ];
  print(header.map((cell, i) => cell.padEnd(i === 0 ? 15 : 11)).join(""));
  for (const row of rows) {
    print(
      [
        row.handler,
        row.format,
        kb(row.bytes),
        kb(row.baselineBytes),
        ms(row.medianMs),
        ms(row.baselineMedianMs),
        signed(row.overheadMs),
        ms(row.cpuMs),
        ms(row.baselineCpuMs),
        signed(row.cpuOverheadMs),
        signed(row.pairedCpuOverheadMs),
      ]
        .map((cell, i) => cell.padEnd(i === 0 ? 15 : 11))
        .join(""),
    );
  }
  if (rows.some((row) => row.handler === "floor"))
    print(
      "floor: the SQS baseline plus the domain (zod), an inversify container and a pino line, no orderflow wiring: no handler's overhead can go below it",
    );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = Number(process.argv[2] ?? 25);
  const formats = (process.argv[3]?.split(",") ?? ["esm"]) as ("esm" | "cjs")[];
  await runColdStartBench({ runs, formats });
}
