/**
 * `npm run load`: a load test of the HTTP API with autocannon, bounded in time
 * (`--help` for the options). By default it loads a local runner started in a
 * child process on a loopback port; `--url` (and `--token`) load another
 * deployment. Each scenario runs for a fixed time and prints a table; then the
 * orders and notifications it created are read back through the API to say
 * how far the pipeline took them. It fails (exit 1) only when the harness
 * does, never on slow figures; bad options exit 2.
 */
import { cpus } from "node:os";
import type { RequestStep, Result } from "autocannon";
import { type Api, call, pool, sleep, untilQueuesEmpty } from "./load-http.js";
import { LOAD_HELP, type LoadOptions, LoadUsageError, parseLoadArgs, type Scenario } from "./load-support.js";
import { cannon, runNotificationLatencyBench } from "./notification-latency.js";
import { type RunnerChild, startRunnerChild } from "./runner-child.js";

/** The demo catalog's products with stock, so that placed orders can be confirmed. */
const SKUS = [
  ["CAFE-ESPRESSO-250G", 3490],
  ["CAFE-COADO-500G", 4290],
  ["CANECA-CERAMICA-350ML", 5990],
  ["PRENSA-FRANCESA-1L", 18990],
  ["MOEDOR-MANUAL-AJUSTAVEL", 24900],
] as const;
const PRIORITIES = ["high", "medium", "low"] as const;
const USERS = 50;
const HTTP_SCENARIOS: readonly Scenario[] = [
  "place-orders",
  "read-orders",
  "send-notifications",
  "list-notifications",
];

/** What the scenarios created, read back at the end. */
interface Created {
  readonly orders: string[];
  readonly notifications: string[];
}

async function main(): Promise<void> {
  let options: LoadOptions;
  try {
    options = parseLoadArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof LoadUsageError)) throw error;
    process.stderr.write(`load: ${error.message}\n`);
    process.exit(2);
  }
  if (options.help) {
    process.stdout.write(LOAD_HELP);
    return;
  }

  const runHttp = options.scenarios.some((s) => HTTP_SCENARIOS.includes(s));
  console.log(
    `orderflow load test: ${cpus().length} cores, node ${process.version}, ` +
      `${options.connections} connections, ${options.duration} s per scenario, ` +
      (options.url
        ? `target ${options.url}`
        : `local runner in a child process (LOG_LEVEL=${options.logLevel})`),
  );
  if (runHttp) {
    const runner = options.url ? undefined : await startRunnerChild({ logLevel: options.logLevel });
    try {
      const api: Api = {
        url: options.url ?? (runner as RunnerChild).url,
        headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      };
      await runHttpScenarios(api, options, runner);
    } finally {
      await runner?.stop();
    }
  }
  if (options.scenarios.includes("notification-latency")) {
    await runNotificationLatencyBench({
      backlog: options.backlog,
      high: options.high,
      spacing: options.spacing,
      connections: options.connections,
      logLevel: options.logLevel,
      timeoutMs: Math.max(options.settle, 30) * 1000,
    });
  }
}

