import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OrderStatus } from "../../domain/lifecycle.js";
import type { Order } from "../../domain/order.js";
import { PortError } from "../errors.js";
import type { OrderRepository } from "../order-repository.js";
import type { Teardown } from "./helpers.js";
import { allPages, codeOf, rejectionOf } from "./helpers.js";
import { aCommandContext, anOrder, aValidatedOrder, uniqueId } from "./order-mother.js";

export interface OrderRepositorySubject extends Teardown {
  readonly repository: OrderRepository;
}

/**
 * The behaviour every {@link OrderRepository} must show.
 *
 * `makeSubject` runs before each test. It may return a fresh, empty repository
 * or one shared by the whole suite (e.g. one DynamoDB table per suite): the
 * tests use only unique order and customer ids and never assume the store is
 * empty. Listings by status are checked by paging through to the end.
 *
 * @example
 * describeOrderRepositoryContract("MyOrderRepository", () => ({ repository: new MyOrderRepository(db) }));
 */
export function describeOrderRepositoryContract(
  adapterName: string,
  makeSubject: () => Promise<OrderRepositorySubject> | OrderRepositorySubject,
): void {
  describe(`OrderRepository contract: ${adapterName}`, () => {
    let subject: OrderRepositorySubject;
    let repository: OrderRepository;

    beforeEach(async () => {
      subject = await makeSubject();
      repository = subject.repository;
    });
    afterEach(async () => {
      await subject?.teardown?.();
    });

    /** Saves a new order and returns it as loaded from the repository (so no recorded events). */
    async function saved(order: Order = anOrder()): Promise<Order> {
      await repository.save(order, 0);
      order.pullEvents();
      return (await repository.get(order.id))!.order;
    }

    async function expectConflict(promise: Promise<unknown>): Promise<void> {
      const error = await rejectionOf(promise);
      expect(codeOf(error)).toBe("CONCURRENCY_CONFLICT");
      expect(error).toBeInstanceOf(PortError);
    }

    it("returns undefined for an unknown order", async () => {
      expect(await repository.get(uniqueId("missing"))).toBeUndefined();
    });

    it("saves a new order (expected version 0) and loads an equal snapshot with its events in the outbox", async () => {
      const order = anOrder();
      order.validate([], aCommandContext());
      const events = [...order.peekEvents()];

      await repository.save(order, 0);
      const stored = await repository.get(order.id);

      expect(stored).toBeDefined();
      expect(stored!.order.snapshot()).toEqual(order.snapshot());
      expect(stored!.order.version).toBe(2);
      expect(stored!.outbox).toEqual(events);
      expect(stored!.outbox.map((event) => event.type)).toEqual(["OrderPlaced", "OrderValidated"]);
    });

    it("keeps its own copy: changing the saved aggregate afterwards changes nothing stored", async () => {
      const order = anOrder();
      await repository.save(order, 0);
      const before = structuredClone(order.snapshot());

      order.validate([], aCommandContext());

      expect((await repository.get(order.id))!.order.snapshot()).toEqual(before);
    });

    it("saves a change when the stored version is still the expected one", async () => {
      const order = await saved();
      order.validate([], aCommandContext());

      await repository.save(order, 1);

      const stored = await repository.get(order.id);
      expect(stored!.order.status).toBe("VALIDATED");
      expect(stored!.order.version).toBe(2);
    });

    it("refuses a save at a stale expected version with a ConcurrencyError and keeps the stored state", async () => {
      const first = await saved();
      const second = (await repository.get(first.id))!.order;
      first.validate([], aCommandContext());
      await repository.save(first, 1);

      second.cancel("changed my mind", aCommandContext());
      await expectConflict(repository.save(second, 1));

      const stored = await repository.get(first.id);
      expect(stored!.order.snapshot()).toEqual(first.snapshot());
    });

    it("refuses to create an order that already exists (expected version 0) with a ConcurrencyError", async () => {
      const order = anOrder();
      await repository.save(order, 0);
      const original = structuredClone(order.snapshot());

      const twin = anOrder({ orderId: order.id, customerId: uniqueId("other-customer") });
      await expectConflict(repository.save(twin, 0));

      expect((await repository.get(order.id))!.order.snapshot()).toEqual(original);
    });

    it("lets exactly one of many concurrent writers at the same expected version win", async () => {
      const order = await saved();
      const writers = await Promise.all(Array.from({ length: 10 }, () => repository.get(order.id)));
      const changed = writers.map((stored, index) => {
        const copy = stored!.order;
        copy.cancel(`writer ${index}`, aCommandContext());
        return copy;
      });

      const results = await Promise.allSettled(changed.map((copy) => repository.save(copy, 1)));

      const winners = results.flatMap((result, index) => (result.status === "fulfilled" ? [index] : []));
      expect(winners).toHaveLength(1);
      for (const result of results) {
        if (result.status === "rejected") expect(codeOf(result.reason)).toBe("CONCURRENCY_CONFLICT");
      }
      const stored = await repository.get(order.id);
      expect(stored!.order.snapshot()).toEqual(changed[winners[0]!]!.snapshot());
      expect(stored!.outbox.filter((event) => event.type === "OrderCancelled")).toHaveLength(1);
    });

    it("markPublished removes only the given events, is idempotent and never changes the version", async () => {
      const order = anOrder();
      order.validate([], aCommandContext());
      const [placed, validated] = order.peekEvents();
      await repository.save(order, 0);

      await repository.markPublished(order.id, [placed!.id, uniqueId("unknown-event")]);
      const once = await repository.get(order.id);
      await repository.markPublished(order.id, [placed!.id]);
      const twice = await repository.get(order.id);

      expect(once!.outbox).toEqual([validated]);
      expect(twice!.outbox).toEqual([validated]);
      expect(twice!.order.snapshot()).toEqual(order.snapshot());
      expect(twice!.order.version).toBe(2);
    });

    it("markPublished of every event empties the outbox", async () => {
      const order = anOrder();
      const ids = order.peekEvents().map((event) => event.id);
      await repository.save(order, 0);

      await repository.markPublished(order.id, ids);

      expect((await repository.get(order.id))!.outbox).toEqual([]);
    });

    it("a later save appends its events to what remains in the outbox", async () => {
      const order = anOrder();
      order.validate([], aCommandContext());
      const [placed, validated] = [...order.peekEvents()];
      await repository.save(order, 0);
      await repository.markPublished(order.id, [placed!.id]);

      const loaded = (await repository.get(order.id))!.order;
      loaded.startPayment(aCommandContext());
      const [started] = loaded.peekEvents();
      await repository.save(loaded, 2);

      const stored = await repository.get(order.id);
      expect(stored!.outbox).toEqual([validated, started]);
      expect(stored!.order.status).toBe("PAYMENT_PENDING");
      expect(stored!.order.version).toBe(3);
    });

    it("a version bump after markPublished is still checked (markPublished does not reset concurrency)", async () => {
      const order = anOrder();
      const ids = order.peekEvents().map((event) => event.id);
      await repository.save(order, 0);
      const loaded = (await repository.get(order.id))!.order;
      await repository.markPublished(order.id, ids);

      loaded.validate([], aCommandContext());
      await repository.save(loaded, 1);

      const stale = anOrder({ orderId: order.id });
      stale.validate([], aCommandContext());
      await expectConflict(repository.save(stale, 1));
    });

    it("lists a customer's orders newest first, each exactly once across pages, with its current state", async () => {
      const customerId = uniqueId("customer");
      const base = Date.parse("2030-03-01T00:00:00.000Z");
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const order = anOrder({ customerId }, aCommandContext({ at: new Date(base + i * 60_000) }));
        await repository.save(order, 0);
        ids.push(order.id);
      }
      await repository.save(anOrder({ customerId: uniqueId("someone-else") }), 0);
      const changed = (await repository.get(ids[2]!))!.order;
      changed.validate([], aCommandContext({ at: new Date(base + 3_600_000) }));
      await repository.save(changed, 1);

      const { items, pages } = await allPages((page) => repository.listByCustomer(customerId, page), 2);

      expect(pages).toBeGreaterThanOrEqual(3);
      expect(items.map((snapshot) => snapshot.orderId)).toEqual([...ids].reverse());
      expect(items.every((snapshot) => snapshot.customerId === customerId)).toBe(true);
      expect(items.find((snapshot) => snapshot.orderId === ids[2])).toEqual(changed.snapshot());
    });

    it("lists nothing for a customer without orders", async () => {
      const page = await repository.listByCustomer(uniqueId("nobody"), { limit: 10 });
      expect(page.items).toEqual([]);
      expect(page.nextToken).toBeUndefined();
    });

    it("lists orders by current status, oldest update first, each exactly once across pages", async () => {
      const status: OrderStatus = "PAYMENT_PENDING";
      const base = Date.parse("2030-04-01T00:00:00.000Z");
      const mine: string[] = [];
      for (let i = 0; i < 5; i++) {
        // Updated in the reverse order of creation, so update order and creation order differ.
        const order = anOrder({}, aCommandContext({ at: new Date(base + i * 60_000) }));
        order.validate([], aCommandContext({ at: new Date(base + i * 60_000) }));
        order.startPayment(aCommandContext({ at: new Date(base + 3_600_000 - i * 60_000) }));
        await repository.save(order, 0);
        mine.push(order.id);
      }
      const leftTheStatus = anOrder({}, aCommandContext({ at: new Date(base) }));
      leftTheStatus.validate([], aCommandContext({ at: new Date(base) }));
      await repository.save(leftTheStatus, 0);
      const moving = (await repository.get(leftTheStatus.id))!.order;
      moving.startPayment(aCommandContext({ at: new Date(base + 1000) }));
      await repository.save(moving, 2);
      const moved = (await repository.get(leftTheStatus.id))!.order;
      moved.cancel("no longer wanted", aCommandContext({ at: new Date(base + 2000) }));
      await repository.save(moved, 3);

      const { items } = await allPages((page) => repository.listByStatus(status, page), 2);

      expect(items.every((snapshot) => snapshot.status === status)).toBe(true);
      const found = items.map((snapshot) => snapshot.orderId).filter((id) => mine.includes(id));
      expect(found).toEqual([...mine].reverse());
      expect(items.some((snapshot) => snapshot.orderId === leftTheStatus.id)).toBe(false);
      const cancelled = await allPages((page) => repository.listByStatus("CANCELLED", page), 25);
      expect(cancelled.items.filter((snapshot) => snapshot.orderId === leftTheStatus.id)).toHaveLength(1);
    });

    it("counts the orders in a status, up to a bound when asked", async () => {
      const before = await repository.countByStatus("PAYMENT_PENDING");
      for (let i = 0; i < 3; i++) {
        const order = aValidatedOrder({ orderId: uniqueId("count") });
        order.startPayment(aCommandContext());
        await repository.save(order, 0);
      }
      await repository.save(anOrder({ orderId: uniqueId("count") }), 0);

      expect(await repository.countByStatus("PAYMENT_PENDING")).toBe(before + 3);
      expect(await repository.countByStatus("PAYMENT_PENDING", { atMost: 2 })).toBe(2);
    });
  });
}
