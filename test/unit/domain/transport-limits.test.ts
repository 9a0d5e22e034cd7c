import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/adapters/memory/clocks.js";
import { InMemoryEventBus } from "../../../src/adapters/memory/in-memory-event-bus.js";
import { InMemoryQueue } from "../../../src/adapters/memory/in-memory-queue.js";
import type { OrderflowEvent } from "../../../src/domain/events.js";
import { Order } from "../../../src/domain/order.js";
import {
  CancelOrderSchema,
  ModifyOrderSchema,
  PlaceOrderSchema,
  parseWith,
} from "../../../src/domain/schemas.js";
import { EVENT_SOURCE } from "../../../src/ports/routing.js";
import {
  everyIssueOf,
  largestOrder,
  widest,
  widestAddress,
  widestContext,
  widestLines,
} from "../../support/largest-order.js";

/**
 * The schemas are the only gate: what they accept must fit every transport an
 * order or request crosses afterwards. The in-memory bus and queues enforce
 * EventBridge's entry size and SQS's message size and characters, so the
 * largest events the largest accepted input can cause are published through
 * them; the DynamoDB item size of the same order is covered by the repository's
 * worst-case test on dynalite.
 */
describe("the largest input the schemas accept fits every transport", () => {
  it("its every event goes through EventBridge's and SQS's limits (FIFO and standard targets)", async () => {
    const input = largestOrder();
    const modification = { items: widestLines("T".repeat(64)), shippingAddress: widestAddress() };
    const reason = widest(500);
    expect(parseWith(PlaceOrderSchema, input).ok).toBe(true);
    expect(parseWith(ModifyOrderSchema, modification).ok).toBe(true);
    expect(parseWith(CancelOrderSchema, { reason }).ok).toBe(true);

    const issues = everyIssueOf(input);
    const events: OrderflowEvent[] = [];
    const rejected = Order.place(input, widestContext());
    rejected.validate(issues, widestContext());
    events.push(...rejected.pullEvents());

    // Event ids derive from the order id: a second order, so that FIFO deduplication keeps every event.
    const changed = Order.place(largestOrder(), widestContext());
    changed.validate([], widestContext());
    events.push(changed.request("ModificationRequested", modification, widestContext()));
    expect(changed.modify(modification, [], widestContext())).toBe("MODIFIED");
    expect(changed.modify({ items: widestLines("U".repeat(64)) }, issues, widestContext())).toBe("REFUSED");
    events.push(changed.request("CancellationRequested", { reason }, widestContext()));
    changed.startPayment(widestContext());
    changed.recordPaymentSuccess("p".repeat(128), widestContext());
    expect(changed.cancel(reason, widestContext())).toBe("CANCELLED");
    expect(changed.cancel(reason, widestContext())).toBe("ALREADY_CANCELLED");
    events.push(...changed.pullEvents());

    const clock = new ManualClock();
    const fifo = new InMemoryQueue({ name: "every-event.fifo", clock });
    const standard = new InMemoryQueue({ name: "every-event", clock });
    const bus = new InMemoryEventBus({ clock });
    const deadLetterQueue = new InMemoryQueue({ name: "every-event-dlq", clock });
    const pattern = { source: [EVENT_SOURCE] };
    bus.addRule({ name: "fifo", pattern, target: fifo, deadLetterQueue });
    bus.addRule({ name: "standard", pattern, target: standard, deadLetterQueue });

    await bus.publish(events);

    const types = events.map((event) => event.type);
    expect(types).toEqual(
      expect.arrayContaining(["OrderRejected", "OrderModified", "ModificationRejected", "OrderCancelled"]),
    );
    expect(bus.published).toHaveLength(events.length);
    expect([fifo.size, standard.size, deadLetterQueue.size]).toEqual([events.length, events.length, 0]);
  });
});
