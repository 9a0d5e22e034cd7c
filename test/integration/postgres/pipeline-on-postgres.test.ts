import { expect, it } from "vitest";
import { ManualClock } from "../../../src/adapters/memory/clocks.js";
import { PostgresIdempotencyStore } from "../../../src/adapters/postgres/postgres-idempotency-store.js";
import { PostgresOrderRepository } from "../../../src/adapters/postgres/postgres-order-repository.js";
import { PostgresProductCatalog } from "../../../src/adapters/postgres/postgres-product-catalog.js";
import { PostgresQueue } from "../../../src/adapters/postgres/postgres-queue.js";
import type { SqlClient } from "../../../src/adapters/postgres/sql-client.js";
import {
  type ExternalQueue,
  type FlowName,
  InMemoryOrderflow,
} from "../../../src/entrypoints/in-memory/in-memory-orderflow.js";
import { PostgresQueueDriver } from "../../../src/entrypoints/postgres/postgres-queue-driver.js";
import { EVENT_ROUTES, type EventRouteName } from "../../../src/ports/routing.js";
import {
  runOrderLifecycleScenario,
  SCENARIO_MAX_RECEIVE_COUNT,
  SCENARIO_PRODUCTS,
  seeded,
} from "../../support/order-lifecycle-scenario.js";
import { usePostgresEngines } from "../../support/postgres-engines.js";

/**
 * The end-to-end scenario of the in-memory pipeline (test/e2e/thousand-orders),
 * unchanged, on the PostgreSQL adapters, as it runs on the AWS adapters
 * against emulators: orders, idempotency keys and the catalog in tables, the
 * intake FIFO queue and every route's queue in `queue_messages` (each with a
 * dead-letter queue), the in-memory bus routing to them and delivering a fifth
 * of the events twice. On PGlite and on a real server.
 */
const ORDERS = Number(process.env.ORDERFLOW_POSTGRES_ORDERS ?? 200);

async function postgresPipeline(client: SqlClient) {
  const clock = new ManualClock();
  const catalog = new PostgresProductCatalog(client);
  await catalog.putProducts(SCENARIO_PRODUCTS);
  const external = (name: string, fifo: boolean): ExternalQueue => {
    const deadLetterQueue = new PostgresQueue(client, { name: `${name}-dlq`, fifo, clock });
    const queue = new PostgresQueue(client, {
      name,
      fifo,
      clock,
      maxReceiveCount: SCENARIO_MAX_RECEIVE_COUNT,
      deadLetterQueue: deadLetterQueue.name,
    });
    return {
      queue,
      driver: new PostgresQueueDriver(queue),
      deadLetterDriver: new PostgresQueueDriver(deadLetterQueue),
    };
  };
  const routes = Object.keys(EVENT_ROUTES) as EventRouteName[];
  const queues = {
    intake: external("intake", true),
    ...Object.fromEntries(routes.map((route) => [route, external(route, false)])),
  } as Record<FlowName, ExternalQueue>;
  return new InMemoryOrderflow({
    clock,
    orders: new PostgresOrderRepository(client),
    idempotency: new PostgresIdempotencyStore(client),
    catalog,
    queues,
    duplicateDeliveryRate: 0.2,
    random: seeded(42),
  });
}

for (const engine of usePostgresEngines()) {
  engine.describe(`${ORDERS} orders through the pipeline`, (db) => {
    it("drain to the expected final states with nothing lost and nothing applied twice", async () => {
      const flow = await postgresPipeline(db.client());
      await runOrderLifecycleScenario(flow, ORDERS);
      const { rows } = await db
        .client()
        .query<{ queue: string; n: number }>(
          "SELECT queue, count(*)::integer AS n FROM queue_messages GROUP BY queue",
        );
      expect(rows).toEqual([]);
    }, 300_000);
  });
}
