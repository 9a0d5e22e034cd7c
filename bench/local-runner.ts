/**
 * The local runner as `npm start` runs it (`node --import tsx
 * src/entrypoints/local/main.ts`: PGlite in a data folder, the order workflow
 * run in process, an inbox folder watched), in a child process on a temporary
 * data folder and inbox, with `PAYMENT_DELAY_MS=0` and `LOG_LEVEL=warn`:
 *
 * - **responsiveness**: on one runner, `GET /health` asked every 20 ms (one
 *   request at a time) while orders are placed by `POST /orders` at about 10
 *   per second: first with nothing else to do (the idle baseline, 5 s), then
 *   from the drop of a JSON Lines file of `BENCH_RUNNER_FILE_ORDERS` orders
 *   (default 100,000) until its record is EXTRACTED, and at least 20 s. Count,
 *   p50, p99 and max latency of each, and how long the file took from its drop
 *   to EXTRACTED (seen by polling `GET /_local/files` every 250 ms).
 * - **bounded memory**: on a fresh runner, its RSS (`VmRSS` of
 *   `/proc/<pid>/status`) once idle after the start, once the first
 *   `BENCH_RUNNER_MEMORY_FIRST` orders (default 10,000: one file) are through
 *   (every queue of `GET /_local/queues` at 0 and the file EXTRACTED), then
 *   after `BENCH_RUNNER_MEMORY_ORDERS` orders in all (default 100,000: more
 *   files of the first one's size, each dropped once the one before is through)
 *   and `BENCH_RUNNER_BIG_FILES` files (default 10) of `BENCH_RUNNER_BIG_FILE_MB`
 *   MB each (default 50): a JSON document `{"orders":[` of valid orders, cut
 *   off so that it cannot be parsed, which must be rejected whole (and end in
 *   `rejected/`), each dropped once the one before is. A reading is taken after
 *   each file, 5 of VmRSS over 2.5 s once the queues are seen empty (twice,
 *   500 ms apart). The product's floor: the last RSS within 50 MB of the one
 *   after the first orders.
 *
 * Most orders end REJECTED (STORE_AT_CAPACITY: the store takes 50 orders
 * awaiting fulfilment): they are processed all the same, which is what counts.
 * Progress goes to stderr; the tables to stdout. Times are printed, never
 * asserted (the machine may be shared). The runners are stopped and the
 * temporary folder removed at the end, on a failure, and on Ctrl-C.
 *
 * Sizes: the defaults above are the product's. At full size the memory part
 * alone places 100,000 orders through the runner, and the whole takes about
 * 25 minutes on a shared two-core machine, so `npm run bench` runs this section with
 * `BENCH_RUNNER_SCALE=0.1` unless set otherwise: the default order counts and
 * number of big files are multiplied by it, not the big files' size (a size
 * set explicitly through its own variable is taken as it is). The full-size
 * measurement, alone:
 *
 *     npx tsx bench/local-runner.ts
 *
 * e.g. smaller: `BENCH_RUNNER_FILE_ORDERS=10000 BENCH_RUNNER_MEMORY_FIRST=2000
 * BENCH_RUNNER_MEMORY_ORDERS=10000 BENCH_RUNNER_BIG_FILES=2
 * BENCH_RUNNER_BIG_FILE_MB=10 npx tsx bench/local-runner.ts`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createWriteStream, existsSync, rmSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rename, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Distribution, distribution } from "./load-support.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The product's floor: RSS after everything within this of RSS after the first orders. */
const MEMORY_FLOOR_MB = 50;
const HEALTH_EVERY_MS = 20;
const ORDERS_EVERY_MS = 100;
const IDLE_BASELINE_MS = 5_000;
const MIN_LOADED_MS = 20_000;
const WARM_UP_MS = 2_000;
/** Each RSS reading: the lowest of this many, taken over this long while the runner is idle. */
const RSS_READINGS = 5;
const RSS_WINDOW_MS = 2_500;
/** A wait fails when nothing it watches has changed for this long. */
const STALL_MS = 300_000;

