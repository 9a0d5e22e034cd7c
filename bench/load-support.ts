/**
 * The pure parts of `npm run load`: its options, the loopback check and the
 * percentiles it prints. Kept apart from the harness so they can be tested
 * without starting a server.
 */

/** The HTTP scenarios, in the order they run, then the notification latency section. */
export const SCENARIOS = [
  "place-orders",
  "read-orders",
  "send-notifications",
  "list-notifications",
  "notification-latency",
] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

export interface LoadOptions {
  /** Seconds per HTTP scenario. */
  readonly duration: number;
  readonly connections: number;
  /** The API to load; undefined: a local runner started for the run. */
  readonly url: string | undefined;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token: string | undefined;
  /** Lets `--url` be plain http:// to a host that is not this machine. */
  readonly allowInsecureHttp: boolean;
  readonly scenarios: readonly Scenario[];
  /** Seconds a request may take before autocannon counts a timeout. */
  readonly timeout: number;
  /** Seconds to wait, after the load, for orders and notifications to reach an end state. */
  readonly settle: number;
  /** LOG_LEVEL of the local runner (`npm start` logs every request at info). */
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** Low notifications queued before the high ones are sent (latency section). */
  readonly backlog: number;
  /** High notifications sent in the latency section. */
  readonly high: number;
  /** Milliseconds between two high notifications. */
  readonly spacing: number;
  readonly help: boolean;
}

export const LOAD_HELP = `npm run load -- [options]

A load test of orderflow's HTTP API with autocannon, bounded in time. By default
it starts the local runner (what \`npm start\` runs) as a child process on a free
loopback port, runs each scenario for a fixed time, prints a table per
scenario, reads the pipeline's end state back through the API, then measures
how long high-priority notifications take to be delivered behind a backlog of
low ones. It exits non-zero only when the harness itself fails, never on slow
figures.

Scenarios (--scenarios, comma-separated; default all, or all but
notification-latency with --url):
  place-orders          POST /orders, a new orderId and Idempotency-Key each
  read-orders           GET /orders/{id} of the orders placed
  send-notifications    POST /notifications, priorities high, medium, low in turn
  list-notifications    GET /users/{id}/notifications?limit=20 (every third ?priority=high)
  notification-latency  POST /notifications (high) → DELIVERED, with and without a
                        backlog of low ones (local runner only: reads its queues)

Options:
  --duration <s>        seconds per HTTP scenario (default 10)
  --connections <n>     concurrent connections (default 10)
  --timeout <s>         a request slower than this counts as a timeout (default 10)
  --settle <s>          how long to wait for orders and notifications to reach an
                        end state after the load (default 60)
  --log-level <level>   the local runner's LOG_LEVEL: debug|info|warn|error
                        (default info, as npm start)
  --backlog <n>         low notifications queued first (default 10000)
  --high <n>            high notifications sent after them (default 200)
  --spacing <ms>        milliseconds between two high notifications (default 20)
  --url <url>           load this API instead of a local runner (e.g. a stage's
                        https:// URL); it costs what its requests cost
  --token <jwt>         sent as Authorization: Bearer <jwt> (or ORDERFLOW_TOKEN)
  --allow-insecure-http allow an http:// --url that is not loopback
  --help                this text
`;

/** Thrown for options that cannot be used; the message says why. */
export class LoadUsageError extends Error {
  override readonly name = "LoadUsageError";
}

/** Reads `npm run load`'s options; `env` gives ORDERFLOW_TOKEN. */
export function parseLoadArgs(
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): LoadOptions {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const FLAGS = new Set(["--help", "-h", "--allow-insecure-http"]);
  const VALUED = new Set([
    "--duration",
    "--connections",
    "--timeout",
    "--settle",
    "--log-level",
    "--backlog",
    "--high",
    "--spacing",
    "--url",
    "--token",
    "--scenarios",
  ]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    if (FLAGS.has(name)) {
      flags.add(name === "-h" ? "--help" : name);
      continue;
    }
    if (!VALUED.has(name)) throw new LoadUsageError(`unknown option ${JSON.stringify(arg)} (see --help)`);
    const value = eq > 0 && name !== arg ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new LoadUsageError(`${name} needs a value`);
    values.set(name, value);
  }

  const url = values.get("--url");
  const allowInsecureHttp = flags.has("--allow-insecure-http");
  if (url !== undefined) checkTarget(url, allowInsecureHttp);
  const scenarios = values.has("--scenarios")
    ? parseScenarios(values.get("--scenarios") as string)
    : SCENARIOS.filter((s) => url === undefined || s !== "notification-latency");
  if (url !== undefined && scenarios.includes("notification-latency")) {
    throw new LoadUsageError("notification-latency needs the local runner (it reads its queues): drop --url");
  }
  const level = values.get("--log-level") ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new LoadUsageError(
      `--log-level must be one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(level)}`,
    );
  }
  return {
    duration: number(values, "--duration", 10, 1, 3_600),
    connections: number(values, "--connections", 10, 1, 1_000),
    timeout: number(values, "--timeout", 10, 1, 600),
    settle: number(values, "--settle", 60, 0, 3_600),
    backlog: number(values, "--backlog", 10_000, 0, 1_000_000),
    high: number(values, "--high", 200, 1, 100_000),
    spacing: number(values, "--spacing", 20, 0, 60_000),
    url: url?.replace(/\/+$/, ""),
    token: values.get("--token") ?? (env.ORDERFLOW_TOKEN || undefined),
    allowInsecureHttp,
    scenarios,
    logLevel: level as LoadOptions["logLevel"],
    help: flags.has("--help"),
  };
}

function number(
  values: Map<string, string>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = values.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
    throw new LoadUsageError(`${name} must be a number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function parseScenarios(raw: string): Scenario[] {
  const names = raw
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  for (const name of names) {
    if (!(SCENARIOS as readonly string[]).includes(name)) {
      throw new LoadUsageError(`unknown scenario ${JSON.stringify(name)}; one of ${SCENARIOS.join(", ")}`);
    }
  }
  if (names.length === 0) throw new LoadUsageError("--scenarios names none");
  // Run in the documented order whatever order they were given in: read-orders reads what place-orders placed.
  return SCENARIOS.filter((s) => names.includes(s));
}

/**
 * A target must be http(s); plain http:// only on loopback unless allowed, since
 * a bearer token would cross the network in clear text.
 */
function checkTarget(raw: string, allowInsecureHttp: boolean): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new LoadUsageError(`--url is not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new LoadUsageError(`--url must be http:// or https://, got ${url.protocol}`);
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname) && !allowInsecureHttp) {
    throw new LoadUsageError(
      `--url ${url.origin} is plain http:// to another machine; use https:// or pass --allow-insecure-http`,
    );
  }
}

/** Whether a URL's hostname is this machine: `localhost`, 127.0.0.0/8 or ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || host === "::1") return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The nearest-rank percentile (`p` from 0 to 100) of values sorted ascending:
 * the smallest value with at least p % of them at or below it. Undefined for none.
 */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  if (p <= 0) return sorted[0];
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(rank, sorted.length) - 1];
}

export interface Distribution {
  readonly count: number;
  readonly p50: number | undefined;
  readonly p99: number | undefined;
  readonly max: number | undefined;
}

/** Count, p50, p99 and max of some measurements (in any order). */
export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
  };
}
