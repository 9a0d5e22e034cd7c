import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSamePlacement, Order, PROCESSED_COMMANDS_WINDOW } from "../../../src/domain/order.js";
import { ctx, newOrder } from "../../support/domain-fixtures.js";

const paidOrder = () => {
  const order = Order.place(newOrder(), ctx());
  order.validate([], ctx());
  order.startPayment(ctx());
  order.recordPaymentSuccess("pay-1", ctx());
  return order;
};

describe("Order", () => {
  it("is placed RECEIVED at version 1 with a computed total and an OrderPlaced event", () => {
    const order = Order.place(newOrder({ items: [{ sku: "SKU-1", quantity: 3, unitPrice: 1250 }] }), ctx());
    expect(order.status).toBe("RECEIVED");
    expect(order.version).toBe(1);
    expect(order.total).toBe(3750);
    const events = order.pullEvents();
    expect(events.map((e) => e.type)).toEqual(["OrderPlaced"]);
    expect(events[0]).toMatchObject({
      id: "o-1:1:0",
      orderId: "o-1",
      orderVersion: 1,
      correlationId: "corr-1",
    });
    expect(order.pullEvents()).toEqual([]);
  });

  it("is rejected with every reason, which the snapshot keeps", () => {
    const order = Order.place(newOrder(), ctx());
    const reasons = [
      { path: "items.0.sku", message: "unknown" },
      { path: "items.0.quantity", message: "no stock" },
    ];
    order.validate(reasons, ctx());
    expect(order.status).toBe("REJECTED");
    expect(order.snapshot().reasons).toEqual(reasons);
    expect(order.pullEvents().at(-1)).toMatchObject({ type: "OrderRejected", data: { reasons } });
  });

  it("goes through payment to confirmation and fulfilment", () => {
    const order = paidOrder();
    order.confirm(ctx());
    order.fulfil(ctx());
    expect(order.status).toBe("FULFILLED");
    expect(order.version).toBe(6);
    expect(order.pullEvents().map((e) => e.type)).toEqual([
      "OrderPlaced",
      "OrderValidated",
      "OrderPaymentStarted",
      "OrderPaid",
      "OrderConfirmed",
      "OrderFulfilled",
    ]);
  });

  it("raises a coded error on an illegal transition", () => {
    const order = Order.place(newOrder(), ctx());
    expect(() => order.startPayment(ctx())).toThrowError(
      expect.objectContaining({ code: "ILLEGAL_TRANSITION" }),
    );
    try {
      order.confirm(ctx());
    } catch (error) {
      expect((error as { toJSON(): unknown }).toJSON()).toMatchObject({
        code: "ILLEGAL_TRANSITION",
        details: { orderId: "o-1", from: "RECEIVED", command: "confirm" },
      });
    }
  });

  it("records the refund owed when a paid order is cancelled", () => {
    const order = paidOrder();
    expect(order.cancel("changed my mind", ctx())).toBe("CANCELLED");
    expect(order.snapshot().refundOwed).toEqual({ amount: 2500, currency: "BRL", paymentId: "pay-1" });
    expect(order.pullEvents().at(-1)).toMatchObject({
      type: "OrderCancelled",
      data: { reason: "changed my mind", previousStatus: "PAID", refund: { amount: 2500 } },
    });
  });

  it("treats cancelling a cancelled order as a no-op", () => {
    const order = Order.place(newOrder(), ctx());
    order.cancel("first", ctx());
    const version = order.version;
    order.pullEvents();
    expect(order.cancel("again", ctx())).toBe("ALREADY_CANCELLED");
    expect(order.version).toBe(version);
    expect(order.pullEvents()).toEqual([]);
  });

  it("refuses to cancel a fulfilled order and records why", () => {
    const order = paidOrder();
    order.confirm(ctx());
    order.fulfil(ctx());
    expect(order.cancel("too late", ctx())).toBe("REFUSED");
    expect(order.status).toBe("FULFILLED");
    expect(order.snapshot().lastRejectedRequest).toMatchObject({ request: "cancel" });
    expect(order.pullEvents().at(-1)).toMatchObject({
      type: "CancellationRejected",
      data: { status: "FULFILLED" },
    });
  });

  it("records a refund when a payment lands after a cancel", () => {
    const order = Order.place(newOrder(), ctx());
    order.validate([], ctx());
    order.startPayment(ctx());
    order.cancel("raced", ctx());
    order.recordPaymentSuccess("pay-late", ctx());
    expect(order.status).toBe("CANCELLED");
    expect(order.snapshot().refundOwed).toEqual({ amount: 2500, currency: "BRL", paymentId: "pay-late" });
    expect(order.pullEvents().at(-1)).toMatchObject({ type: "OrderRefundRequired" });
  });

  it("records a refund OWED beside refundOwed, then REFUNDED once, with OrderRefunded", () => {
    const order = paidOrder();
    order.cancel("changed my mind", ctx());
    expect(order.snapshot().refund).toEqual({
      amount: 2500,
      currency: "BRL",
      paymentId: "pay-1",
      status: "OWED",
    });
    order.pullEvents();

    expect(order.recordRefund("refund-1", ctx())).toBe("REFUNDED");
    expect(order.status).toBe("CANCELLED");
    expect(order.snapshot().refund).toEqual({
      amount: 2500,
      currency: "BRL",
      paymentId: "pay-1",
      status: "REFUNDED",
      refundId: "refund-1",
    });
    // Nothing is owed any more: the compatibility field goes with the debt.
    expect(JSON.parse(JSON.stringify(order.snapshot())).refundOwed).toBeUndefined();
    expect(order.pullEvents()).toMatchObject([
      {
        type: "OrderRefunded",
        data: { amount: 2500, currency: "BRL", paymentId: "pay-1", refundId: "refund-1" },
      },
    ]);

    const version = order.version;
    expect(order.recordRefund("refund-2", ctx())).toBe("ALREADY_REFUNDED");
    expect(order.version).toBe(version);
    expect(order.snapshot().refund?.refundId).toBe("refund-1");
    expect(order.pullEvents()).toEqual([]);
  });

  it("records no refund on a cancelled order that owes none, and refuses one on an order not cancelled", () => {
    const unpaid = Order.place(newOrder(), ctx());
    unpaid.cancel("no money taken", ctx());
    const version = unpaid.version;
    expect(unpaid.recordRefund("refund-1", ctx())).toBe("NOTHING_OWED");
    expect(unpaid.version).toBe(version);

    expect(() => paidOrder().recordRefund("refund-1", ctx())).toThrowError(
      expect.objectContaining({ code: "ILLEGAL_TRANSITION" }),
    );
  });

  it("reads an order stored before refund existed (refundOwed only) as OWED, and refunds it", () => {
    const order = paidOrder();
    order.cancel("changed my mind", ctx());
    const { refund: _refund, ...legacy } = order.snapshot();
    const stored = Order.fromSnapshot(legacy);
    expect(stored.refund).toEqual({ amount: 2500, currency: "BRL", paymentId: "pay-1", status: "OWED" });
    expect(stored.recordRefund("refund-1", ctx())).toBe("REFUNDED");
    expect(stored.snapshot().refund?.status).toBe("REFUNDED");
  });

  it("never records a refund larger than the payment it gives back", () => {
    const order = paidOrder();
    order.cancel("changed my mind", ctx());
    const tampered = Order.fromSnapshot({
      ...order.snapshot(),
      refund: { amount: 2501, currency: "BRL", paymentId: "pay-1", status: "OWED" },
    });
    expect(() => tampered.recordRefund("refund-1", ctx())).toThrowError(
      expect.objectContaining({ code: "REFUND_EXCEEDS_PAYMENT" }),
    );
    expect(tampered.snapshot().refund?.status).toBe("OWED");
  });

  it("modifies before payment with old, new and changed", () => {
    const order = Order.place(newOrder(), ctx());
    order.validate([], ctx());
    const outcome = order.modify({ items: [{ sku: "SKU-1", quantity: 1, unitPrice: 1250 }] }, [], ctx());
    expect(outcome).toBe("MODIFIED");
    expect(order.total).toBe(1250);
    expect(order.status).toBe("VALIDATED");
    expect(order.pullEvents().at(-1)).toMatchObject({
      type: "OrderModified",
      data: { old: { total: 2500 }, new: { total: 1250 }, changed: ["items"] },
    });
  });

  it("refuses modification once payment has started, and when re-validation fails", () => {
    const order = Order.place(newOrder(), ctx());
    const issues = [{ path: "items.0.sku", message: "unknown" }];
    expect(order.modify({ items: [{ sku: "NOPE", quantity: 1, unitPrice: 1 }] }, issues, ctx())).toBe(
      "REFUSED",
    );
    expect(order.total).toBe(2500);
    order.validate([], ctx());
    order.startPayment(ctx());
    expect(order.modify({ shippingAddress: newOrder().shippingAddress }, [], ctx())).toBe("REFUSED");
    expect(order.pullEvents().filter((e) => e.type === "ModificationRejected")).toHaveLength(2);
  });

  it("answers UNCHANGED to a modification that changes nothing, publishing nothing but remembering the request", () => {
    const order = Order.place(newOrder(), ctx());
    order.pullEvents();
    const before = order.snapshot();
    const unchanged = ctx();
    expect(order.modify({ items: newOrder().items }, [], unchanged)).toBe("UNCHANGED");
    expect(order.pullEvents()).toEqual([]);
    expect(order.snapshot()).toMatchObject({ items: before.items, version: before.version + 1 });
    // Its redelivery, once the order was cancelled, is recognised: not answered a second time (refused).
    expect(order.hasProcessed(unchanged.commandId)).toBe(true);
  });

  it("remembers the commands it applied, and round-trips through its snapshot", () => {
    const placing = ctx({ commandId: "place-1" });
    const order = Order.place(newOrder(), placing);
    expect(order.hasProcessed("place-1")).toBe(true);
    const copy = Order.fromSnapshot(structuredClone(order.snapshot()));
    expect(copy.snapshot()).toEqual(order.snapshot());
    expect(copy.hasProcessed("place-1")).toBe(true);
  });

  it("writes its times exactly as Date.prototype.toISOString does", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -8.64e15, max: 8.64e15 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 999 }),
        (times, step) => {
          for (const time of times) {
            // Neighbours in the same second and across a second boundary.
            for (const at of [new Date(time), new Date(Math.min(time + step, 8.64e15))]) {
              const order = Order.place(newOrder(), ctx({ at }));
              expect(order.snapshot().createdAt).toBe(at.toISOString());
              expect(order.peekEvents()[0]!.occurredAt).toBe(at.toISOString());
            }
          }
        },
      ),
    );
    expect(() => Order.place(newOrder(), ctx({ at: new Date(Number.NaN) }))).toThrow(RangeError);
  });

  it("keeps fields it does not know and the last commands it applied when it changes a frozen snapshot", () => {
    const placed = Order.place(newOrder(), ctx()).snapshot();
    const earlier = Array.from({ length: PROCESSED_COMMANDS_WINDOW }, (_, i) => `old-${i}`);
    const stored = Object.freeze({
      ...placed,
      processedCommandIds: Object.freeze(earlier),
      legacyNote: "kept",
    });
    const order = Order.fromSnapshot(stored);
    order.validate([], ctx({ commandId: "validate-1" }));

    const next = order.snapshot() as typeof stored;
    expect(next).toMatchObject({ status: "VALIDATED", version: placed.version + 1, legacyNote: "kept" });
    expect(next.processedCommandIds).toHaveLength(PROCESSED_COMMANDS_WINDOW);
    expect(next.processedCommandIds[0]).toBe("old-1");
    expect(next.processedCommandIds.at(-1)).toBe("validate-1");
    expect(Object.keys(next).slice(0, 3)).toEqual(["orderId", "customerId", "currency"]);
    // The stored snapshot is untouched.
    expect(stored.version).toBe(placed.version);
    expect(stored.processedCommandIds).toEqual(earlier);
  });
});

