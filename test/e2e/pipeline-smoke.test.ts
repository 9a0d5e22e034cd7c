import { describe, expect, it } from "vitest";
import { createInMemoryOrderflow, type InMemoryLogger } from "../../src/memory.js";

const order = (overrides: Record<string, unknown> = {}) => ({
  customerId: "c-1",
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 2, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
  ...overrides,
});

describe("in-memory pipeline", () => {
  it("takes an order from placement to confirmation", async () => {
    const flow = createInMemoryOrderflow();
    const placed = await flow.api.placeOrder(order());
    expect(placed.status).toBe("RECEIVED");
    const report = await flow.drain();
    const view = await flow.api.getOrder(placed.orderId);
    expect(view.status, JSON.stringify({ report, logs: (flow.logger as InMemoryLogger).entries })).toBe(
      "CONFIRMED",
    );
    expect(flow.events().map((e) => e.type)).toEqual([
      "OrderPlaced",
      "OrderValidated",
      "OrderPaymentStarted",
      "OrderPaid",
      "OrderConfirmed",
    ]);
  });

  it("treats a consumer that throws as a failed batch: retried, then dead-lettered", async () => {
    const flow = createInMemoryOrderflow({ maxReceiveCount: 2 });
    let calls = 0;
    const boom = flow.addFlow("orderflow-boom", async () => {
      calls++;
      throw new Error("boom");
    });
    await boom.queue.send([{ body: "{}" }]);
    await flow.drain();
    expect(calls).toBe(2);
    expect(boom.queue.size).toBe(0);
    expect(boom.deadLetterQueue.size).toBe(1);
  });
});
