import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/adapters/memory/clocks.js";
import { InMemoryOrderRepository } from "../../../src/adapters/memory/in-memory-order-repository.js";
import type { CommandQueue, QueueMessage } from "../../../src/domain/ports.js";
import { PlaceOrder, type PlaceOrderCommand } from "../../../src/domain/use-cases/place-order.js";
import { DeliveryError } from "../../../src/ports/errors.js";
import { asksFor, RefusingQueue } from "../../support/refusing-queue.js";

/** An intake queue that keeps what it is sent, and can refuse the next send. */
class RecordingQueue implements CommandQueue {
  readonly name = "intake.fifo";
  readonly sends: QueueMessage[][] = [];
  failNext = false;

  async send(messages: readonly QueueMessage[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error("queue unavailable");
    }
    this.sends.push([...messages]);
  }
}

const order = (orderId: string, customerId = "c-1") => ({
  orderId,
  customerId,
  currency: "BRL",
  items: [{ sku: "SKU-1", quantity: 2, unitPrice: 1250 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
});
const command = (orderId: string, customerId?: string): PlaceOrderCommand => ({
  commandId: `place-${orderId}`,
  correlationId: `corr-${orderId}`,
  order: order(orderId, customerId),
});

function setup() {
  const orders = new InMemoryOrderRepository();
  const intakeQueue = new RecordingQueue();
  const place = new PlaceOrder({ orders, intakeQueue, clock: new ManualClock() });
  return { orders, intakeQueue, place };
}

describe("PlaceOrder", () => {
  it("asks for the order's validation, then records it RECEIVED with OrderPlaced in its outbox", async () => {
    const { orders, intakeQueue, place } = setup();
    const result = await place.execute(command("o-1"));

    expect(result).toMatchObject({
      outcome: "PLACED",
      order: { orderId: "o-1", status: "RECEIVED", total: 2500 },
    });
    expect(intakeQueue.sends).toEqual([
      [
        {
          id: "place-o-1",
          body: JSON.stringify({
            type: "ValidateOrder",
            orderId: "o-1",
            commandId: "place-o-1",
            correlationId: "corr-o-1",
          }),
          groupId: "o-1",
          deduplicationId: "place-o-1",
          attributes: { type: "ValidateOrder", correlationId: "corr-o-1" },
        },
      ],
    ]);
    const stored = await orders.get("o-1");
    expect(stored?.outbox.map((event) => event.type)).toEqual(["OrderPlaced"]);
  });

  it("records nothing when the request cannot be sent: the caller's error says the order was not placed", async () => {
    const { orders, intakeQueue, place } = setup();
    intakeQueue.failNext = true;
    await expect(place.execute(command("o-2"))).rejects.toThrow("queue unavailable");
    expect(await orders.get("o-2")).toBeUndefined();

    // The retry places it.
    expect((await place.execute(command("o-2"))).outcome).toBe("PLACED");
  });

  it("placing the same order again answers the stored order and repeats the same request", async () => {
    const { orders, intakeQueue, place } = setup();
    await place.execute(command("o-3"));
    const again = await place.execute(command("o-3"));

    expect(again).toMatchObject({ outcome: "ALREADY_PLACED", order: { orderId: "o-3", version: 1 } });
    expect(intakeQueue.sends.map(([message]) => message?.deduplicationId)).toEqual([
      "place-o-3",
      "place-o-3",
    ]);
    expect((await orders.get("o-3"))?.order.version).toBe(1);
  });

  it("another order under a taken id: ORDER_ALREADY_EXISTS alone, ID_TAKEN in a batch whose other orders go on", async () => {
    const { orders, intakeQueue, place } = setup();
    await place.execute(command("o-4"));
    await expect(place.execute(command("o-4", "c-other"))).rejects.toMatchObject({
      code: "ORDER_ALREADY_EXISTS",
    });

    const results = await place.executeAll([command("o-4", "c-other"), command("o-5"), command("o-5")]);
    expect(results.map((result) => result.outcome)).toEqual(["ID_TAKEN", "PLACED", "ALREADY_PLACED"]);
    expect(results[0]).toMatchObject({ order: { customerId: "c-1" } });
    // One send for the whole batch (the adapter makes it one SendMessageBatch).
    expect(intakeQueue.sends.at(-1)).toHaveLength(3);
    expect((await orders.get("o-5"))?.order.version).toBe(1);
  });

  it("a request the queue refuses for good: UNDELIVERABLE in a batch (not recorded) while the others are placed; alone, the error", async () => {
    const { orders } = setup();
    const queue = new RefusingQueue(new RecordingQueue(), asksFor("o-bad"));
    const place = new PlaceOrder({ orders, intakeQueue: queue, clock: new ManualClock() });

    const results = await place.executeAll([command("o-6"), command("o-bad"), command("o-7")]);
    expect(results.map((result) => result.outcome)).toEqual(["PLACED", "UNDELIVERABLE", "PLACED"]);
    expect(results[1]).toMatchObject({ reason: expect.stringContaining("InvalidMessageContents") });
    expect(await orders.get("o-bad")).toBeUndefined();
    expect((await orders.get("o-7"))?.order.status).toBe("RECEIVED");

    await expect(place.execute(command("o-bad"))).rejects.toMatchObject({
      code: "DELIVERY_FAILED",
      retryable: false,
    });
  });

  it("a batch with a request that may go through later, or a call refused as a whole, records nothing", async () => {
    const { orders } = setup();
    const queue = new RefusingQueue(new RecordingQueue(), asksFor("o-bad"));
    const place = new PlaceOrder({ orders, intakeQueue: queue, clock: new ManualClock() });
    queue.failNext(1, asksFor("o-8"));
    await expect(place.executeAll([command("o-8"), command("o-bad"), command("o-9")])).rejects.toMatchObject({
      code: "DELIVERY_FAILED",
    });
    expect(await orders.get("o-9")).toBeUndefined();

    // A missing queue or a denied access refuses every entry for good, but says nothing about the orders.
    const denied: CommandQueue = {
      name: "intake.fifo",
      async send(messages) {
        throw new DeliveryError(
          "intake.fifo",
          messages.map((m) => ({ id: m.id!, reason: "AccessDenied", retryable: false })),
          { cause: new Error("AccessDenied") },
        );
      },
    };
    const refusedWhole = new PlaceOrder({ orders, intakeQueue: denied, clock: new ManualClock() });
    await expect(refusedWhole.executeAll([command("o-10")])).rejects.toMatchObject({
      code: "DELIVERY_FAILED",
    });
    expect(await orders.get("o-10")).toBeUndefined();
  });
});
