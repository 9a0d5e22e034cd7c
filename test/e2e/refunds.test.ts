import { describe, expect, it } from "vitest";
import type { Order, OrderSnapshot } from "../../src/domain/order.js";
import type { OrderRepository } from "../../src/domain/ports.js";
import {
  createInMemoryOrderflow,
  type InMemoryOrderflowOptions,
  type ScriptedRefundOutcome,
} from "../../src/memory.js";
import { ServiceUnavailableError } from "../../src/ports/errors.js";

/**
 * Every path that owes money ends with the money given back: the refund is
 * issued through the payment gateway (at most once per order, never more than
 * was charged), the order records it REFUNDED with an `OrderRefunded` event, and
 * `GET /orders/{id}` shows it. A gateway that fails for a while is retried; one
 * that refuses leaves the refund OWED, alerts, dead-letters the message, and a
 * redrive once it recovers issues the refund.
 */

const order = {
  customerId: "c-1",
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 2, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
};
const TOTAL = 6980;

type Flow = ReturnType<typeof createInMemoryOrderflow>;

/** A path on which an order ends CANCELLED owing what it was charged; `script` runs before the refund is asked. */
interface OwingPath {
  readonly name: string;
  run(flow: Flow, script: (orderId: string) => void): Promise<string>;
}

const PATHS: readonly OwingPath[] = [
  {
    name: "a cancel after payment (confirmed order)",
    async run(flow, script) {
      const { orderId } = await flow.api.placeOrder(order);
      script(orderId);
      await flow.drain();
      expect((await flow.api.getOrder(orderId)).status).toBe("CONFIRMED");
      await flow.api.cancelOrder(orderId, { reason: "changed my mind" });
      await flow.drain();
      return orderId;
    },
  },
  {
    name: "a payment that lands after a cancel",
    async run(flow, script) {
      const { orderId } = await flow.api.placeOrder(order);
      script(orderId);
      await flow.drain({ only: ["intake"] });
      // The charge is taken and in flight while the order is cancelled; its answer lands afterwards.
      flow.payments.hold();
      const processing = flow.drain({ only: ["processing"] });
      await flow.payments.whenHeld(1);
      await flow.api.cancelOrder(orderId, { reason: "too slow" });
      await flow.drain({ only: ["cancel"] });
      expect((await flow.orders.get(orderId))?.order.snapshot().payment).toBeUndefined();
      flow.payments.release();
      await processing;
      await flow.drain();
      return orderId;
    },
  },
];

async function snapshotOf(flow: Flow, orderId: string): Promise<OrderSnapshot> {
  return (await flow.orders.get(orderId))!.order.snapshot();
}

/** The money invariants of one order: one charge at most; refunds only of it, at most once, never more. */
async function expectRefundedOnce(flow: Flow, orderId: string): Promise<void> {
  const charges = flow.payments.succeededCharges.filter((charge) => charge.request.orderId === orderId);
  const refunds = flow.payments.refunds.filter((refund) => refund.request.orderId === orderId);
  expect(charges).toHaveLength(1);
  expect(refunds).toHaveLength(1);
  const charge = charges[0]!;
  const refund = refunds[0]!;
  expect(refund.request).toMatchObject({
    paymentId: charge.result.status === "SUCCEEDED" ? charge.result.paymentId : "",
    amount: charge.request.amount,
    currency: charge.request.currency,
    idempotencyKey: `refund-${orderId}`,
  });

  const stored = await snapshotOf(flow, orderId);
  expect(stored.status).toBe("CANCELLED");
  expect(stored.refund).toEqual({
    amount: TOTAL,
    currency: "BRL",
    paymentId: refund.request.paymentId,
    status: "REFUNDED",
    refundId: refund.refundId,
  });
  const refunded = flow.events("OrderRefunded").filter((event) => event.orderId === orderId);
  expect(refunded).toHaveLength(1);
  expect(refunded[0]!.data).toEqual({
    amount: TOTAL,
    currency: "BRL",
    paymentId: refund.request.paymentId,
    refundId: refund.refundId,
  });

  const view = await flow.api.getOrder(orderId);
  expect(view.refund).toEqual({ amount: TOTAL, currency: "BRL", status: "REFUNDED" });
  expect(view).not.toHaveProperty("refundOwed");
}

function refusedAlerts(flow: Flow, orderId: string) {
  return flow.alerts.published.filter(
    (alert) => alert.attributes?.kind === "REFUND_REFUSED" && alert.attributes?.orderId === orderId,
  );
}

/** A `decorate` option whose order store fails (as an outage) the saves `fails` picks. */
function failingSave(fails: (order: Order) => boolean) {
  return <T extends object>(name: string, port: T): T => {
    if (name !== "orders") return port;
    const orders = port as unknown as OrderRepository;
    const save: OrderRepository["save"] = async (order, expectedVersion) => {
      if (fails(order)) throw new ServiceUnavailableError("orders");
      return orders.save(order, expectedVersion);
    };
    return new Proxy(orders, {
      get: (target, key) => (key === "save" ? save : Reflect.get(target, key, target)),
    }) as unknown as T;
  };
}

/** True for the first order `matches` picks (counted by `count`), false for every other. */
function once(count: () => void, matches: (order: Order) => boolean) {
  let done = false;
  return (order: Order): boolean => {
    if (done || !matches(order)) return false;
    done = true;
    count();
    return true;
  };
}

