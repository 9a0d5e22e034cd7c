import { describe, expect, it } from "vitest";
import { createInMemoryOrderflow, ScriptedPaymentGateway } from "../../../../src/memory.js";

const body = {
  customerId: "c-1",
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 1, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
};

/** A pipeline whose repository counts reads (each is a GetItem on DynamoDB). */
function countingFlow(payments = new ScriptedPaymentGateway()) {
  const flow = createInMemoryOrderflow({ payments });
  const reads = { count: 0 };
  const get = flow.orders.get.bind(flow.orders);
  flow.orders.get = (orderId) => {
    reads.count++;
    return get(orderId);
  };
  return { flow, reads };
}

describe("reads of an order per message", () => {
  it("are one per consumer: the API writes without reading, intake and processing read once each", async () => {
    const { flow, reads } = countingFlow();
    await flow.api.placeOrder({ ...body, orderId: "o-1" });
    expect(reads.count).toBe(0);

    await flow.drain({ only: ["intake"] });
    expect(reads.count).toBe(1);
    expect((await flow.api.getOrder("o-1")).status).toBe("VALIDATED");

    reads.count = 0;
    await flow.drain({ only: ["processing"] });
    expect(reads.count).toBe(1);
    expect((await flow.api.getOrder("o-1")).status).toBe("CONFIRMED");
  });

  it("are one for a placement retried: the stored order tells a retry from a clash of ids", async () => {
    const { flow, reads } = countingFlow();
    await flow.api.placeOrder({ ...body, orderId: "o-again" });
    await flow.api.placeOrder({ ...body, orderId: "o-again" });
    expect(reads.count).toBe(1);
    await expect(
      flow.api.placeOrder({ ...body, customerId: "c-2", orderId: "o-again" }),
    ).rejects.toMatchObject({
      code: "ORDER_ALREADY_EXISTS",
    });
  });

  it("re-read when the order changed while the payment ran: the stale copy loses its write", async () => {
    const payments = new ScriptedPaymentGateway();
    const { flow } = countingFlow(payments);
    await flow.api.placeOrder({ ...body, orderId: "o-race" });
    await flow.drain({ only: ["intake"] });

    // The customer's cancel lands while the gateway is charging.
    const charge = payments.charge.bind(payments);
    payments.charge = async (request) => {
      const result = await charge(request);
      await flow.api.cancelOrder("o-race", { reason: "changed my mind" });
      await flow.drain({ only: ["cancel"] });
      return result;
    };
    await flow.drain({ only: ["processing"] });

    const order = await flow.api.getOrder("o-race");
    expect(order.status).toBe("CANCELLED");
    expect(order.refundOwed).toMatchObject({ amount: 3490, currency: "BRL" });
    expect(flow.events("OrderRefundRequired")).toHaveLength(1);
    expect(flow.events("OrderConfirmed")).toHaveLength(0);
  });
});

describe("the intake queue's command", () => {
  it("names the order and carries nothing of it: validation reads what placing recorded", async () => {
    const flow = createInMemoryOrderflow();
    await flow.api.placeOrder({ ...body, orderId: "o-2" });
    const queue = flow.flows.intake.queue;
    const [record] = queue.receive({ max: 1 }).map((message) => queue.toSqsRecord(message));
    expect(JSON.parse(record!.body)).toEqual({
      type: "ValidateOrder",
      orderId: "o-2",
      commandId: "place-o-2",
      correlationId: expect.any(String),
    });
    expect(record!.attributes).toMatchObject({ MessageGroupId: "o-2", MessageDeduplicationId: "place-o-2" });
    const result = await flow.flows.intake.consumer([record!]);
    expect(result.batchItemFailures).toEqual([]);
    expect((await flow.api.getOrder("o-2")).status).toBe("VALIDATED");
    // OrderPlaced, left in the outbox by placing, goes out with the validation's outcome.
    expect(flow.events().map((event) => event.type)).toEqual(["OrderPlaced", "OrderValidated"]);
  });

  it("is reported, not retried, when malformed", async () => {
    const flow = createInMemoryOrderflow();
    const result = await flow.flows.intake.consumer([{ messageId: "m-1", body: "{ not JSON" }]);
    expect(result.batchItemFailures).toEqual([]);
    expect(
      flow.alerts.published.map((alert) => JSON.parse(JSON.parse(alert.message).message).issues[0].code),
    ).toEqual(["INVALID_JSON"]);
  });

  it("naming an order not recorded yet, fails its record until the order is there", async () => {
    const flow = createInMemoryOrderflow();
    const command = {
      type: "ValidateOrder",
      orderId: "o-late",
      commandId: "place-o-late",
      correlationId: "x",
    };
    const record = { messageId: "m-2", body: JSON.stringify(command) };
    expect(await flow.flows.intake.consumer([record])).toEqual({
      batchItemFailures: [{ itemIdentifier: "m-2" }],
    });
    expect(flow.alerts.published).toHaveLength(0);

    await flow.api.placeOrder({ ...body, orderId: "o-late" });
    expect(await flow.flows.intake.consumer([record])).toEqual({ batchItemFailures: [] });
    expect((await flow.api.getOrder("o-late")).status).toBe("VALIDATED");
  });

  it("arriving a few milliseconds before its order is recorded, looks again instead of failing", async () => {
    const flow = createInMemoryOrderflow();
    const command = {
      type: "ValidateOrder",
      orderId: "o-soon",
      commandId: "place-o-soon",
      correlationId: "x",
    };
    const placing = new Promise((resolve) => setTimeout(resolve, 20)).then(() =>
      flow.api.placeOrder({ ...body, orderId: "o-soon" }),
    );
    const result = await flow.flows.intake.consumer([{ messageId: "m-3", body: JSON.stringify(command) }]);
    await placing;
    expect(result).toEqual({ batchItemFailures: [] });
    expect((await flow.api.getOrder("o-soon")).status).toBe("VALIDATED");
  });

  it("is sent before the order is recorded: an order that could not be recorded is not placed, and nothing waits for it", async () => {
    const flow = createInMemoryOrderflow();
    const save = flow.orders.save.bind(flow.orders);
    flow.orders.save = async () => {
      throw new Error("table unavailable");
    };
    await expect(flow.api.placeOrder({ ...body, orderId: "o-lost" })).rejects.toThrow("table unavailable");
    flow.orders.save = save;
    // The request is on the queue; the retry of the placement records the order, and the queue's retries find it.
    await flow.api.placeOrder({ ...body, orderId: "o-lost" });
    const report = await flow.drain();
    expect(report.deadLettered).toMatchObject({ "orderflow-intake-dlq.fifo": 0 });
    expect((await flow.api.getOrder("o-lost")).status).toBe("CONFIRMED");
  });
});
