import { expect, it } from "vitest";
import { InMemoryLogger } from "../../../src/adapters/memory/in-memory-logger.js";
import { ScriptedPaymentGateway } from "../../../src/adapters/memory/scripted-payment-gateway.js";
import { PostgresOrderflow } from "../../../src/entrypoints/postgres/postgres-orderflow.js";
import { ServiceUnavailableError } from "../../../src/ports/errors.js";
import { SCENARIO_PRODUCTS } from "../../support/order-lifecycle-scenario.js";
import { usePostgresEngines } from "../../support/postgres-engines.js";

// The end-to-end scenarios of the in-memory pipeline that need more than the
// order lifecycle (test/e2e: refunds, notifications, metrics, the store), on
// orderflow as a service on PostgreSQL, on PGlite and on a real server.

const address = { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" };
const sku = SCENARIO_PRODUCTS[0]!;

function placement(orderId: string, customerId = "c-scenarios") {
  return {
    orderId,
    customerId,
    currency: "BRL",
    items: [{ sku: sku.sku, quantity: 2, unitPrice: sku.unitPrice }],
    shippingAddress: address,
  };
}

for (const engine of usePostgresEngines()) {
  engine.describe("end-to-end scenarios on PostgreSQL", (db) => {
    const start = (payments = new ScriptedPaymentGateway()) =>
      PostgresOrderflow.create({
        connection: db.client(),
        products: SCENARIO_PRODUCTS,
        payments,
        logger: new InMemoryLogger(),
        maxReceiveCount: 3,
      });

    it("a cancel after payment ends REFUNDED once, through a gateway that fails for a while", async () => {
      const payments = new ScriptedPaymentGateway();
      const flow = await start(payments);
      const outage = { fail: new ServiceUnavailableError("payments") };
      payments.scriptRefund("pg-refund-transient", outage, outage);
      await flow.api.placeOrder(placement("pg-refund-transient"));
      await flow.drain();
      await flow.api.cancelOrder("pg-refund-transient", { reason: "changed my mind" });
      await flow.drain();

      const view = await flow.api.getOrder("pg-refund-transient");
      expect(view).toMatchObject({
        status: "CANCELLED",
        refund: { amount: 2 * sku.unitPrice, status: "REFUNDED" },
      });
      expect(payments.refunds.filter((r) => r.request.orderId === "pg-refund-transient")).toHaveLength(1);
      expect(await flow.flows.refunds!.deadLetterQueue.size()).toBe(0);
    });

    it("a refused refund stays OWED, alerts, dead-letters; a redrive after recovery refunds it", async () => {
      const payments = new ScriptedPaymentGateway();
      const flow = await start(payments);
      const refusal = { refuse: "payment under review" };
      payments.scriptRefund("pg-refund-refused", refusal, refusal, refusal);
      await flow.api.placeOrder(placement("pg-refund-refused"));
      await flow.drain();
      await flow.api.cancelOrder("pg-refund-refused", { reason: "changed my mind" });
      await flow.drain();

      expect((await flow.api.getOrder("pg-refund-refused")).refund).toMatchObject({ status: "OWED" });
      const alerts = await flow.adapters.alerts.recent({ kind: "REFUND_REFUSED" });
      expect(alerts.filter((a) => a.attributes?.orderId === "pg-refund-refused")).toHaveLength(3);
      const refunds = flow.flows.refunds!;
      expect(await refunds.deadLetterQueue.size()).toBe(1);

      expect(await refunds.deadLetterQueue.redrive()).toBe(1);
      await flow.drain();
      expect((await flow.api.getOrder("pg-refund-refused")).refund).toMatchObject({ status: "REFUNDED" });
      expect(await refunds.deadLetterQueue.size()).toBe(0);
    });

    it("a notification posted is stored and DELIVERED, listed by user; an order's outcome notifies its customer", async () => {
      const flow = await start();
      const accepted = await flow.http.notifications.accept({
        userId: "pg-user",
        message: "Olá ✅",
        priority: "high",
      });
      await flow.api.placeOrder(placement("pg-notified", "pg-user"));
      await flow.drain();

      expect(await flow.http.notifications.get(accepted.notificationId)).toMatchObject({
        status: "DELIVERED",
        priority: "high",
      });
      const listed = await flow.http.notifications.listForUser("pg-user", {});
      expect(listed.notifications.map((n) => n.orderId)).toContain("pg-notified");
      expect(listed.notifications.every((n) => n.status === "DELIVERED")).toBe(true);
    });

    it("counts each completed order once in the business metrics", async () => {
      const flow = await start();
      const now = new Date();
      const query = {
        from: `${now.toISOString().slice(0, 10)}T00:00:00Z`,
        to: new Date(now.getTime() + 86_400_000).toISOString(),
        granularity: "day",
      };
      const today = async () => {
        const [bucket] = (await flow.http.metrics.get(query)).buckets;
        return {
          confirmed: bucket?.orders.confirmed ?? 0,
          revenue: bucket?.revenue.BRL ?? 0,
          quantity: bucket?.quantities[sku.sku] ?? 0,
        };
      };
      const before = await today();
      for (const id of ["pg-metrics-1", "pg-metrics-2"]) await flow.api.placeOrder(placement(id));
      await flow.drain();
      const after = await today();
      expect({
        confirmed: after.confirmed - before.confirmed,
        revenue: after.revenue - before.revenue,
        quantity: after.quantity - before.quantity,
      }).toEqual({ confirmed: 2, revenue: 4 * sku.unitPrice, quantity: 4 });
    });

    it("a closed store answers so at GET /store; a capacity is kept", async () => {
      const flow = await start();
      expect(await flow.http.store.change({ open: false, capacity: 3 })).toMatchObject({
        open: false,
        capacity: 3,
      });
      expect(await flow.adapters.storeSettings.get()).toMatchObject({ open: false, capacity: 3 });
      await flow.http.store.change({ open: true });
    });
  });
}
