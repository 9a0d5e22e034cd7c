/**
 * Orders per second, API → CONFIRMED, on the PostgreSQL family: PGlite in
 * process, and a real server with one and with two worker processes, beside
 * the in-memory pipeline in the same run; and the statements each order costs
 * on the hot path, counted at the SqlClient (every call is one round trip).
 */
import { type ChildProcess, fork } from "node:child_process";
import { resolve } from "node:path";
import { pgClient, pgliteClient, type SqlClient } from "../src/adapters/postgres/sql-client.js";
import { PostgresOrderflow } from "../src/entrypoints/postgres/postgres-orderflow.js";
import { createInMemoryOrderflow, NullLogger } from "../src/memory.js";
import { uniqueSchema } from "../test/support/postgres-engines.js";
import { postgresServerUnavailable, startPostgresServer } from "../test/support/postgres-server.js";

const PRODUCTS = [{ sku: "SKU-1", unitPrice: 1250, currency: "BRL", stock: 1e9 }];
const root = resolve(import.meta.dirname, "..");

function order(i: number, prefix: string) {
  return {
    orderId: `${prefix}-${i}`,
    customerId: `customer-${i % 100}`,
    currency: "BRL",
    items: [{ sku: "SKU-1", quantity: 1 + (i % 3), unitPrice: 1250 }],
    shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
  };
}

/** Places `orders` orders, `concurrency` requests in flight (a server's API serves many clients at once). */
async function placeAll(
  api: { placeOrder(body: unknown): Promise<unknown> },
  orders: number,
  prefix: string,
  concurrency = 1,
): Promise<void> {
  let next = 0;
  const client = async () => {
    while (next < orders) await api.placeOrder(order(next++, prefix));
  };
  await Promise.all(Array.from({ length: concurrency }, client));
}

/** Statements by what they do (their first words), to say where an order's round trips go. */
export interface StatementCounts {
  total: number;
  readonly byKind: Map<string, number>;
}

function counting(client: SqlClient, counts: StatementCounts): SqlClient {
  return {
    query: (text, params) => {
      counts.total++;
      const kind = kindOf(text);
      counts.byKind.set(kind, (counts.byKind.get(kind) ?? 0) + 1);
      return client.query(text, params);
    },
    transaction: (work) => client.transaction((tx) => work(counting(tx, counts))),
    close: () => client.close(),
  };
}

/** What a statement does, by the shape of its SQL. */
const STATEMENT_KINDS: readonly [RegExp, string][] = [
  [/^WITH written AS \(INSERT/, "create the order (+ route its events)"],
  [/^WITH written AS \(UPDATE/, "change the order (+ route its events)"],
  [/^SELECT snapshot/, "read an order"],
  [/^WITH picked/, "receive a batch from a queue"],
  [/^DELETE FROM queue_messages/, "delete a handled batch"],
  [/^WITH input/, "send to the intake queue (FIFO, deduplicated)"],
  [/^INSERT INTO queue_messages/, "publish a notification (to its priority's queue)"],
  [/^SELECT route_events/, "publish events not routed at save"],
  [/metrics_events/, "count the order's metrics"],
  [/^INSERT INTO notifications/, "store a notification"],
  [/^UPDATE notifications/, "change a notification's status"],
  [/FROM products/, "read the catalog"],
  [/idempotency_keys/, "idempotency key"],
];

function kindOf(text: string): string {
  const sql = text.replace(/\s+/g, " ").trim();
  return STATEMENT_KINDS.find(([pattern]) => pattern.test(sql))?.[1] ?? sql.slice(0, 40);
}

async function inMemory(orders: number): Promise<number> {
  const flow = createInMemoryOrderflow({ products: PRODUCTS, logger: new NullLogger() });
  const start = performance.now();
  await placeAll(flow.api, orders, "mem");
  await flow.drain();
  return orders / ((performance.now() - start) / 1000);
}

async function pglite(orders: number): Promise<{ ordersPerSecond: number; statements: StatementCounts }> {
  const { PGlite } = await import("@electric-sql/pglite");
  const counts: StatementCounts = { total: 0, byKind: new Map() };
  const client = counting(await pgliteClient(await PGlite.create()), counts);
  const flow = await PostgresOrderflow.create({ connection: client, products: PRODUCTS });
  await placeAll(flow.api, 50, "warm");
  await flow.drain();
  counts.total = 0;
  counts.byKind.clear();
  const start = performance.now();
  await placeAll(flow.api, orders, "lite");
  await flow.drain();
  const ordersPerSecond = orders / ((performance.now() - start) / 1000);
  await flow.close();
  await client.close();
  return { ordersPerSecond, statements: counts };
}

function startWorker(url: string, schema: string): Promise<ChildProcess> {
  const child = fork(resolve(root, "test/support/postgres-worker.ts"), {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, ORDERFLOW_DATABASE_URL: url, ORDERFLOW_SCHEMA: schema },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((ready) => child.once("message", () => ready(child)));
}

function stopWorker(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    child.once("exit", () => done());
    child.send("stop");
  });
}

/** Orders/s with `processes` worker processes on one server, the API placing from this process. */
async function server(url: string, orders: number, processes: number): Promise<number> {
  const schema = uniqueSchema();
  const client = await pgClient({ connectionString: url, schema, max: 8 });
  const api = await PostgresOrderflow.create({ connection: client, schema, products: PRODUCTS });
  const workers = await Promise.all(Array.from({ length: processes }, () => startWorker(url, schema)));
  const start = performance.now();
  await placeAll(api.api, orders, "srv", 8);
  for (;;) {
    const { rows } = await client.query<{ n: number }>(
      "SELECT count(*)::integer AS n FROM orders WHERE status = 'CONFIRMED'",
    );
    if (rows[0]!.n >= orders) break;
    await new Promise((next) => setTimeout(next, 20));
  }
  const ordersPerSecond = orders / ((performance.now() - start) / 1000);
  await Promise.all(workers.map(stopWorker));
  await api.close();
  await client.close();
  return ordersPerSecond;
}

export async function runPostgresBench(orders = Number(process.env.BENCH_PG_ORDERS ?? 2_000)): Promise<void> {
  const memory = await inMemory(orders);
  const lite = await pglite(orders);
  const rows: { engine: string; "orders/s": number }[] = [
    { engine: "in memory (same orders)", "orders/s": Math.round(memory) },
    { engine: "PGlite (in process, one connection)", "orders/s": Math.round(lite.ordersPerSecond) },
  ];
  const unavailable = postgresServerUnavailable();
  if (unavailable === undefined) {
    const pg = await startPostgresServer();
    try {
      for (const processes of [1, 2]) {
        rows.push({
          engine: `PostgreSQL server, ${processes} worker process${processes > 1 ? "es" : ""}`,
          "orders/s": Math.round(await server(pg.connectionString, orders, processes)),
        });
      }
    } finally {
      await pg.stop();
    }
  }
  console.log("\n## orderflow on PostgreSQL: orders per second, API → CONFIRMED (same run)");
  console.table(rows);
  if (unavailable) console.log(`PostgreSQL server skipped: ${unavailable}`);
  console.log(
    `\n## Statements per order (PGlite, ${orders} orders, API → CONFIRMED, notifications delivered)`,
  );
  console.table(
    [...lite.statements.byKind.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([kind, n]) => ({ statement: kind, "per order": Number((n / orders).toFixed(2)) })),
  );
  console.log(`total: ${(lite.statements.total / orders).toFixed(1)} per order`);
}

if (import.meta.url === `file://${process.argv[1]}`) await runPostgresBench();
