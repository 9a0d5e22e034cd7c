import { describe, expect, it } from "vitest";
import { createInMemoryOrderflow, ScriptedPaymentGateway } from "../../../../src/memory.js";
import { DeliveryError, ServiceUnavailableError } from "../../../../src/ports/errors.js";

const body = {
  orderId: "o-1",
  customerId: "c-1",
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 1, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
};

/** A pipeline whose bus records the event types of each publish call (each is a PutEvents on AWS). */
function recordingFlow(payments = new ScriptedPaymentGateway()) {
  const flow = createInMemoryOrderflow({ payments });
  const calls: string[][] = [];
  const publish = flow.bus.publish.bind(flow.bus);
  flow.bus.publish = (events) => {
    calls.push(events.map((event) => event.type));
    return publish(events);
  };
  return { flow, calls };
}

describe("publication of an order's events", () => {
  it("leaves OrderPlaced in the outbox for the intake consumer, which publishes it with OrderValidated", async () => {
    const { flow, calls } = recordingFlow();
    await flow.api.placeOrder(body);
    expect(flow.events()).toEqual([]);
    expect(flow.orders.pending()).toEqual([
      { orderId: "o-1", events: [expect.objectContaining({ type: "OrderPlaced" })] },
    ]);

    await flow.drain({ only: ["intake"] });
    expect(calls).toEqual([["OrderPlaced", "OrderValidated"]]);
    expect(flow.orders.pending()).toEqual([]);
  });

  it("publishes OrderPlaced with the change of a request that reaches the order first", async () => {
    const { flow, calls } = recordingFlow();
    await flow.api.placeOrder(body);
    await flow.api.cancelOrder("o-1", { reason: "changed my mind" });
    await flow.drain({ only: ["cancel"] });
    expect(calls.at(-1)).toEqual(["OrderPlaced", "OrderCancelled"]);

    await flow.drain();
    expect((await flow.api.getOrder("o-1")).status).toBe("CANCELLED");
    expect(flow.events("OrderPlaced")).toHaveLength(1);
    expect(flow.orders.pending()).toEqual([]);
  });

  it("publishes OrderPaymentStarted with the payment's outcome, or after a retry when the charge failed", async () => {
    const payments = new ScriptedPaymentGateway().script("o-1", {
      fail: new ServiceUnavailableError("payments"),
    });
    const { flow, calls } = recordingFlow(payments);
    await flow.api.placeOrder(body);
    await flow.drain({ only: ["intake"] });

    const first = await flow.drain({ only: ["processing"], maxBatches: 1 });
    expect(first.failures).toBe(1);
    expect((await flow.api.getOrder("o-1")).status).toBe("PAYMENT_PENDING");
    // Saved before the charge, so the retry resumes from it; not yet published.
    expect(flow.orders.pending()[0]?.events.map((event) => event.type)).toEqual(["OrderPaymentStarted"]);

    await flow.drain();
    expect(calls.at(-1)).toEqual(["OrderPaymentStarted", "OrderPaid", "OrderConfirmed"]);
    expect((await flow.api.getOrder("o-1")).status).toBe("CONFIRMED");
    expect(flow.orders.pending()).toEqual([]);
  });

  it("keeps only the events the bus refused in the outbox, so a retry publishes nothing twice", async () => {
    const { flow } = recordingFlow();
    await flow.api.placeOrder(body);
    flow.bus.failNext(1, (event) => event.type === "OrderPlaced");
    const report = await flow.drain({ only: ["intake"], maxBatches: 1 });
    expect(report.failures).toBe(1);
    expect(flow.events().map((event) => event.type)).toEqual(["OrderValidated"]);
    expect(flow.orders.pending()[0]?.events.map((event) => event.type)).toEqual(["OrderPlaced"]);

    await flow.drain();
    expect(
      flow
        .events()
        .map((event) => event.type)
        .slice(0, 2),
    ).toEqual(["OrderValidated", "OrderPlaced"]);
    expect(flow.events("OrderValidated")).toHaveLength(1);
    expect(flow.events("OrderPlaced")).toHaveLength(1);
    expect((await flow.api.getOrder("o-1")).status).toBe("CONFIRMED");
  });

  it("keeps the whole outbox when a bus reports a partial failure without naming the events", async () => {
    const { flow } = recordingFlow();
    await flow.api.placeOrder(body);
    const publish = flow.bus.publish.bind(flow.bus);
    flow.bus.publish = async (events) => {
      await publish(events.slice(0, 1));
      // Names its failure by position, not by event id: nothing can be taken as published.
      throw new DeliveryError("a bus", [{ id: "1", reason: "refused" }]);
    };
    const report = await flow.drain({ only: ["intake"], maxBatches: 1 });
    expect(report.failures).toBe(1);
    expect(flow.orders.pending()[0]?.events.map((event) => event.type)).toEqual([
      "OrderPlaced",
      "OrderValidated",
    ]);
  });
});
