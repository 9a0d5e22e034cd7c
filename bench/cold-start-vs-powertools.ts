/**
 * Cold start of orderflow's validate-order and api handlers beside what an AWS
 * user would write instead (bench/powertools/), the bare handler making the
 * same AWS calls with the SDK alone (bench/bare/) and the floor (the bare
 * handler after the libraries orderflow's design requires: bench/bare/floor-libraries.ts),
 * all bundled with orderflow's Lambda build options, in two modes:
 *
 * - **calls failing fast**: the endpoint refuses connections (one attempt), so
 *   each handler loads, builds what it builds, tries its first call and fails it;
 * - **success path**: the endpoint is a loopback stand-in (test/support/aws-stand-in.ts)
 *   that answers every call, DynamoDB with real conditional writes: the
 *   validate-order handlers each validate an order seeded `RECEIVED` for their
 *   run; the api handlers each place a new order with `POST /orders`. Every
 *   contender must succeed and make the same calls in the same order.
 *
 * A cold start is a fresh `node` process: module load, first invocation. Runs
 * are interleaved (each round starts every contender once, in a rotating
 * order) and each contender's overhead is the median of its CPU time minus the
 * bare handler's in the same round.
 *
 * Run alone: `npx tsx bench/cold-start-vs-powertools.ts [runs]`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DynamoDbOrderRepository } from "../src/adapters/aws/dynamodb-order-repository.js";
import { DynamoDbProductCatalog } from "../src/adapters/aws/dynamodb-product-catalog.js";
import { Order } from "../src/domain/order.js";
import { type AwsStandIn, startAwsStandIn } from "../test/support/aws-stand-in.js";
import { buildLambdaBundles, lambdaBuildOptions, lambdaBundlesOptions } from "../tsup.lambda.config.js";
import { AWS_ENV, median } from "./cold-start.js";
import { loadedAtStart } from "./loaded-at-start.js";

export const MODES = ["calls failing fast", "success path"] as const;
export type Mode = (typeof MODES)[number];
export const COMPARED_HANDLERS = ["validate-order", "api"] as const;
export type ComparedHandler = (typeof COMPARED_HANDLERS)[number];
export const CONTENDERS = ["orderflow", "powertools", "floor", "bare"] as const;
export type Contender = (typeof CONTENDERS)[number];

/** The figures to reach on the success path: over bare, at most the floor's overhead + 10 ms, and 0.75× Powertools'. */
export const TARGETS = { overFloorMs: 10, ofPowertools: 0.75 } as const;

export interface ComparisonRow {
  readonly mode: Mode;
  readonly handler: ComparedHandler;
  readonly contender: Contender;
  /** Bytes a cold start reads: the entry and the chunks it imports statically ({@link loadedAtStart}). */
  readonly bytes: number;
  /** Median CPU time (user + system) of a cold start, in ms. */
  readonly cpuMs: number;
  /** Median of (this contender's CPU − the bare handler's) over the rounds: its overhead over bare. */
  readonly overheadMs: number;
}

export interface ComparisonOptions {
  /** Rounds (default 15): each starts every contender once. */
  readonly runs?: number;
  /** Default both. */
  readonly modes?: readonly Mode[];
  /** Default both. */
  readonly handlers?: readonly ComparedHandler[];
  readonly print?: (line: string) => void;
}

const root = resolve(import.meta.dirname, "..");

/** The bench's own entries, bundled like the handlers. */
const PEER_ENTRIES: Readonly<Record<Exclude<Contender, "orderflow">, Record<ComparedHandler, string>>> = {
  powertools: { "validate-order": "bench/powertools/validate-order.ts", api: "bench/powertools/api.ts" },
  floor: { "validate-order": "bench/bare/floor-validate-order.ts", api: "bench/bare/floor-api.ts" },
  bare: { "validate-order": "bench/bare/validate-order.ts", api: "bench/bare/api.ts" },
};

