import { describe, expect, it } from "vitest";
import { orderIdForKey } from "../../../../src/entrypoints/http/order-api.js";
import { createInMemoryOrderflow, ManualClock, ScriptedPaymentGateway } from "../../../../src/memory.js";
import { ServiceUnavailableError } from "../../../../src/ports/errors.js";

const body = {
  customerId: "c-1",
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 1, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua Secreta, 42", city: "São Paulo", postalCode: "01000-000", country: "BR" },
};

describe("an Idempotency-Key without an orderId", () => {
  it("names one order whatever fails between attempts", async () => {
    const flow = createInMemoryOrderflow();
    // The first attempt sends its command, then fails to record the order.
    const save = flow.orders.save.bind(flow.orders);
    let failSave = true;
    flow.orders.save = async (order, expected) => {
      if (failSave) {
        failSave = false;
        throw new ServiceUnavailableError("orders");
      }
      return save(order, expected);
    };
    await expect(flow.api.placeOrder(body, { idempotencyKey: "retry-me" })).rejects.toMatchObject({
      code: "SERVICE_UNAVAILABLE",
    });
    const retried = await flow.api.placeOrder(body, { idempotencyKey: "retry-me" });
    expect(retried.orderId).toBe(orderIdForKey("retry-me"));
    await flow.drain();
    const placed = (await flow.orders.listByCustomer("c-1")).items;
    expect(placed.map((order) => order.orderId)).toEqual([retried.orderId]);
    expect(placed[0]?.status).toBe("CONFIRMED");
  });

  it("derives ids that match the contract's pattern and differ per key", () => {
    expect(orderIdForKey("a")).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(orderIdForKey("a")).not.toBe(orderIdForKey("b"));
  });
});

describe("a cancel while a payment's outcome is unknown", () => {
  it("records the refund when the retried processing finds the charge succeeded, and issues it", async () => {
    const payments = new ScriptedPaymentGateway();
    const flow = createInMemoryOrderflow({ payments });
    await flow.api.placeOrder({ ...body, orderId: "o-race" });
    await flow.drain({ only: ["intake"] });

    // The charge succeeds, but the settle write fails once: the record is retried later.
    let failSettle = true;
    const save = flow.orders.save.bind(flow.orders);
    flow.orders.save = async (order, expected) => {
      if (failSettle && order.snapshot().payment) {
        failSettle = false;
        throw new ServiceUnavailableError("orders");
      }
      return save(order, expected);
    };
    await flow.drain({ only: ["processing"], maxBatches: 1 });
    expect((await flow.api.getOrder("o-race")).status).toBe("PAYMENT_PENDING");

    // Meanwhile the customer cancels; then the processing retry runs.
    await flow.api.cancelOrder("o-race", { reason: "changed my mind" });
    await flow.drain({ only: ["cancel"] });
    expect((await flow.api.getOrder("o-race")).status).toBe("CANCELLED");
    await flow.drain();

    const order = await flow.api.getOrder("o-race");
    expect(order.status).toBe("CANCELLED");
    expect(order.refund).toEqual({ amount: 3490, currency: "BRL", status: "REFUNDED" });
    expect(order).not.toHaveProperty("refundOwed");
    expect(payments.succeededCharges).toHaveLength(1);
    expect(flow.events("OrderRefundRequired")).toHaveLength(1);
    expect(payments.refunds.map((refund) => refund.request.amount)).toEqual([3490]);
    expect(flow.events("OrderRefunded")).toHaveLength(1);
  });
});

describe("modification requests arriving out of order", () => {
  it("apply the latest request and refuse an older one that arrives after it", async () => {
    const clock = new ManualClock();
    const flow = createInMemoryOrderflow({ clock });
    await flow.api.placeOrder({ ...body, orderId: "o-mod" });
    await flow.drain({ only: ["intake"] });

    const older = { items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 2, unitPrice: 3490 }] };
    const newer = { items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 3, unitPrice: 3490 }] };
    await flow.api.modifyOrder("o-mod", older);
    clock.advance(1_000);
    await flow.api.modifyOrder("o-mod", newer);

    // The standard queue delivers the newer request first.
    const modifyQueue = flow.flows.modify.queue;
    const [first, second] = modifyQueue.receive({ max: 10 });
    await flow.flows.modify.consumer([modifyQueue.toSqsRecord(second!)]);
    await flow.flows.modify.consumer([modifyQueue.toSqsRecord(first!)]);

    const order = await flow.api.getOrder("o-mod");
    expect(order.items[0]?.quantity).toBe(3);
    expect(order.lastRejectedRequest?.reasons[0]?.code).toBe("MODIFICATION_SUPERSEDED");
  });
});

describe("alerts about malformed messages", () => {
  it("never carry the message body, which may hold an address", async () => {
    const flow = createInMemoryOrderflow();
    const hostile = JSON.stringify({
      type: "PlaceOrder",
      commandId: "c",
      correlationId: "x",
      order: { ...body, currency: 7 },
    });
    await flow.flows.intake.queue.send([{ body: hostile, groupId: "g", deduplicationId: "d" }]);
    await flow.drain();
    const alerts = JSON.stringify(flow.alerts.published);
    expect(alerts).toContain("MALFORMED_MESSAGE");
    expect(alerts).not.toContain("Rua Secreta");
  });
});