const flowWith = (options: InMemoryOrderflowOptions = {}) =>
  createInMemoryOrderflow({ maxReceiveCount: 3, ...options });

describe("refunds: every path that owes money ends REFUNDED", () => {
  for (const path of PATHS) {
    describe(path.name, () => {
      it("issues the refund once, records it REFUNDED with OrderRefunded, and shows it", async () => {
        const flow = flowWith();
        const orderId = await path.run(flow, () => undefined);

        await expectRefundedOnce(flow, orderId);
        expect(await flow.drain()).toMatchObject({ failures: 0 });
        expect(flow.flows.refunds.deadLetterQueue.size).toBe(0);
      });

      it("refunds once when every message is delivered twice", async () => {
        const flow = flowWith({ duplicateDeliveryRate: 1 });
        const orderId = await path.run(flow, () => undefined);

        await expectRefundedOnce(flow, orderId);
      });

      it("retries a gateway that fails transiently, then refunds exactly once", async () => {
        const flow = flowWith();
        const outage: ScriptedRefundOutcome = { fail: new ServiceUnavailableError("payments") };
        const orderId = await path.run(flow, (id) => flow.payments.scriptRefund(id, outage, outage));

        await expectRefundedOnce(flow, orderId);
        expect(refusedAlerts(flow, orderId)).toEqual([]);
        expect(flow.flows.refunds.deadLetterQueue.size).toBe(0);
      });

      it("keeps a refused refund OWED, alerts, dead-letters it, and a redrive after recovery refunds it", async () => {
        const flow = flowWith();
        const refusal: ScriptedRefundOutcome = { refuse: "payment under review" };
        const orderId = await path.run(flow, (id) =>
          flow.payments.scriptRefund(id, refusal, refusal, refusal),
        );

        const owed = await snapshotOf(flow, orderId);
        expect(owed.refund).toMatchObject({ amount: TOTAL, currency: "BRL", status: "OWED" });
        expect(owed.refundOwed).toEqual({
          amount: TOTAL,
          currency: "BRL",
          paymentId: owed.payment!.paymentId,
        });
        const view = await flow.api.getOrder(orderId);
        expect(view.refund).toEqual({ amount: TOTAL, currency: "BRL", status: "OWED" });
        expect(view.refundOwed).toEqual(owed.refundOwed);
        expect(flow.payments.refunds).toEqual([]);
        expect(flow.events("OrderRefunded")).toEqual([]);
        expect(refusedAlerts(flow, orderId)).toHaveLength(3);
        expect(JSON.parse(refusedAlerts(flow, orderId)[0]!.message)).toMatchObject({
          kind: "REFUND_REFUSED",
          severity: "ERROR",
        });
        expect(flow.flows.refunds.deadLetterQueue.size).toBe(1);

        // The gateway recovered (its script is spent): the operator redrives the dead-letter queue.
        expect(await flow.flows.refunds.deadLetterQueue.redrive()).toBe(1);
        await flow.drain();

        await expectRefundedOnce(flow, orderId);
        expect(flow.flows.refunds.deadLetterQueue.size).toBe(0);
      });
    });
  }

  it("owes nothing when an unpaid order is cancelled: the refunds flow reads nothing and refunds nothing", async () => {
    const flow = flowWith();
    const { orderId } = await flow.api.placeOrder(order);
    await flow.api.cancelOrder(orderId, { reason: "before validation" });
    await flow.drain({ only: ["cancel"] });
    await flow.drain();

    const stored = await snapshotOf(flow, orderId);
    expect(stored.status).toBe("CANCELLED");
    expect(stored.refund).toBeUndefined();
    expect(flow.payments.refunds).toEqual([]);
    expect((await flow.api.getOrder(orderId)).refund).toBeUndefined();
  });

  it("repairs a crash between the gateway's refund and its record: the retry records the same refund, none is issued twice", async () => {
    let failed = 0;
    const flow = flowWith({
      decorate: failingSave(
        once(
          () => failed++,
          (order) => order.snapshot().refund?.status === "REFUNDED",
        ),
      ),
    });
    const orderId = await PATHS[0]!.run(flow, () => undefined);

    expect(failed).toBe(1);
    await expectRefundedOnce(flow, orderId);
  });

  it("cannot owe money when the confirmation's write fails after the charge: the retry confirms on the same payment", async () => {
    // Recording the payment and confirming are one write: if it fails, the order is still
    // PAYMENT_PENDING, and the retried message asks the gateway again under the same key (the
    // same payment, no second charge) and confirms. No money is taken from an order that is not
    // confirmed, so none is owed back.
    let failed = 0;
    const flow = flowWith({
      decorate: failingSave(
        once(
          () => failed++,
          (order) => order.status === "CONFIRMED",
        ),
      ),
    });
    const { orderId } = await flow.api.placeOrder(order);
    const report = await flow.drain();

    expect(failed).toBe(1);
    expect(report.failures).toBeGreaterThanOrEqual(1);
    const stored = await snapshotOf(flow, orderId);
    expect(stored.status).toBe("CONFIRMED");
    expect(stored.refund).toBeUndefined();
    expect(flow.payments.succeededCharges).toHaveLength(1);
    expect(flow.payments.refunds).toEqual([]);
  });
});