const TABLES = {
  orders: AWS_ENV.ORDERS_TABLE,
  idempotency: AWS_ENV.IDEMPOTENCY_TABLE,
  products: AWS_ENV.PRODUCTS_TABLE,
};
const PRODUCT = { sku: "SKU-1", unitPrice: 1250, currency: "BRL", stock: 1_000_000 };
const ORDER = {
  customerId: "c-bench",
  currency: "BRL",
  items: [{ sku: PRODUCT.sku, quantity: 2, unitPrice: PRODUCT.unitPrice }],
  shippingAddress: { line1: "Rua 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
};

/** Builds the bundles, times them in both modes, prints a table and returns its rows. */
export async function runPowertoolsComparison(options: ComparisonOptions = {}): Promise<ComparisonRow[]> {
  const runs = options.runs ?? 15;
  const print = options.print ?? ((line: string) => console.log(line));
  const workDir = mkdtempSync(join(tmpdir(), "orderflow-vs-powertools-"));
  const standIn = await startAwsStandIn(TABLES);
  try {
    const bundles = await buildBundles(workDir);
    await new DynamoDbProductCatalog({ client: standIn.dynamoDb, tableName: TABLES.products }).putProducts([
      PRODUCT,
    ]);
    const rows: ComparisonRow[] = [];
    const modes = options.modes ?? MODES;
    const handlers = options.handlers ?? COMPARED_HANDLERS;
    for (const mode of modes) {
      const endpoint = mode === "success path" ? standIn.endpoint : await refusingEndpoint();
      for (const handler of handlers) {
        const samples = new Map<Contender, number[]>(CONTENDERS.map((c) => [c, []]));
        for (let round = -1; round < runs; round++) {
          // Round -1 warms the file cache and is not counted.
          const shift = Math.max(0, round) % CONTENDERS.length;
          const order = [...CONTENDERS.slice(shift), ...CONTENDERS.slice(0, shift)];
          const cpu = new Map<Contender, number>();
          const calls = new Map<Contender, string>();
          for (const contender of order) {
            const event = await eventFor(handler, mode, standIn, `${contender}-${round}`);
            standIn.calls.length = 0;
            const started = await coldStart(bundles[contender][handler], event, endpoint);
            if (mode === "success path" && !started.succeeded)
              throw new Error(
                `${contender} ${handler} did not succeed on the success path: ${started.result}`,
              );
            cpu.set(contender, started.cpuMs);
            calls.set(contender, standIn.calls.join(" "));
          }
          if (mode === "success path" && new Set(calls.values()).size !== 1)
            throw new Error(
              `${handler}: the contenders made different calls: ${JSON.stringify(Object.fromEntries(calls))}`,
            );
          if (round < 0) continue;
          for (const contender of CONTENDERS) samples.get(contender)!.push(cpu.get(contender)!);
        }
        const bare = samples.get("bare")!;
        for (const contender of CONTENDERS) {
          const own = samples.get(contender)!;
          rows.push({
            mode,
            handler,
            contender,
            bytes: loadedAtStart(bundles[contender][handler]).bytes,
            cpuMs: median(own),
            overheadMs: median(own.map((ms, i) => ms - bare[i]!)),
          });
        }
      }
    }
    printComparison(rows, runs, print);
    return rows;
  } finally {
    await standIn.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

type Bundles = Record<Contender, Record<ComparedHandler, string>>;

async function buildBundles(workDir: string): Promise<Bundles> {
  const orderflowDir = join(workDir, "orderflow");
  const peersDir = join(workDir, "peers");
  await buildLambdaBundles(lambdaBuildOptions({ outDir: orderflowDir, handlers: [...COMPARED_HANDLERS] }));
  const entries = Object.entries(PEER_ENTRIES).flatMap(([contender, files]) =>
    Object.entries(files).map(([handler, file]) => [`${contender}/${handler}`, file] as const),
  );
  await buildLambdaBundles(lambdaBundlesOptions(Object.fromEntries(entries), peersDir));
  const at = (dir: string, handler: string) => join(dir, handler, "index.mjs");
  const bundles = {} as Bundles;
  for (const contender of CONTENDERS)
    bundles[contender] = Object.fromEntries(
      COMPARED_HANDLERS.map((handler) => [
        handler,
        contender === "orderflow" ? at(orderflowDir, handler) : at(join(peersDir, contender), handler),
      ]),
    ) as Record<ComparedHandler, string>;
  return bundles;
}

/** A loopback port nothing listens on: a connection to it is refused at once. */
async function refusingEndpoint(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return `http://127.0.0.1:${port}`;
}

/** The run's event: a validation request for an order seeded `RECEIVED` (validate-order), or a new order to place (api). */
async function eventFor(
  handler: ComparedHandler,
  mode: Mode,
  standIn: AwsStandIn,
  run: string,
): Promise<unknown> {
  const orderId = `${handler}-${mode === "success path" ? "ok" : "ff"}-${run}`;
  if (handler === "api") return postOrderEvent({ orderId, ...ORDER });
  if (mode === "success path") {
    const repository = new DynamoDbOrderRepository({ client: standIn.dynamoDb, tableName: TABLES.orders });
    const ctx = { commandId: `place-${orderId}`, correlationId: `c-${orderId}`, at: new Date() };
    await repository.save(Order.place({ orderId, ...ORDER }, ctx), 0);
  }
  const body = {
    type: "ValidateOrder",
    orderId,
    commandId: `place-${orderId}`,
    correlationId: `c-${orderId}`,
  };
  return {
    Records: [
      {
        messageId: `m-${orderId}`,
        receiptHandle: "bench",
        body: JSON.stringify(body),
        attributes: {
          ApproximateReceiveCount: "1",
          SentTimestamp: String(Date.now()),
          SenderId: "bench",
          ApproximateFirstReceiveTimestamp: String(Date.now()),
          MessageGroupId: orderId,
          MessageDeduplicationId: body.commandId,
          SequenceNumber: "1",
        },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:orderflow-intake.fifo",
        awsRegion: "us-east-1",
      },
    ],
  };
}

function postOrderEvent(order: unknown) {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: "/orders",
    rawQueryString: "",
    headers: { "content-type": "application/json", accept: "application/json" },
    requestContext: {
      accountId: "123456789012",
      apiId: "bench",
      domainName: "bench.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "bench",
      http: {
        method: "POST",
        path: "/orders",
        protocol: "HTTP/1.1",
        sourceIp: "127.0.0.1",
        userAgent: "bench",
      },
      requestId: "bench",
      routeKey: "$default",
      stage: "$default",
      time: "07/Dec/2026:16:00:00 +0000",
      timeEpoch: Date.now(),
    },
    body: JSON.stringify(order),
    isBase64Encoded: false,
  };
}

export interface Started {
  readonly cpuMs: number;
  readonly succeeded: boolean;
  readonly result: string;
  /** With `countInstructions`: the instructions the process ran, start to exit. */
  readonly instructions?: number;
}

/**
 * Starts a process that loads `bundle` and invokes its handler once; resolves
 * with its CPU time and whether it succeeded. With `countInstructions`, the
 * process runs under valgrind's cachegrind (`node --predictable`) and its
 * instruction count comes back too: the same from one run to the next and
 * whatever else the machine is doing, at some fifty times the time.
 */
export function coldStart(
  bundle: string,
  event: unknown,
  endpoint: string,
  options: { readonly countInstructions?: boolean } = {},
): Promise<Started> {
  const script =
    `import(${JSON.stringify(pathToFileURL(bundle).href)})` +
    `.then((m) => m.handler(${JSON.stringify(event)}, { awsRequestId: "bench", functionName: "bench", getRemainingTimeInMillis: () => 30000 }))` +
    // A handler may throw when every record failed (Powertools does, so that Lambda retries the batch): measured all the same.
    `.catch((e) => ({ thrown: String(e && e.name) + ": " + String(e && e.message).slice(0, 300) }))` +
    `.then((r) => { const u = process.cpuUsage(); process.stderr.write("RESULT " + JSON.stringify(r) + "\\nCPU " + (u.user + u.system) / 1000 + "\\n"); })`;
  return new Promise((done, fail) => {
    const [command, ...args] = options.countInstructions
      ? [
          "valgrind",
          "--tool=cachegrind",
          "--cache-sim=no",
          "--cachegrind-out-file=/dev/null",
          process.execPath,
          "--predictable",
          "-e",
          script,
        ]
      : [process.execPath, "-e", script];
    const child = spawn(command!, args, {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        ...AWS_ENV,
        AWS_ENDPOINT_URL: endpoint,
        // The SQS client sends to the queue's own URL: the queues live at the endpoint too.
        INTAKE_QUEUE_URL: `${endpoint}/123456789012/orderflow-intake.fifo`,
        FILE_EXTRACTION_QUEUE_URL: `${endpoint}/123456789012/orderflow-file-extraction`,
        // One attempt per call: failing fast means at once, not after the SDK's backoff.
        AWS_MAX_ATTEMPTS: "1",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", fail);
    child.on("close", (status) => {
      const cpu = /^CPU ([\d.]+)$/m.exec(stderr);
      const result = /^RESULT (.*)$/m.exec(stderr)?.[1] ?? "";
      if (status !== 0 || !cpu) {
        fail(new Error(`cold start of ${bundle} failed (${status}): ${stderr.slice(-500)}`));
        return;
      }
      const answer = JSON.parse(result || "null") as {
        statusCode?: number;
        batchItemFailures?: unknown[];
        thrown?: string;
      } | null;
      const succeeded =
        !!answer &&
        answer.thrown === undefined &&
        (answer.statusCode === undefined || answer.statusCode < 300) &&
        (answer.batchItemFailures?.length ?? 0) === 0;
      const instructions = /I\s+refs:\s+([\d,]+)/.exec(stderr)?.[1]?.replaceAll(",", "");
      done({
        cpuMs: Number(cpu[1]),
        succeeded,
        result,
        ...(instructions ? { instructions: Number(instructions) } : {}),
      });
    });
  });
}

function printComparison(rows: readonly ComparisonRow[], runs: number, print: (line: string) => void): void {
  const pad = (cells: readonly string[]) => cells.map((cell, i) => cell.padEnd([36, 12][i] ?? 13)).join("");
  const signed = (ms: number) => `${ms >= 0 ? "+" : ""}${ms.toFixed(1)} ms`;
  print(
    `Cold start vs Powertools for AWS Lambda: CPU, median of ${runs} interleaved rounds, overhead paired with bare`,
  );
  print(pad(["mode / handler", "contender", "at start", "CPU", "over bare", "target"]));
  for (const mode of MODES)
    for (const handler of COMPARED_HANDLERS) {
      const of = (contender: Contender) =>
        rows.find((row) => row.mode === mode && row.handler === handler && row.contender === contender)!;
      if (!rows.some((row) => row.mode === mode && row.handler === handler)) continue;
      const orderflow = of("orderflow");
      const floor = of("floor");
      const powertools = of("powertools");
      for (const contender of CONTENDERS) {
        const row = of(contender);
        const target =
          contender !== "orderflow"
            ? ""
            : `${(orderflow.overheadMs / powertools.overheadMs).toFixed(2)}× PT, floor ${signed(orderflow.overheadMs - floor.overheadMs)}`;
        print(
          pad([
            contender === "orderflow" ? `${mode} / ${handler}` : "",
            contender,
            `${(row.bytes / 1024).toFixed(0)} KB`,
            `${row.cpuMs.toFixed(1)} ms`,
            contender === "bare" ? "—" : signed(row.overheadMs),
            target,
          ]),
        );
      }
    }
  print(
    `targets (success path): orderflow ≤ floor + ${TARGETS.overFloorMs} ms and ≤ ${TARGETS.ofPowertools}× Powertools' overhead over bare`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // [rounds] [handler,...] [mode,...]: e.g. `9 validate-order success`.
  const [runs, handlers, modes] = process.argv.slice(2);
  await runPowertoolsComparison({
    runs: Number(runs ?? 25),
    handlers: handlers?.split(",") as ComparedHandler[] | undefined,
    modes: modes ? MODES.filter((mode) => modes.split(",").some((name) => mode.includes(name))) : undefined,
  });
}