async function runHttpScenarios(
  api: Api,
  options: LoadOptions,
  runner: RunnerChild | undefined,
): Promise<void> {
  // Ids unique to this run, so a run against a deployment never collides with an earlier one.
  const run = `load${Date.now().toString(36)}`;
  const created: Created = { orders: [], notifications: [] };
  const rows: Record<string, unknown>[] = [];
  const scenario = async (name: Scenario, requests: RequestStep[]) => {
    if (!options.scenarios.includes(name)) return;
    const result = await cannon({
      url: api.url,
      connections: options.connections,
      duration: options.duration,
      timeout: options.timeout,
      headers: api.headers as Record<string, string>,
      requests,
    });
    // Before the next scenario, let the local pipeline finish what this one started, so that it is not measured twice.
    const drainedMs = runner ? await untilQueuesEmpty(api, options.settle * 1000) : undefined;
    rows.push(row(name, result, drainedMs));
  };

  let placed = 0;
  await scenario("place-orders", [
    {
      method: "POST",
      path: "/orders",
      setupRequest: (request) => {
        const orderId = `${run}-o${placed++}`;
        return {
          ...request,
          headers: { ...request.headers, "content-type": "application/json", "idempotency-key": orderId },
          body: orderBody(orderId, placed),
        };
      },
      onResponse: (status, body) => {
        if (status === 202) created.orders.push((JSON.parse(body) as { orderId: string }).orderId);
      },
    },
  ]);

  if (options.scenarios.includes("read-orders") && created.orders.length === 0) {
    // Nothing placed in this run: place a few to read.
    for (let i = 0; i < 100; i++) {
      const orderId = `${run}-r${i}`;
      const answer = await call(api, "POST", "/orders", JSON.parse(orderBody(orderId, i)));
      if (answer.status === 202) created.orders.push(orderId);
    }
  }
  let read = 0;
  await scenario("read-orders", [
    {
      method: "GET",
      setupRequest: (request) => ({
        ...request,
        path: `/orders/${created.orders[read++ % created.orders.length]}`,
      }),
    },
  ]);

  let sent = 0;
  await scenario("send-notifications", [
    {
      method: "POST",
      path: "/notifications",
      setupRequest: (request) => {
        const n = sent++;
        return {
          ...request,
          headers: { ...request.headers, "content-type": "application/json" },
          body: JSON.stringify({
            userId: `${run}-u${n % USERS}`,
            message: `load test notification ${n}`,
            priority: PRIORITIES[n % PRIORITIES.length],
          }),
        };
      },
      onResponse: (status, body) => {
        if (status === 202)
          created.notifications.push((JSON.parse(body) as { notificationId: string }).notificationId);
      },
    },
  ]);

  let listed = 0;
  await scenario("list-notifications", [
    {
      method: "GET",
      setupRequest: (request) => {
        const n = listed++;
        const filter = n % 3 === 0 ? "&priority=high" : "";
        return { ...request, path: `/users/${run}-u${n % USERS}/notifications?limit=20${filter}` };
      },
    },
  ]);

  console.log(`\n## HTTP API under load (${options.connections} connections, ${options.duration} s each)`);
  console.table(rows);
  await printEndState(api, created, options);
  if (runner) {
    const logs = runner.logs();
    console.log(`runner log: ${logs.lines} lines, ${logs.warn} warnings, ${logs.error} errors`);
    for (const sample of logs.samples) console.log(`  ${sample}`);
  }
}

function row(name: Scenario, result: Result, drainedMs: number | undefined): Record<string, unknown> {
  const codes = Object.entries(result.statusCodeStats)
    .map(([code, { count }]) => `${code}×${count}`)
    .join(" ");
  return {
    scenario: name,
    "req/s": Math.round(result.requests.total / result.duration),
    "p50 ms": result.latency.p50,
    "p99 ms": result.latency.p99,
    "max ms": result.latency.max,
    requests: result.requests.total,
    non2xx: result.non2xx,
    "errors (timeouts)": `${result.errors} (${result.timeouts})`,
    statuses: codes,
    ...(drainedMs === undefined ? {} : { "pipeline idle after, ms": Math.round(drainedMs) }),
  };
}

/**
 * Reads every order and notification the run created until each has reached an
 * end state, or `--settle` seconds have passed, and prints how many reached which status.
 */
async function printEndState(api: Api, created: Created, options: LoadOptions): Promise<void> {
  const settleStart = performance.now();
  const deadline = settleStart + options.settle * 1000;
  const read = async (ids: readonly string[], path: string, done: ReadonlySet<string>) => {
    const statuses = new Map<string, string>();
    let pending = [...ids];
    while (pending.length > 0) {
      const answers = await pool(pending, options.connections, (id) =>
        call<{ status?: string }>(api, "GET", `${path}/${id}`).catch(() => ({ status: 0, body: undefined })),
      );
      pending.forEach((id, i) => {
        const answer = answers[i];
        statuses.set(id, answer?.status === 200 ? (answer.body?.status ?? "?") : `HTTP ${answer?.status}`);
      });
      pending = pending.filter((id) => !done.has(statuses.get(id) as string));
      if (pending.length === 0 || performance.now() > deadline) break;
      await sleep(500);
    }
    return count(statuses.values());
  };
  const orders = await read(
    created.orders,
    "/orders",
    new Set(["CONFIRMED", "REJECTED", "PAYMENT_FAILED", "CANCELLED", "FULFILLED"]),
  );
  const notifications = await read(created.notifications, "/notifications", new Set(["DELIVERED", "FAILED"]));
  console.log(
    `\n## End state, read back through the API (${Math.round((performance.now() - settleStart) / 1000)} s to read)`,
  );
  console.table([
    { created: "orders", count: created.orders.length, ...orders },
    { created: "notifications", count: created.notifications.length, ...notifications },
  ]);
}

function count(values: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function orderBody(orderId: string, n: number): string {
  const [sku, unitPrice] = SKUS[n % SKUS.length] as (typeof SKUS)[number];
  return JSON.stringify({
    orderId,
    customerId: `load-c${n % USERS}`,
    currency: "BRL",
    items: [{ sku, quantity: 1, unitPrice }],
    shippingAddress: { line1: "Rua Augusta, 100", city: "São Paulo", postalCode: "01305-000", country: "BR" },
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`load: the harness failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
