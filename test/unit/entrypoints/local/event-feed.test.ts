import { describe, expect, it } from "vitest";
import { InMemoryOrderRepository } from "../../../../src/adapters/memory/in-memory-order-repository.js";
import type { OrderflowEvent } from "../../../../src/domain/events.js";
import { Order } from "../../../../src/domain/order.js";
import { EventFeed } from "../../../../src/entrypoints/local/event-feed.js";
import { DeliveryError } from "../../../../src/ports/errors.js";
import type { EventBus } from "../../../../src/ports/event-bus.js";
import { ctx, newOrder } from "../../../support/domain-fixtures.js";

const event = (id: string, orderId = "o-1"): OrderflowEvent =>
  ({
    id,
    type: "OrderPlaced",
    schemaVersion: 1,
    occurredAt: "2026-12-07T10:00:00.000Z",
    orderId,
    orderVersion: 1,
    correlationId: "c",
    causationId: "c",
    data: {},
  }) as unknown as OrderflowEvent;

/** A bus that refuses the ids it is told to, as a partial PutEvents failure does. */
function busRefusing(...refused: string[]): EventBus {
  return {
    async publish(events) {
      const failures = events
        .filter((e) => refused.includes(e.id))
        .map((e) => ({ id: e.id, reason: "throttled" }));
      if (failures.length) throw new DeliveryError("bus", failures);
    },
  };
}

describe("EventFeed", () => {
  it("wraps only the bus and the orders, and tells each event published once, whatever the retries", async () => {
    const feed = new EventFeed();
    const catalog = {};
    expect(feed.decorate("catalog", catalog)).toBe(catalog);
    const bus = feed.decorate("bus", busRefusing());
    const told: string[] = [];
    feed.subscribe((e) => told.push(e.id));
    await bus.publish([event("a"), event("b")]);
    await bus.publish([event("a"), event("c", "o-2")]);
    expect(told).toEqual(["a", "b", "c"]);
    expect(feed.ofOrder("o-1").map((e) => e.id)).toEqual(["a", "b"]);
  });

  it("tells what a partial failure published and not what it refused; the error still reaches the caller", async () => {
    const feed = new EventFeed();
    const told: string[] = [];
    feed.subscribe((e) => told.push(e.id));
    await expect(
      feed.decorate("bus", busRefusing("b")).publish([event("a"), event("b")]),
    ).rejects.toBeInstanceOf(DeliveryError);
    expect(told).toEqual(["a"]);
    await expect(feed.decorate("bus", busRefusing("a")).publish([event("x")])).resolves.toBeUndefined();
  });

  it("tells the events a save commits with the order, and none of a save that lost its race", async () => {
    const feed = new EventFeed();
    const told: string[] = [];
    feed.subscribe((e) => told.push(e.type));
    const repository = new InMemoryOrderRepository();
    const orders = feed.decorate("orders", repository);
    const order = Order.place(newOrder({ orderId: "o-save" }), ctx());
    await orders.save(order, 0);
    expect(told).toEqual(["OrderPlaced"]);
    await expect(orders.save(Order.place(newOrder({ orderId: "o-save" }), ctx()), 0)).rejects.toThrow();
    expect(told).toEqual(["OrderPlaced"]);
    // Everything else is the repository's own.
    expect((await orders.get("o-save"))?.order.id).toBe("o-save");
    expect(orders.listByStatus).toBeTypeOf("function");
  });

  it("keeps the latest events up to its capacity, and stops telling a listener that left", async () => {
    const feed = new EventFeed(3);
    const bus = feed.decorate("bus", busRefusing());
    const told: string[] = [];
    const stop = feed.subscribe((e) => told.push(e.id));
    await bus.publish(["1", "2", "3", "4"].map((id) => event(id)));
    expect(feed.ofOrder("o-1").map((e) => e.id)).toEqual(["2", "3", "4"]);
    stop();
    await bus.publish([event("5")]);
    expect(told).toEqual(["1", "2", "3", "4"]);
  });
});
