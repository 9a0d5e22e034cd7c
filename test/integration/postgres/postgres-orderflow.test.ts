import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ManualClock } from "../../../src/adapters/memory/clocks.js";
import { InMemoryLogger } from "../../../src/adapters/memory/in-memory-logger.js";
import { ScriptedPaymentGateway } from "../../../src/adapters/memory/scripted-payment-gateway.js";
import type { SqlClient } from "../../../src/adapters/postgres/sql-client.js";
import { validateOrderQueueMessage } from "../../../src/domain/commands.js";
import { PostgresOrderflow } from "../../../src/entrypoints/postgres/postgres-orderflow.js";
import { SCENARIO_PRODUCTS } from "../../support/order-lifecycle-scenario.js";
import { usePostgresEngines } from "../../support/postgres-engines.js";

// orderflow as a service on PostgreSQL: the API and every flow's consumer over
// the family's adapters, its workers reading the queue table, on PGlite and on
// a real server.

const address = { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" };

function placement(orderId: string, sku = SCENARIO_PRODUCTS[0]!.sku) {
  return {
    orderId,
    customerId: "c-1",
    currency: "BRL",
    items: [{ sku, quantity: 1, unitPrice: SCENARIO_PRODUCTS[0]!.unitPrice }],
    shippingAddress: address,
  };
}

/** The client, counting the statements sent through it. */
function counting(client: SqlClient): SqlClient & { readonly statements: () => number } {
  let statements = 0;
  const wrap = (inner: SqlClient): SqlClient => ({
    query: (text, params) => {
      statements++;
      return inner.query(text, params);
    },
    transaction: (work) => inner.transaction((tx) => work(wrap(tx))),
    close: () => inner.close(),
  });
  return Object.assign(wrap(client), { statements: () => statements });
}

for (const engine of usePostgresEngines()) {
  engine.describe("orderflow on PostgreSQL", (db) => {
    it("takes orders from the API to their outcomes through the queue table, nothing dead-lettered", async () => {
      const payments = new ScriptedPaymentGateway().script("pg-declined", { decline: "insufficient funds" });
      const logger = new InMemoryLogger();
      const flow = await PostgresOrderflow.create({
        connection: db.client(),
        products: SCENARIO_PRODUCTS,
        payments,
        logger,
      });
      await flow.api.placeOrder(placement("pg-confirmed"));
      await flow.api.placeOrder(placement("pg-declined"));
      await flow.api.placeOrder(placement("pg-rejected", "NO-SUCH-SKU"));
      await flow.drain();
      await flow.api.cancelOrder("pg-confirmed", { reason: "changed my mind" });
      await flow.drain();

      expect((await flow.api.getOrder("pg-confirmed")).status).toBe("CANCELLED");
      expect((await flow.api.getOrder("pg-declined")).status).toBe("PAYMENT_FAILED");
      expect(await flow.api.getOrder("pg-rejected")).toMatchObject({
        status: "REJECTED",
        reasons: [expect.objectContaining({ code: "UNKNOWN_SKU" })],
      });
      expect(payments.refunds.map((refund) => refund.request.orderId)).toEqual(["pg-confirmed"]);
      expect(Object.values(await flow.deadLettered()).every((count) => count === 0)).toBe(true);
      const notified = await flow.adapters.notifications.listByUser("c-1");
      expect(notified.items.map((n) => n.status)).toContain("DELIVERED");
    });

    it("keeps a batch hidden while its consumer works past the visibility timeout: no other worker takes it", async () => {
      // A gateway that answers after 3.5 s, over three visibility timeouts of 1 s: without the renewal the
      // other worker would receive the processing message again and charge a second time.
      const inner = new ScriptedPaymentGateway();
      let charges = 0;
      const slow = {
        async charge(request: Parameters<ScriptedPaymentGateway["charge"]>[0]) {
          charges++;
          await new Promise((done) => setTimeout(done, 3_500));
          return inner.charge(request);
        },
        refund: (request: Parameters<ScriptedPaymentGateway["refund"]>[0]) => inner.refund(request),
      };
      const flow = await PostgresOrderflow.create({
        connection: db.client(),
        products: SCENARIO_PRODUCTS,
        payments: slow,
        visibilityTimeoutSeconds: 1,
        workers: 2,
        pollIntervalMs: 20,
        maxPollIntervalMs: 20,
        logger: new InMemoryLogger(),
      });
      flow.start();
      try {
        await flow.api.placeOrder(placement("pg-slow"));
        await expect
          .poll(async () => (await flow.api.getOrder("pg-slow")).status, { timeout: 20_000 })
          .toBe("CONFIRMED");
        expect(charges).toBe(1);
      } finally {
        await flow.stop();
      }
    }, 30_000);

    it("serves the HTTP API: POST /orders answers 202, GET /orders/{id} the order once the workers took it", async () => {
      const flow = await PostgresOrderflow.create({ connection: db.client(), products: SCENARIO_PRODUCTS });
      const server = await flow.listen({ port: 0 });
      flow.start();
      try {
        const placed = await fetch(`${server.url}/orders`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(placement("pg-http")),
        });
        expect(placed.status).toBe(202);
        let status = "";
        for (let i = 0; i < 200 && status !== "CONFIRMED"; i++) {
          await new Promise((next) => setTimeout(next, 25));
          status = ((await (await fetch(`${server.url}/orders/pg-http`)).json()) as { status: string })
            .status;
        }
        expect(status).toBe("CONFIRMED");
        expect((await fetch(`${server.url}/orders`, { method: "POST", body: "{" })).status).toBe(415);
      } finally {
        await flow.close();
      }
    });

    it("runs the order workflow in process: confirmed, then fulfilled by the operator; refused while the store is closed", async () => {
      const flow = await PostgresOrderflow.create({
        connection: db.client(),
        products: SCENARIO_PRODUCTS,
        orchestration: "workflow",
      });
      await flow.api.placeOrder(placement("pg-wf-fulfilled"));
      await flow.drain();
      expect((await flow.api.getOrder("pg-wf-fulfilled")).status).toBe("CONFIRMED");
      await flow.api.fulfilOrder("pg-wf-fulfilled");
      await flow.drain();
      expect((await flow.api.getOrder("pg-wf-fulfilled")).status).toBe("FULFILLED");
      expect(await flow.workflows?.finished("pg-wf-fulfilled")).toMatchObject({
        outcome: { succeeded: true },
      });

      await flow.adapters.storeSettings.update({ open: false });
      await flow.api.placeOrder(placement("pg-wf-closed"));
      await flow.drain();
      expect(await flow.api.getOrder("pg-wf-closed")).toMatchObject({
        status: "REJECTED",
        reasons: [expect.objectContaining({ code: "STORE_CLOSED" })],
      });
      await flow.adapters.storeSettings.update({ open: true });
    });

    it("takes a batch file from the files folder to its orders, recording its history", async () => {
      const filesDir = mkdtempSync(join(tmpdir(), "orderflow-files-"));
      try {
        const flow = await PostgresOrderflow.create({
          connection: db.client(),
          products: SCENARIO_PRODUCTS,
          filesDir,
        });
        const lines = [
          placement("pg-file-1"),
          { ...placement("pg-file-bad"), items: [] },
          placement("pg-file-2"),
        ];
        await flow.upload("orders.jsonl", lines.map((line) => JSON.stringify(line)).join("\n"));
        await flow.drain();
        expect((await flow.api.getOrder("pg-file-1")).status).toBe("CONFIRMED");
        expect((await flow.api.getOrder("pg-file-2")).status).toBe("CONFIRMED");
        const [record] = (await flow.adapters.fileHistory.list()).items;
        expect(record).toMatchObject({
          fileKey: "incoming/orders.jsonl",
          counts: { total: 3, valid: 2, invalid: 1 },
        });
        expect(record?.errors?.[0]).toMatchObject({ index: 1 });
      } finally {
        rmSync(filesDir, { recursive: true, force: true });
      }
    });

    it("maintenance forgets event ids past their retention, expired deduplication ids and idempotency keys", async () => {
      const clock = new ManualClock();
      const flow = await PostgresOrderflow.create({
        connection: db.client(),
        products: SCENARIO_PRODUCTS,
        clock,
      });
      await flow.api.placeOrder(placement("pg-maintained"), { idempotencyKey: "pg-maintained-key" });
      await flow.drain();
      expect((await flow.api.getOrder("pg-maintained")).status).toBe("CONFIRMED");

      clock.advance(15 * 86_400_000);
      const removed = await flow.maintain();
      expect(removed.routedEventIds).toBeGreaterThanOrEqual(3);
      expect(removed.countedEventIds).toBeGreaterThanOrEqual(1);
      expect(removed.deduplicationIds).toBeGreaterThanOrEqual(1);
      expect(removed.idempotencyKeys).toBeGreaterThanOrEqual(1);
      expect(await flow.maintain()).toEqual({
        routedEventIds: 0,
        countedEventIds: 0,
        deduplicationIds: 0,
        idempotencyKeys: 0,
        taskTokens: 0,
      });
    });

    it("keeps a validation request that found no order until the placement's retry records it", async () => {
      const clock = new ManualClock();
      const flow = await PostgresOrderflow.create({
        connection: db.client(),
        products: SCENARIO_PRODUCTS,
        clock,
        logger: new InMemoryLogger(),
      });
      // A placement that stopped (kill -9) between its validation request and its record.
      await flow.adapters.intakeQueue.send([
        validateOrderQueueMessage({
          type: "ValidateOrder",
          orderId: "pg-unrecorded",
          commandId: "place-pg-unrecorded",
          correlationId: "c-unrecorded",
        }),
      ]);
      await flow.drain({ timeoutMs: 500 });
      // Failed, the request waits for its visibility timeout rather than spending its receives at once.
      expect((await flow.deadLettered())["intake-dlq"]).toBe(0);
      clock.advance(30_000);
      await flow.drain({ timeoutMs: 500 });
      // The retry, once the key of the attempt that stopped has expired: the queue drops its request as
      // a duplicate, and the first one validates the order.
      await flow.api.placeOrder(placement("pg-unrecorded"), { idempotencyKey: "pg-unrecorded-key" });
      clock.advance(30_000);
      await flow.drain();
      expect((await flow.api.getOrder("pg-unrecorded")).status).toBe("CONFIRMED");
      expect(Object.values(await flow.deadLettered()).filter((n) => n > 0)).toEqual([]);
    });

    it("places and confirms an order in a handful of statements", async () => {
      const client = counting(db.client());
      const flow = await PostgresOrderflow.create({ connection: client, products: SCENARIO_PRODUCTS });
      await flow.drain();
      const before = client.statements();
      const orders = 20;
      for (let i = 0; i < orders; i++) await flow.api.placeOrder(placement(`pg-count-${i}`));
      await flow.drain();
      const perOrder = (client.statements() - before) / orders;
      expect((await flow.api.getOrder("pg-count-0")).status).toBe("CONFIRMED");
      console.log(`statements per order, API → CONFIRMED: ${perOrder.toFixed(1)}`);
      expect(perOrder).toBeGreaterThan(0);
    });
  });
}