describe("Order.awaitsPaymentOutcome", () => {
  it("is true while a started payment's outcome is unrecorded, even after a cancel", () => {
    const order = Order.place(newOrder(), ctx());
    order.validate([], ctx());
    expect(order.awaitsPaymentOutcome()).toBe(false);
    order.startPayment(ctx());
    expect(order.awaitsPaymentOutcome()).toBe(true);
    order.cancel("raced", ctx());
    expect(order.awaitsPaymentOutcome()).toBe(true);
    order.recordPaymentFailure("declined", ctx());
    expect(order.awaitsPaymentOutcome()).toBe(false);
    expect(order.snapshot().paymentFailure).toEqual({ reason: "declined" });
  });

  it("is false for an order cancelled before payment started", () => {
    const order = Order.place(newOrder(), ctx());
    order.cancel("early", ctx());
    expect(order.awaitsPaymentOutcome()).toBe(false);
  });
});

describe("isSamePlacement", () => {
  it("recognises a repeated placement and tells a clash of ids apart", () => {
    const order = Order.place(newOrder(), ctx());
    expect(isSamePlacement(order.snapshot(), newOrder())).toBe(true);
    expect(isSamePlacement(order.snapshot(), newOrder({ customerId: "c-other" }))).toBe(false);
    expect(
      isSamePlacement(
        order.snapshot(),
        newOrder({ items: [{ sku: "SKU-1", quantity: 3, unitPrice: 1250 }] }),
      ),
    ).toBe(false);
  });

  it("still recognises the original placement once a modification changed the order", () => {
    const order = Order.place(newOrder(), ctx());
    expect(order.snapshot().placementFingerprint).toBeUndefined();
    order.modify({ items: [{ sku: "SKU-2", quantity: 1, unitPrice: 990 }] }, [], ctx());
    expect(order.snapshot().placementFingerprint).toEqual(expect.any(String));
    expect(isSamePlacement(order.snapshot(), newOrder())).toBe(true);
    // The modified content was never placed by the client.
    expect(
      isSamePlacement(order.snapshot(), newOrder({ items: [{ sku: "SKU-2", quantity: 1, unitPrice: 990 }] })),
    ).toBe(false);
    const fingerprint = order.snapshot().placementFingerprint;
    order.modify({ shippingAddress: { ...newOrder().shippingAddress, line1: "Rua B, 2" } }, [], ctx());
    expect(order.snapshot().placementFingerprint).toBe(fingerprint);
  });

  it("does not depend on the key order of a stored snapshot's maps", () => {
    const stored = Order.place(newOrder(), ctx()).snapshot();
    const reversed = (value: object) => Object.fromEntries(Object.entries(value).reverse());
    const shuffled = {
      ...stored,
      items: stored.items.map(reversed),
      shippingAddress: reversed(stored.shippingAddress),
    } as unknown as typeof stored;
    expect(isSamePlacement(shuffled, newOrder())).toBe(true);
  });
});
