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
  it("are one per step: the API, the intake consumer and the processing consumer", async () => {
    const { flow, reads } = countingFlow();
    await flow.api.placeOrder({ ...body, orderId: "o-1" });
    expect(reads.count).toBe(1);

    await flow.drain({ only: ["intake"] });
    expect(reads.count).toBe(2);
    expect((await flow.api.getOrder("o-1")).status).toBe("VALIDATED");

    reads.count = 0;
    await flow.drain({ only: ["processing"] });
    expect(reads.count).toBe(1);
    expect((await flow.api.getOrder("o-1")).status).toBe("CONFIRMED");
  });

  it("are one for a command the API never recorded (a batch file's order)", async () => {
    const { flow, reads } = countingFlow();
    await flow.services.intakeQueue.send([
      {
        id: "cmd-1",
        body: JSON.stringify({
          type: "PlaceOrder",
          commandId: "file-cmd-1",
          correlationId: "file-1",
          order: { ...body, orderId: "o-file" },
        }),
        groupId: "o-file",
        deduplicationId: "file-cmd-1",
      },
    ]);
    await flow.drain({ only: ["intake"] });
    expect(reads.count).toBe(1);
    expect((await flow.api.getOrder("o-file")).status).toBe("VALIDATED");
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

  it("skip the copy of the order in a message the stored order already applied", async () => {
    const { flow } = countingFlow();
    await flow.api.placeOrder({ ...body, orderId: "o-2" });
    await flow.api.placeOrder({ ...body, orderId: "o-3" });
    const queue = flow.flows.intake.queue;
    const [first, second] = queue.receive({ max: 2 }).map((message) => queue.toSqsRecord(message));
    const command = JSON.parse(first!.body);
    const result = await flow.consumers.validateOrder([
      // The command redelivered with its copy of the order emptied, and without its attributes:
      // the body names the command, and the stored order decides.
      { ...first!, body: JSON.stringify({ ...command, order: { orderId: "o-2" } }), messageAttributes: {} },
      // Its FIFO and message attributes name an applied command: the body is not even read.
      { ...second!, body: "{ not JSON" },
    ]);
    expect(result.batchItemFailures).toEqual([]);
    expect((await flow.api.getOrder("o-2")).status).toBe("VALIDATED");
    expect((await flow.api.getOrder("o-3")).status).toBe("VALIDATED");
    expect(flow.alerts.published).toHaveLength(0);
  });

  it("read the body when the attributes name a command the order has not applied", async () => {
    const { flow } = countingFlow();
    await flow.api.placeOrder({ ...body, orderId: "o-4" });
    const queue = flow.flows.intake.queue;
    const [record] = queue.receive({ max: 1 }).map((message) => queue.toSqsRecord(message));
    const result = await flow.consumers.validateOrder([
      {
        ...record!,
        body: "{ not JSON",
        attributes: { ...record!.attributes, MessageDeduplicationId: "never-applied" },
      },
    ]);
    expect(result.batchItemFailures).toEqual([]);
    expect(flow.alerts.published).toHaveLength(1);
    expect(flow.alerts.published[0]?.message).toContain("INVALID_JSON");
    expect((await flow.api.getOrder("o-4")).status).toBe("RECEIVED");
  });
});