export interface LocalRunnerBenchOptions {
  /** Orders in the file dropped for the responsiveness part (default 100,000 × scale). */
  readonly fileOrders?: number;
  /** Orders through before the first RSS reading (default 10,000 × scale). */
  readonly memoryFirst?: number;
  /** Orders through in all before the last RSS reading (default 100,000 × scale). */
  readonly memoryOrders?: number;
  /** Big unparseable files dropped (default 10 × scale, at least 1). */
  readonly bigFiles?: number;
  /** Size of each, MB (default 50). */
  readonly bigFileMb?: number;
  /** Multiplies the default order counts and number of big files (default 1). */
  readonly scale?: number;
}

interface Settings {
  readonly fileOrders: number;
  readonly memoryFirst: number;
  readonly memoryOrders: number;
  readonly bigFiles: number;
  readonly bigFileMb: number;
}

function settingsOf(options: LocalRunnerBenchOptions): Settings {
  const scale = options.scale ?? Number(process.env.BENCH_RUNNER_SCALE ?? 1);
  if (!(scale > 0)) throw new Error(`BENCH_RUNNER_SCALE must be a positive number, got ${scale}`);
  // The scale is for counts (orders, files); a big file keeps its size.
  const size = (given: number | undefined, name: string, base: number, min: number, scaled = true) => {
    const fromEnv = process.env[name];
    const value =
      given ??
      (fromEnv !== undefined && fromEnv !== "" ? Number(fromEnv) : Math.round(base * (scaled ? scale : 1)));
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`${name} must be a whole number, got ${value}`);
    return Math.max(min, value);
  };
  const memoryFirst = size(options.memoryFirst, "BENCH_RUNNER_MEMORY_FIRST", 10_000, 1);
  return {
    fileOrders: size(options.fileOrders, "BENCH_RUNNER_FILE_ORDERS", 100_000, 1),
    memoryFirst,
    memoryOrders: Math.max(memoryFirst, size(options.memoryOrders, "BENCH_RUNNER_MEMORY_ORDERS", 100_000, 1)),
    bigFiles: size(options.bigFiles, "BENCH_RUNNER_BIG_FILES", 10, 1),
    bigFileMb: size(options.bigFileMb, "BENCH_RUNNER_BIG_FILE_MB", 50, 1, false),
  };
}

/** Runs both parts, each on a runner of its own, and prints their tables. */
export async function runLocalRunnerBench(options: LocalRunnerBenchOptions = {}): Promise<void> {
  const settings = settingsOf(options);
  const dir = await mkdtemp(join(tmpdir(), "orderflow-runner-bench-"));
  const runners = new Set<Runner>();
  // Ctrl-C (or a kill) of the bench: the runners would stop on their own (their parent gone), the folder would stay.
  const onSignal = (signal: NodeJS.Signals) => {
    for (const runner of runners) runner.child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const responsiveness = await measureResponsiveness(dir, settings, runners);
    printResponsiveness(responsiveness, settings);
    const memory = await measureMemory(dir, settings, runners);
    printMemory(memory, settings);
  } finally {
    await Promise.all([...runners].map((runner) => runner.stop()));
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await rm(dir, { recursive: true, force: true });
  }
}

// ─── The runner in a child process ───────────────────────────────────────────

interface Runner {
  readonly child: ChildProcess;
  readonly url: string;
  readonly inbox: string;
  readonly startMs: number;
  logs(): {
    readonly warn: number;
    readonly error: number;
    /** Warnings about a rejected file (the log line and the alert's). */
    readonly fileRejected: number;
    readonly samples: readonly string[];
  };
  /** Why it is gone, once it has exited (its stderr's tail, its last warnings): undefined while it runs. */
  exited(): string | undefined;
  stop(): Promise<void>;
}

