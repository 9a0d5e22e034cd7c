import { describe, expect, it } from "vitest";
import { InMemoryOrderRepository } from "../../../../src/adapters/memory/in-memory-order-repository.js";
import { Order } from "../../../../src/domain/order.js";
import { ctx, newOrder } from "../../../support/domain-fixtures.js";

/** An order saved with two events in its outbox (placed, then validated before the first publish). */
async function savedWithTwoEvents(repository: InMemoryOrderRepository) {
  const order = Order.place(newOrder(), ctx());
  await repository.save(order, 0);
  order.pullEvents();
  const loaded = (await repository.get("o-1"))!.order;
  loaded.validate([], ctx());
  await repository.save(loaded, 1);
  return (await repository.get("o-1"))!;
}

describe("InMemoryOrderRepository", () => {
  it("keeps unpublished events in a frozen outbox when only some are marked published", async () => {
    const repository = new InMemoryOrderRepository();
    const stored = await savedWithTwoEvents(repository);
    expect(stored.outbox.map((event) => event.type)).toEqual(["OrderPlaced", "OrderValidated"]);

    await repository.markPublished("o-1", ["o-1:1:0", "unknown-id"]);
    const after = (await repository.get("o-1"))!;
    expect(after.outbox.map((event) => event.id)).toEqual(["o-1:2:0"]);
    expect(Object.isFrozen(after.outbox)).toBe(true);
    expect(() => (after.outbox as unknown[]).push("x")).toThrow(TypeError);
    expect(after.order.version).toBe(2);

    await repository.markPublished("o-1", ["o-1:2:0"]);
    await repository.markPublished("o-1", ["o-1:2:0"]);
    await repository.markPublished("nobody", ["o-1:2:0"]);
    expect((await repository.get("o-1"))!.outbox).toEqual([]);
  });

  it("hands out deep-frozen state that an aggregate changes by copying", async () => {
    const repository = new InMemoryOrderRepository();
    const stored = await savedWithTwoEvents(repository);
    const snapshot = stored.order.snapshot();
    expect(Object.isFrozen(snapshot.items[0])).toBe(true);
    expect(Object.isFrozen(snapshot.processedCommandIds)).toBe(true);
    expect(Object.isFrozen(stored.outbox[0]!.data)).toBe(true);

    stored.order.startPayment(ctx());
    expect(snapshot.status).toBe("VALIDATED");
    expect((await repository.get("o-1"))!.order.status).toBe("VALIDATED");
    await expect(repository.save(stored.order, 1)).rejects.toMatchObject({ code: "CONCURRENCY_CONFLICT" });
  });
});
