import { type ChildProcess, fork } from "node:child_process";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgClient, type SqlClient } from "../../../src/adapters/postgres/sql-client.js";
import { PostgresOrderflow } from "../../../src/entrypoints/postgres/postgres-orderflow.js";
import { SCENARIO_PRODUCTS } from "../../support/order-lifecycle-scenario.js";
import { uniqueSchema } from "../../support/postgres-engines.js";
import {
  type PostgresServer,
  postgresServerUnavailable,
  startPostgresServer,
} from "../../support/postgres-server.js";

/**
 * Two worker processes share one PostgreSQL server: 10,000 orders placed
 * through the API, every one ends CONFIRMED, none is lost, none is charged
 * twice, none has a transition applied twice (each ends at the same
 * version), and no message is left in any queue or dead-letter queue.
 */
const ORDERS = Number(process.env.ORDERFLOW_TWO_WORKER_ORDERS ?? 10_000);
const root = resolve(import.meta.dirname, "../../..");
const unavailable = process.env.CI ? undefined : postgresServerUnavailable();

let server: PostgresServer;
const schema = uniqueSchema();

beforeAll(async () => {
  if (!unavailable) server = await startPostgresServer();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

function startWorker(): Promise<ChildProcess> {
  const child = fork(resolve(root, "test/support/postgres-worker.ts"), {
    execArgv: ["--import", "tsx"],
    env: { ...process.env, ORDERFLOW_DATABASE_URL: server.connectionString, ORDERFLOW_SCHEMA: schema },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return new Promise((ready, fail) => {
    child.once("message", () => ready(child));
    child.once("exit", (code) => fail(new Error(`worker exited with ${code}`)));
  });
}

function stopWorker(child: ChildProcess): Promise<string[]> {
  return new Promise((done) => {
    child.once("message", (message) => done((message as { charged: string[] }).charged));
    child.send("stop");
  });
}

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms`);
    await new Promise((next) => setTimeout(next, 250));
  }
}

describe.skipIf(unavailable !== undefined)(
  `two worker processes on one PostgreSQL server${unavailable ? ` (skipped: ${unavailable})` : ""}`,
  () => {
    it(`take ${ORDERS} orders to CONFIRMED: 0 lost, 0 charged twice, 0 applied twice`, async () => {
      const client: SqlClient = await pgClient({ connectionString: server.connectionString, schema });
      const api = await PostgresOrderflow.create({ connection: client, schema, products: SCENARIO_PRODUCTS });
      const workers = await Promise.all([startWorker(), startWorker()]);
      let charged: string[] = [];
      try {
        const sku = SCENARIO_PRODUCTS[0]!;
        for (let i = 0; i < ORDERS; i++) {
          await api.api.placeOrder({
            orderId: `two-${i}`,
            customerId: `c-${i % 100}`,
            currency: "BRL",
            items: [{ sku: sku.sku, quantity: 1, unitPrice: sku.unitPrice }],
            shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
          });
        }
        const confirmed = async () =>
          (
            await client.query<{ n: number }>(
              "SELECT count(*)::integer AS n FROM orders WHERE status = 'CONFIRMED'",
            )
          ).rows[0]!.n;
        await until(async () => (await confirmed()) === ORDERS, 600_000);
        await until(
          async () =>
            (await client.query<{ n: number }>("SELECT count(*)::integer AS n FROM queue_messages")).rows[0]!
              .n === 0,
          60_000,
        );
      } finally {
        charged = (await Promise.all(workers.map(stopWorker))).flat();
      }
      const { rows } = await client.query<{ status: string; version: number; n: number }>(
        "SELECT status, version, count(*)::integer AS n FROM orders GROUP BY status, version",
      );
      expect(rows).toEqual([{ status: "CONFIRMED", version: rows[0]!.version, n: ORDERS }]);
      expect(charged).toHaveLength(ORDERS);
      expect(new Set(charged).size).toBe(ORDERS);
      await api.close();
      await client.close();
    }, 900_000);
  },
);