/** `npm start`'s command on a data folder and inbox under `dir`; resolves once its banner gives the URL. */
async function startRunner(dir: string, name: string, runners: Set<Runner>): Promise<Runner> {
  const data = join(dir, name, "data");
  const inbox = join(dir, name, "inbox");
  await mkdir(inbox, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_FORMAT: "json",
    LOG_LEVEL: "warn",
    PAYMENT_DELAY_MS: "0",
    ORDERFLOW_INBOX: inbox,
    NO_COLOR: "1",
  };
  // npm start's defaults: PGlite in the data folder, the order workflow.
  delete env.DATABASE_URL;
  delete env.ORDERFLOW_ORCHESTRATION;
  const started = performance.now();
  // One process, as under npm start (not the tsx CLI, which would run the runner in a grandchild): its pid is the runner's.
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/entrypoints/local/main.ts", "--data", data],
    {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const counts = { warn: 0, error: 0, fileRejected: 0, samples: [] as string[], last: [] as string[] };
  let pending = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      const level = line.includes('"level":"warn"')
        ? "warn"
        : line.includes('"level":"error"')
          ? "error"
          : "";
      if (!level) continue;
      counts[level]++;
      // The big files' rejections (and their alerts) are what the bench asks for: counted, not shown.
      if (line.includes("file rejected")) counts.fileRejected++;
      else if (counts.samples.length < 5) counts.samples.push(line.slice(0, 300));
      counts.last = [...counts.last.slice(-4), line.slice(0, 1_000)];
    }
  });
  let stderr = "";
  let resolveUrl: (url: string) => void = () => {};
  const banner = new Promise<string>((done) => {
    resolveUrl = done;
  });
  child.stderr?.setEncoding("utf8");
  let stderrTail = "";
  child.stderr?.on("data", (chunk: string) => {
    if (stderr.length < 20_000) stderr += chunk;
    stderrTail = (stderrTail + chunk).slice(-8_000);
    const url = /^ {2}API {4}(http:\S+)$/m.exec(stderr)?.[1];
    if (url) resolveUrl(url);
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      runners.delete(runner);
    })();
    return stopping;
  };
  const runner: Runner = {
    child,
    url: "",
    inbox,
    startMs: 0,
    logs: () => ({ ...counts, samples: [...counts.samples] }),
    exited: () =>
      child.exitCode === null && child.signalCode === null
        ? undefined
        : `the runner exited (code ${child.exitCode}, signal ${child.signalCode}); its stderr ended with:\n${stderrTail}\n` +
          `its last warnings and errors on stdout:\n${counts.last.join("\n")}`,
    stop,
  };
  runners.add(runner);
  let timer: NodeJS.Timeout | undefined;
  const url = await Promise.race([
    banner,
    exited.then(() => {
      throw new Error(
        `the local runner exited (code ${child.exitCode}, signal ${child.signalCode}) before starting:\n${stderr}`,
      );
    }),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the local runner did not start within 120 s:\n${stderr}`)),
        120_000,
      );
    }),
  ]).finally(() => clearTimeout(timer));
  return Object.assign(runner, { url, startMs: performance.now() - started });
}

/** Resident and peak resident memory of a process, MB (Linux); undefined elsewhere. */
async function rssOf(pid: number | undefined): Promise<{ rss: number; peak: number } | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status)?.[1]);
    return { rss: kib("VmRSS") / 1024, peak: kib("VmHWM") / 1024 };
  } catch {
    return undefined;
  }
}

// ─── HTTP ────────────────────────────────────────────────────────────────────

interface Timed {
  readonly status: number;
  readonly ms: number;
  readonly body: string;
}

async function request(url: string, method = "GET", body?: unknown): Promise<Timed> {
  const started = performance.now();
  const response = await fetch(url, {
    method,
    signal: AbortSignal.timeout(60_000),
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, ms: performance.now() - started, body: text };
}

async function json<T>(url: string): Promise<T> {
  const answer = await request(url);
  if (answer.status !== 200)
    throw new Error(`GET ${url} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
  return JSON.parse(answer.body) as T;
}

interface QueueView {
  readonly name: string;
  readonly visible: number;
  readonly deadLettered: number;
}

interface FileView {
  readonly fileKey: string;
  readonly status: string;
  readonly counts: { readonly total: number; readonly valid: number; readonly invalid: number };
  readonly checkpoint?: { readonly sent: number } | undefined;
}

/** GET `path` as JSON; when the runner has gone, fails saying why. */
async function ask<T>(runner: Runner, path: string): Promise<T> {
  try {
    return await json<T>(runner.url + path);
  } catch (error) {
    const gone = runner.exited();
    if (gone) throw new Error(`GET ${path}: ${gone}`, { cause: error });
    throw error;
  }
}

const queuesOf = async (runner: Runner) =>
  (await ask<{ queues: QueueView[] }>(runner, "/_local/queues")).queues;
const filesOf = async (runner: Runner) =>
  (await ask<{ files: FileView[] }>(runner, "/_local/files?limit=100")).files;

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

// ─── Files ───────────────────────────────────────────────────────────────────

function order(id: string, i: number) {
  return {
    orderId: id,
    customerId: `customer-${i % 100}`,
    currency: "BRL",
    items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 1, unitPrice: 3490 }],
    shippingAddress: {
      line1: `Rua A, ${1 + (i % 500)}`,
      city: "São Paulo",
      postalCode: "01000-000",
      country: "BR",
    },
  };
}

