import { expect, it } from "vitest";
import { ManualClock } from "../../../src/adapters/memory/clocks.js";
import {
  type EventQueueRoutes,
  PostgresEventBus,
} from "../../../src/adapters/postgres/postgres-event-bus.js";
import { PostgresOrderRepository } from "../../../src/adapters/postgres/postgres-order-repository.js";
import type { SqlClient } from "../../../src/adapters/postgres/sql-client.js";
import { ORDER_EVENT_TYPES, type OrderflowEvent } from "../../../src/domain/events.js";
import { describeEventBusContract } from "../../../src/ports/contracts/event-bus.contract.js";
import { aCommandContext, anOrder } from "../../../src/ports/contracts/order-mother.js";
import { describeOrderRepositoryContract } from "../../../src/ports/contracts/order-repository.contract.js";
import { usePostgresEngines } from "../../support/postgres-engines.js";

// The order repository and the event bus of the PostgreSQL family, on PGlite
// and on a real server: their contract suites unchanged, then the outbox that
// routes an order's events in the statement that saves it.

const engines = usePostgresEngines();

/** Every event type (order events and client requests) to one queue, so the bus suite can read them all back. */
const EVERY_TYPE_TO_ONE_QUEUE: EventQueueRoutes = Object.fromEntries(
  [...ORDER_EVENT_TYPES, "CancellationRequested", "ModificationRequested"].map((type) => [
    type,
    ["bus-contract"],
  ]),
);

async function bodiesOf(
  client: SqlClient,
  queue: string,
): Promise<{ "detail-type": string; detail: OrderflowEvent }[]> {
  const { rows } = await client.query<{ body: string }>(
    "SELECT body FROM queue_messages WHERE queue = $1 ORDER BY seq",
    [queue],
  );
  return rows.map((row) => JSON.parse(row.body));
}

for (const engine of engines) {
  engine.describe("PostgreSQL orders and bus", (db) => {
    describeOrderRepositoryContract("PostgresOrderRepository (events kept in the outbox)", () => ({
      repository: new PostgresOrderRepository(db.client()),
    }));

    describeEventBusContract("PostgresEventBus", () => ({
      bus: new PostgresEventBus(db.client(), { clock: new ManualClock(), routes: EVERY_TYPE_TO_ONE_QUEUE }),
      published: async () => (await bodiesOf(db.client(), "bus-contract")).map((body) => body.detail),
    }));

    const routedRepository = () => {
      const bus = new PostgresEventBus(db.client(), { clock: new ManualClock() });
      return { bus, orders: new PostgresOrderRepository(db.client(), { bus }) };
    };

    async function messagesOf(orderId: string) {
      const { rows } = await db
        .client()
        .query<{ queue: string; body: string }>(
          "SELECT queue, body FROM queue_messages WHERE body::jsonb -> 'detail' ->> 'orderId' = $1 ORDER BY seq",
          [orderId],
        );
      return rows.map((row) => ({ queue: row.queue, type: JSON.parse(row.body)["detail-type"] as string }));
    }

    it("routes a saved order's events to their flows' queues in the statement that saves it; the outbox stays empty", async () => {
      const { bus, orders } = routedRepository();
      const order = anOrder();
      order.validate([], aCommandContext());
      await orders.save(order, 0);

      expect(await messagesOf(order.id)).toEqual([{ queue: "processing", type: "OrderValidated" }]);
      expect((await orders.get(order.id))?.outbox).toEqual([]);
      // The use case publishes what it saved, as on every family: already routed, nothing more is sent
      // (this bus skips them; another one finds their ids routed).
      await bus.publish(order.pullEvents());
      expect(await messagesOf(order.id)).toHaveLength(1);
    });

    it("routes nothing when the save loses its version race", async () => {
      const { orders } = routedRepository();
      const order = anOrder();
      await orders.save(order, 0);
      order.pullEvents();
      const stale = (await orders.get(order.id))!.order;
      order.validate([], aCommandContext());
      await orders.save(order, 1);

      stale.validate([{ path: "items", message: "no", code: "UNKNOWN_SKU" }], aCommandContext());
      await expect(orders.save(stale, 1)).rejects.toMatchObject({ code: "CONCURRENCY_CONFLICT" });
      expect((await messagesOf(order.id)).map((m) => m.type)).toEqual(["OrderValidated"]);
    });

    it("writes neither the order nor its messages when routing them fails", async () => {
      const { orders } = routedRepository();
      const client = db.client();
      await client.query(
        "ALTER TABLE queue_messages ADD CONSTRAINT processing_closed CHECK (queue <> 'processing') NOT VALID",
      );
      try {
        const order = anOrder();
        order.validate([], aCommandContext());
        await expect(orders.save(order, 0)).rejects.toThrow();
        expect(await orders.get(order.id)).toBeUndefined();
        expect(await messagesOf(order.id)).toEqual([]);
      } finally {
        await client.query("ALTER TABLE queue_messages DROP CONSTRAINT processing_closed");
      }
    });

    it("routes an event once however often it is published, until its id is pruned", async () => {
      const clock = new ManualClock();
      const bus = new PostgresEventBus(db.client(), { clock });
      const order = anOrder();
      order.validate([], aCommandContext());
      const events = order.pullEvents();
      await bus.publish(events);
      await bus.publish(events);
      expect(await messagesOf(order.id)).toEqual([{ queue: "processing", type: "OrderValidated" }]);

      clock.advance(60_000);
      expect(await bus.prune(clock.now())).toBeGreaterThanOrEqual(1);
      await bus.publish(events);
      expect(await messagesOf(order.id)).toHaveLength(2);
    });
  });
}
