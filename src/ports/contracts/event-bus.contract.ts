import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OrderflowEvent } from "../../domain/events.js";
import type { EventBus } from "../event-bus.js";
import type { Teardown } from "./helpers.js";
import { aCommandContext, anOrder, uniqueId } from "./order-mother.js";

export interface EventBusSubject extends Teardown {
  readonly bus: EventBus;
  /** Every orderflow event that reached the bus so far (the suite ignores events of other tests). */
  published(): Promise<readonly OrderflowEvent[]>;
}

/** `count` distinct, realistic events: each order's lifecycle events plus client requests. */
export function someEvents(count: number): OrderflowEvent[] {
  const events: OrderflowEvent[] = [];
  while (events.length < count) {
    const order = anOrder();
    order.validate([], aCommandContext());
    order.startPayment(aCommandContext());
    order.recordPaymentSuccess(uniqueId("pay"), aCommandContext());
    order.confirm(aCommandContext());
    events.push(...order.pullEvents());
    events.push({
      id: uniqueId("cmd"),
      type: "CancellationRequested",
      schemaVersion: 1,
      occurredAt: new Date().toISOString(),
      orderId: order.id,
      orderVersion: 0,
      correlationId: uniqueId("corr"),
      causationId: uniqueId("req"),
      data: { reason: "changed my mind" },
    });
  }
  return events.slice(0, count);
}

/**
 * The behaviour every {@link EventBus} must show. `makeSubject` runs before each
 * test and may return the same bus each time: the suite only looks at the events
 * it published (by id).
 */
export function describeEventBusContract(
  adapterName: string,
  makeSubject: () => Promise<EventBusSubject> | EventBusSubject,
): void {
  describe(`EventBus contract: ${adapterName}`, () => {
    let subject: EventBusSubject;

    beforeEach(async () => {
      subject = await makeSubject();
    });
    afterEach(async () => {
      await subject?.teardown?.();
    });

    async function publishedWithIds(ids: readonly string[]): Promise<OrderflowEvent[]> {
      return (await subject.published()).filter((event) => ids.includes(event.id));
    }

    it("publishes a single event with its id, type and detail intact", async () => {
      const [event] = someEvents(1);

      await subject.bus.publish([event!]);

      expect(await publishedWithIds([event!.id])).toEqual([event]);
    });

    it("publishes every event of a batch larger than one service call (25)", async () => {
      const events = someEvents(25);

      await subject.bus.publish(events);

      const published = await publishedWithIds(events.map((event) => event.id));
      const byId = new Map(published.map((event) => [event.id, event]));
      expect(byId.size).toBe(25);
      for (const event of events) expect(byId.get(event.id)).toEqual(event);
    });

    it("publishes the others and names, by id, an event it cannot take (one over 256 KB)", async () => {
      const [small, other] = someEvents(2);
      // Any type will do: the entry is refused for its size before anything reads its data.
      const huge = {
        ...other!,
        id: uniqueId("huge"),
        data: { reason: "x".repeat(300_000) },
      } as OrderflowEvent;

      // Callers rely on the ids: the events not named are taken as published (an outbox forgets them).
      const error = await subject.bus.publish([small!, huge]).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toMatchObject({ failures: [{ id: huge.id }] });
      expect(await publishedWithIds([small!.id, huge.id])).toEqual([small]);
    });

    it("does nothing when asked to publish no events", async () => {
      const before = (await subject.published()).length;
      await expect(subject.bus.publish([])).resolves.toBeUndefined();
      expect((await subject.published()).length).toBe(before);
    });
  });
}