/** Streams `count` orders as JSON Lines to `path`; its size in bytes. */
async function writeOrders(path: string, prefix: string, count: number): Promise<number> {
  const out = createWriteStream(path);
  for (let start = 0; start < count; start += 1_000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(count, start + 1_000); i++)
      lines.push(JSON.stringify(order(`${prefix}-${i}`, i)));
    if (!out.write(`${lines.join("\n")}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return (await stat(path)).size;
}

/** `{"orders":[` and valid orders up to `bytes`, cut off there (mid-order): no JSON parser accepts it. */
async function writeTruncated(path: string, prefix: string, bytes: number): Promise<void> {
  const out = createWriteStream(path);
  let written = 0;
  const put = async (text: string) => {
    const chunk = Buffer.from(text).subarray(0, bytes - written);
    written += chunk.length;
    if (!out.write(chunk)) await once(out, "drain");
  };
  await put('{"orders":[');
  for (let i = 0; written < bytes; i += 1_000) {
    const lines: string[] = [];
    for (let k = i; k < i + 1_000; k++) lines.push(JSON.stringify(order(`${prefix}-${k}`, k)));
    await put(`${i > 0 ? "," : ""}${lines.join(",")}`);
  }
  out.end();
  await once(out, "finish");
}

/** Moves a file into the inbox in one rename, as an atomic drop: the runner never sees it half written. */
async function drop(runner: Runner, path: string, name: string): Promise<void> {
  await rename(path, join(runner.inbox, name));
}

/**
 * Polls the runner every `everyMs` until `done` answers true for what it sees;
 * fails when what it sees has not changed for {@link STALL_MS}.
 */
async function until<T>(
  look: () => Promise<T>,
  done: (seen: T) => boolean,
  what: string,
  everyMs = 500,
): Promise<T> {
  let last = "";
  let changedAt = performance.now();
  let failures = 0;
  for (;;) {
    let seen: T;
    try {
      seen = await look();
      failures = 0;
    } catch (error) {
      // A request refused once in a while on a busy machine is not a failure; a runner gone is (ask says so).
      if (++failures >= 10 || String(error).includes("the runner exited")) throw error;
      await sleep(everyMs);
      continue;
    }
    if (done(seen)) return seen;
    const now = JSON.stringify(seen);
    if (now !== last) {
      last = now;
      changedAt = performance.now();
    } else if (performance.now() - changedAt > STALL_MS) {
      throw new Error(
        `waiting for ${what}: nothing changed for ${STALL_MS / 1000} s; last seen ${now.slice(0, 2_000)}`,
      );
    }
    await sleep(everyMs);
  }
}

// ─── 1. Responsiveness ───────────────────────────────────────────────────────

interface Probe {
  readonly health: number[];
  readonly orders: number[];
  healthFailed: number;
  ordersFailed: number;
  /** Orders not sent because 100 were already waiting for an answer. */
  ordersSkipped: number;
  readonly ms: number;
}

interface ResponsivenessResult {
  readonly startMs: number;
  readonly fileBytes: number;
  readonly idle: Probe;
  readonly loaded: Probe;
  readonly extractedMs: number;
  readonly file: FileView;
  readonly logs: ReturnType<Runner["logs"]>;
}

/**
 * `GET /health` one at a time, every 20 ms, and `POST /orders` at 10 per second
 * (on schedule, not waiting for the previous answer), until `stop` answers true.
 */
async function probe(runner: Runner, prefix: string, stop: () => boolean): Promise<Probe> {
  const started = performance.now();
  const health: number[] = [];
  const orders: number[] = [];
  const result = { healthFailed: 0, ordersFailed: 0, ordersSkipped: 0 };
  const sampler = (async () => {
    while (!stop()) {
      const at = performance.now();
      try {
        const answer = await request(`${runner.url}/health`);
        health.push(answer.ms);
        if (answer.status !== 200) result.healthFailed++;
      } catch {
        result.healthFailed++;
      }
      await sleep(Math.max(0, at + HEALTH_EVERY_MS - performance.now()));
    }
  })();
  const placer = (async () => {
    const inFlight = new Set<Promise<void>>();
    for (let i = 0; !stop(); i++) {
      const at = performance.now();
      if (inFlight.size >= 100) result.ordersSkipped++;
      else {
        const sent: Promise<void> = request(`${runner.url}/orders`, "POST", order(`${prefix}-${i}`, i))
          .then(
            (answer) => {
              orders.push(answer.ms);
              if (answer.status !== 202) result.ordersFailed++;
            },
            () => {
              result.ordersFailed++;
            },
          )
          .finally(() => inFlight.delete(sent));
        inFlight.add(sent);
      }
      await sleep(Math.max(0, at + ORDERS_EVERY_MS - performance.now()));
    }
    await Promise.all(inFlight);
  })();
  await Promise.all([sampler, placer]);
  return { health, orders, ...result, ms: performance.now() - started };
}

async function measureResponsiveness(
  dir: string,
  settings: Settings,
  runners: Set<Runner>,
): Promise<ResponsivenessResult> {
  // The file first, so that writing it does not share the cores with the measurement.
  const name = "responsiveness.jsonl";
  const path = join(dir, `.${name}`);
  progress(`writing ${settings.fileOrders} orders to a JSON Lines file`);
  const fileBytes = await writeOrders(path, "file", settings.fileOrders);
  const runner = await startRunner(dir, "responsiveness", runners);
  try {
    progress(`runner started in ${(runner.startMs / 1000).toFixed(1)} s at ${runner.url}`);
    await untilIdle(runner);
    const after = (ms: number) => {
      const end = performance.now() + ms;
      return () => performance.now() >= end;
    };
    await probe(runner, "warm-up", after(WARM_UP_MS));
    const idle = await probe(runner, "idle", after(IDLE_BASELINE_MS));

    progress(`dropping the file (${mb(fileBytes)} MB)`);
    const dropped = performance.now();
    await drop(runner, path, name);
    let extractedMs: number | undefined;
    let file: FileView | undefined;
    let failure: unknown;
    const watching = until(
      async () => (await filesOf(runner)).find((record) => record.fileKey === `incoming/${name}`),
      (record) => {
        if (record?.status === "REJECTED")
          throw new Error(`the file was rejected: ${JSON.stringify(record)}`);
        return record?.status === "EXTRACTED";
      },
      "the file's extraction",
      250,
    ).then(
      (record) => {
        extractedMs = performance.now() - dropped;
        file = record;
      },
      (error: unknown) => {
        failure = error;
      },
    );
    const loaded = await probe(
      runner,
      "loaded",
      () =>
        failure !== undefined || (extractedMs !== undefined && performance.now() - dropped >= MIN_LOADED_MS),
    );
    await watching;
    if (failure !== undefined) throw failure;
    return {
      startMs: runner.startMs,
      fileBytes,
      idle,
      loaded,
      extractedMs: extractedMs as number,
      file: file as unknown as FileView,
      logs: runner.logs(),
    };
  } finally {
    // Its queues still hold most of the file's orders: not waited for.
    await runner.stop();
  }
}

function printResponsiveness(result: ResponsivenessResult, settings: Settings): void {
  console.log(
    `\n## Local runner (npm start: PGlite, workflow, child process): latency while a file of ${settings.fileOrders} orders is extracted`,
  );
  const row = (phase: string, endpoint: string, values: number[], failed: number, ms: number) => {
    const d = distribution(values);
    return {
      phase,
      endpoint,
      count: d.count,
      "per s": Number((d.count / (ms / 1000)).toFixed(1)),
      "failed / non-2xx": failed,
      "p50 ms": round(d.p50),
      "p99 ms": round(d.p99),
      "max ms": round(d.max),
    };
  };
  const { idle, loaded } = result;
  console.table([
    row(`idle (${seconds(idle.ms)} s)`, "GET /health", idle.health, idle.healthFailed, idle.ms),
    row(`idle (${seconds(idle.ms)} s)`, "POST /orders", idle.orders, idle.ordersFailed, idle.ms),
    row(
      `file dropped (${seconds(loaded.ms)} s)`,
      "GET /health",
      loaded.health,
      loaded.healthFailed,
      loaded.ms,
    ),
    row(
      `file dropped (${seconds(loaded.ms)} s)`,
      "POST /orders",
      loaded.orders,
      loaded.ordersFailed,
      loaded.ms,
    ),
  ]);
  const ratio = (a: Distribution, b: Distribution, key: "p50" | "p99") =>
    a[key] && b[key] ? `${(b[key] / a[key]).toFixed(1)}×` : "n/a";
  const [healthIdle, healthLoaded] = [distribution(idle.health), distribution(loaded.health)];
  const [ordersIdle, ordersLoaded] = [distribution(idle.orders), distribution(loaded.orders)];
  console.log(
    `file: ${settings.fileOrders} orders, ${mb(result.fileBytes)} MB, drop → EXTRACTED in ${seconds(result.extractedMs)} s ` +
      `(${Math.round(settings.fileOrders / (result.extractedMs / 1000))} orders/s extracted; record: ${result.file.counts.valid} valid, ` +
      `${result.file.counts.invalid} invalid); with the file vs idle: /health p50 ${ratio(healthIdle, healthLoaded, "p50")}, ` +
      `p99 ${ratio(healthIdle, healthLoaded, "p99")}; POST /orders p50 ${ratio(ordersIdle, ordersLoaded, "p50")}, ` +
      `p99 ${ratio(ordersIdle, ordersLoaded, "p99")}. /health one request at a time every ${HEALTH_EVERY_MS} ms, ` +
      `orders every ${ORDERS_EVERY_MS} ms on schedule` +
      (idle.ordersSkipped + loaded.ordersSkipped > 0
        ? ` (${idle.ordersSkipped + loaded.ordersSkipped} not sent: 100 already unanswered)`
        : "") +
      `; runner started in ${seconds(result.startMs)} s.`,
  );
  printLogs("responsiveness", result.logs);
}

// ─── 2. Bounded memory ───────────────────────────────────────────────────────

interface Reading {
  readonly point: string;
  readonly orders: number;
  readonly bigFiles: number;
  /** The lowest VmRSS over the idle window, MB: what stays once the collector has had its turn. */
  readonly rss: number | undefined;
  /** The highest over the same window, MB. */
  readonly rssHigh: number | undefined;
  /** VmHWM: the highest RSS since the start, MB. */
  readonly peak: number | undefined;
  readonly atMs: number;
}

interface MemoryResult {
  readonly readings: readonly Reading[];
  readonly first: Reading;
  readonly last: Reading;
  readonly bigRejected: number;
  readonly deadLettered: number;
  readonly logs: ReturnType<Runner["logs"]>;
}

/** Every queue at 0, seen twice 500 ms apart (nothing between two stages of a message). */
async function untilIdle(runner: Runner, what = "the queues to empty"): Promise<QueueView[]> {
  for (;;) {
    await until(
      () => queuesOf(runner),
      (queues) => queues.every((queue) => queue.visible === 0),
      what,
    );
    await sleep(500);
    const queues = await queuesOf(runner);
    if (queues.every((queue) => queue.visible === 0)) return queues;
  }
}

async function measureMemory(dir: string, settings: Settings, runners: Set<Runner>): Promise<MemoryResult> {
  const runner = await startRunner(dir, "memory", runners);
  const began = performance.now();
  const readings: Reading[] = [];
  let orders = 0;
  let bigFiles = 0;
  // Each reading: the lowest and highest of RSS_READINGS taken over RSS_WINDOW_MS while the runner is idle
  // (RSS stays put once idle; where the last work left the heap moves it by tens of MB from one reading to the next).
  const read = async (point: string) => {
    const samples: number[] = [];
    let peak: number | undefined;
    for (let i = 0; i < RSS_READINGS; i++) {
      await sleep(RSS_WINDOW_MS / RSS_READINGS);
      const memory = await rssOf(runner.child.pid);
      if (memory) samples.push(memory.rss);
      peak = memory?.peak;
    }
    const reading: Reading = {
      point,
      orders,
      bigFiles,
      rss: samples.length > 0 ? Math.min(...samples) : undefined,
      rssHigh: samples.length > 0 ? Math.max(...samples) : undefined,
      peak,
      atMs: performance.now() - began,
    };
    readings.push(reading);
    progress(
      `${point}: ${orders} orders, ${bigFiles} big files, RSS ${round(reading.rss)}-${round(reading.rssHigh)} MB ` +
        `(peak ${round(peak)}), ${seconds(reading.atMs)} s`,
    );
    return reading;
  };
  try {
    progress(`runner started in ${(runner.startMs / 1000).toFixed(1)} s at ${runner.url}`);
    await untilIdle(runner);
    await read("after start (idle)");

    let first: Reading | undefined;
    for (let n = 0; orders < settings.memoryOrders; n++) {
      const count = Math.min(settings.memoryFirst, settings.memoryOrders - orders);
      const name = `orders-${n + 1}.jsonl`;
      const path = join(dir, `.${name}`);
      await writeOrders(path, `mem-${n + 1}`, count);
      await drop(runner, path, name);
      await until(
        async () => (await filesOf(runner)).find((record) => record.fileKey === `incoming/${name}`),
        (record) => {
          if (record?.status === "REJECTED")
            throw new Error(`${name} was rejected: ${JSON.stringify(record)}`);
          return record?.status === "EXTRACTED";
        },
        `${name}'s extraction`,
      );
      await untilIdle(runner, `the orders of ${name} to be through`);
      orders += count;
      const reading = await read(n === 0 ? "after the first orders" : `after ${name}`);
      first ??= reading;
    }

    let bigRejected = 0;
    for (let n = 0; n < settings.bigFiles; n++) {
      const name = `big-${n + 1}.json`;
      const path = join(dir, `.${name}`);
      await writeTruncated(path, `big-${n + 1}`, settings.bigFileMb * 1024 * 1024);
      await drop(runner, path, name);
      const record = await until(
        async () => (await filesOf(runner)).find((candidate) => candidate.fileKey === `incoming/${name}`),
        (candidate) =>
          candidate !== undefined &&
          candidate.status !== "VALIDATING" &&
          !existsSync(join(runner.inbox, name)),
        `${name}'s validation`,
      );
      const rejected = join(runner.inbox, "rejected", name);
      if (record?.status !== "REJECTED" || !existsSync(rejected)) {
        throw new Error(`${name} was not rejected whole: ${JSON.stringify(record)}`);
      }
      await rm(rejected); // the runner keeps its own copy; this one would only fill the disk
      bigRejected++;
      bigFiles++;
      if (n < settings.bigFiles - 1) await read(`after ${name}`);
    }
    await untilIdle(runner);
    const last = await read("after all (idle)");
    const deadLettered = (await queuesOf(runner)).reduce((sum, queue) => sum + queue.deadLettered, 0);
    return { readings, first: first as Reading, last, bigRejected, deadLettered, logs: runner.logs() };
  } finally {
    await runner.stop();
  }
}

function printMemory(result: MemoryResult, settings: Settings): void {
  console.log(
    `\n## Local runner (npm start: PGlite, workflow, child process): RSS after ${settings.memoryFirst} orders, ` +
      `then ${settings.memoryOrders} orders and ${plural(settings.bigFiles, "unparseable file")} of ${settings.bigFileMb} MB`,
  );
  console.table(
    result.readings.map((reading) => ({
      point: reading.point,
      "orders through": reading.orders,
      "big files rejected": reading.bigFiles,
      "RSS MB": round(reading.rss),
      "RSS high MB": round(reading.rssHigh),
      "peak since start MB": round(reading.peak),
      "at s": Number(seconds(reading.atMs)),
    })),
  );
  const { first, last } = result;
  const start = result.readings[0];
  if (first.rss === undefined || last.rss === undefined) {
    console.log("RSS not available here (/proc/<pid>/status is Linux only)");
  } else {
    const growth = last.rss - first.rss;
    console.log(
      `RSS after start ${round(start?.rss)} MB; after the first ${first.orders} orders ${round(first.rss)} MB; ` +
        `after ${last.orders} orders and ${plural(last.bigFiles, "file")} of ${settings.bigFileMb} MB ${round(last.rss)} MB: ` +
        `${growth >= 0 ? "+" : ""}${round(growth)} MB (the product's floor: within ${MEMORY_FLOOR_MB} MB; ` +
        `${growth <= MEMORY_FLOOR_MB ? "within it" : "outside it"}). Big files rejected whole, in rejected/: ` +
        `${result.bigRejected}/${settings.bigFiles}; dead-lettered messages: ${result.deadLettered}; ` +
        `${seconds(last.atMs)} s in all. RSS: the lowest of ${RSS_READINGS} readings of VmRSS over ${RSS_WINDOW_MS / 1000} s ` +
        "once the queues were seen empty (high: the highest of them); peak: VmHWM.",
    );
  }
  const trend = slope(
    result.readings
      .filter((reading) => reading.bigFiles === 0 && reading.orders > 0 && reading.rss !== undefined)
      .map((reading) => [reading.orders, reading.rss as number]),
  );
  if (trend !== undefined) {
    console.log(
      `trend over the readings after each file of orders: ${trend >= 0 ? "+" : ""}${(trend * 10_000).toFixed(1)} MB ` +
        "per 10,000 orders (least squares)",
    );
  }
  printLogs("memory", result.logs);
}

/** The least-squares slope of y over x; undefined for fewer than 3 points. */
function slope(points: readonly (readonly [number, number])[]): number | undefined {
  if (points.length < 3) return undefined;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  const sxy = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const sxx = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return sxx === 0 ? undefined : sxy / sxx;
}

// ─── Printing ────────────────────────────────────────────────────────────────

function printLogs(part: string, logs: ReturnType<Runner["logs"]>): void {
  if (logs.warn + logs.error === 0) return;
  const expected = logs.fileRejected > 0 ? ` (${logs.fileRejected} of them on the big files' rejection)` : "";
  console.log(
    `${part}: the runner logged ${plural(logs.warn, "warning")}${expected}, ${plural(logs.error, "error")}` +
      (logs.samples.length > 0 ? "; the first others:" : ""),
  );
  for (const line of logs.samples) console.log(`  ${line}`);
}

function progress(message: string): void {
  process.stderr.write(`local-runner bench: ${message}\n`);
}

function round(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  return value >= 100 ? Math.round(value) : Number(value.toFixed(1));
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await runLocalRunnerBench();
