import { expect } from "vitest";
import type { Product } from "../../src/domain/business-rules.js";
import type { OrderflowEvent } from "../../src/domain/events.js";
import type { OrderStatus } from "../../src/domain/lifecycle.js";
import type { DrainedQueue, InMemoryOrderflow } from "../../src/entrypoints/in-memory/in-memory-orderflow.js";
import { InMemoryLogger } from "../../src/memory.js";
import { ServiceUnavailableError } from "../../src/ports/errors.js";
import type { OrderRepository } from "../../src/ports/order-repository.js";
import type { ProductCatalog } from "../../src/ports/product-catalog.js";

/**
 * Orders through the whole pipeline with everything that goes wrong in
 * production at once: invalid orders, repeated client requests, duplicate
 * deliveries, a bus that fails after the state was saved, payment outages and
 * declines, cancels and modifies interleaved before and after payment. Every
 * order must end in the state its scenario dictates, every event must be
 * applied once, and no message may be lost. Shared by the in-memory run and
 * the run on the AWS adapters against emulators.
 */

/** The catalog the scenario orders from; a flow with an injected catalog must hold these. */
export const SCENARIO_PRODUCTS: readonly Product[] = [
  { sku: "CAFE-ESPRESSO-250G", unitPrice: 3490, currency: "BRL", stock: 1_000_000 },
  { sku: "CAFE-COADO-500G", unitPrice: 4290, currency: "BRL", stock: 1_000_000 },
  { sku: "CANECA-CERAMICA-350ML", unitPrice: 5990, currency: "BRL", stock: 1_000_000 },
];

/** Receives before a message is dead-lettered in the in-memory run. */
export const SCENARIO_MAX_RECEIVE_COUNT = 5;

const address = { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" };

type Scenario =
  | "confirmed"
  | "rejected"
  | "declined"
  | "cancelled-before-payment"
  | "modified"
  | "bad-modification"
  | "cancelled-after-payment"
  | "late-modification"
  | "payment-outage"
  | "rejected-then-cancel";

const SCENARIOS: Scenario[] = [
  "confirmed",
  "rejected",
  "declined",
  "cancelled-before-payment",
  "modified",
  "bad-modification",
  "cancelled-after-payment",
  "late-modification",
  "payment-outage",
  "rejected-then-cancel",
];

const EXPECTED_STATUS: Record<Scenario, OrderStatus> = {
  confirmed: "CONFIRMED",
  rejected: "REJECTED",
  declined: "PAYMENT_FAILED",
  "cancelled-before-payment": "CANCELLED",
  modified: "CONFIRMED",
  "bad-modification": "CONFIRMED",
  "cancelled-after-payment": "CANCELLED",
  "late-modification": "CONFIRMED",
  "payment-outage": "CONFIRMED",
  "rejected-then-cancel": "REJECTED",
};

/** Publications the bus fails right after a save, for the outbox to repair. */
const BUS_FAILURES = 25;

/** A tiny seeded generator (mulberry32) so the run is the same every time. */
export function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function placement(index: number, scenario: Scenario) {
  const sku =
    scenario === "rejected" || scenario === "rejected-then-cancel" ? "NOT-IN-CATALOG" : "CAFE-ESPRESSO-250G";
  return {
    orderId: `order-${String(index).padStart(4, "0")}`,
    customerId: `customer-${index % 37}`,
    currency: "BRL",
    items: [
      { sku, quantity: 1 + (index % 3), unitPrice: 3490 },
      { sku: "CAFE-COADO-500G", quantity: 1, unitPrice: 4290 },
    ],
    shippingAddress: address,
  };
}

/** What the scenario uses of a pipeline: in memory, or with injected storage adapters and queues. */
export type ScenarioFlow = Pick<
  InMemoryOrderflow<OrderRepository, ProductCatalog>,
  "api" | "bus" | "deadLetterQueues" | "drain" | "events" | "logger" | "orders" | "payments"
> & { readonly flows: Readonly<Record<string, DrainedQueue>> };

/**
 * Runs `orders` orders (a multiple of 10: one of each scenario per ten) through
 * `flow`, which must order from {@link SCENARIO_PRODUCTS}, use the in-memory
 * bus and its default InMemoryLogger, and deliver duplicates on its standard
 * queues. Asserts the outcome with vitest's `expect`.
 */
export async function runOrderLifecycleScenario(flow: ScenarioFlow, orders: number): Promise<void> {
  if (orders % SCENARIOS.length !== 0)
    throw new RangeError(`orders must be a multiple of ${SCENARIOS.length}`);
  const perScenario = orders / SCENARIOS.length;
  const payments = flow.payments;
  const scenarioOf = (i: number) => SCENARIOS[i % SCENARIOS.length]!;
  const ids = Array.from({ length: orders }, (_, i) => placement(i, scenarioOf(i)).orderId);

  for (let i = 0; i < orders; i++) {
    const scenario = scenarioOf(i);
    if (scenario === "declined") payments.script(ids[i]!, { decline: "insufficient funds" });
    if (scenario === "payment-outage") {
      payments.script(ids[i]!, { fail: new ServiceUnavailableError("payments") }, "SUCCEED");
    }
  }

  // Phase 1: clients place every order; some retry with the same Idempotency-Key, some resend the same order id.
  for (let i = 0; i < orders; i++) {
    const body = placement(i, scenarioOf(i));
    const key = i % 4 === 0 ? `key-${i}` : undefined;
    const first = await flow.api.placeOrder(body, { idempotencyKey: key });
    expect(first).toEqual({ orderId: ids[i], status: "RECEIVED" });
    if (i % 4 === 0) expect(await flow.api.placeOrder(body, { idempotencyKey: key })).toEqual(first);
    if (i % 7 === 0) expect((await flow.api.placeOrder(body)).orderId).toBe(ids[i]);
  }

  // Phase 2: validation only, so that requests can reach orders before payment.
  await flow.drain({ only: ["intake"] });
  for (let i = 0; i < orders; i++) {
    const scenario = scenarioOf(i);
    if (scenario === "cancelled-before-payment" || scenario === "rejected-then-cancel") {
      await flow.api.cancelOrder(ids[i]!, { reason: "customer asked" });
    }
    if (scenario === "modified") {
      await flow.api.modifyOrder(ids[i]!, {
        items: [{ sku: "CANECA-CERAMICA-350ML", quantity: 2, unitPrice: 5990 }],
      });
    }
    if (scenario === "bad-modification") {
      await flow.api.modifyOrder(ids[i]!, { items: [{ sku: "NOT-IN-CATALOG", quantity: 1, unitPrice: 1 }] });
    }
  }
  // Requests are applied before payment picks the orders up.
  await flow.drain({ only: ["cancel", "modify"] });

  // Phase 3: payment and confirmation, with the bus failing right after some saves (the outbox must repair it).
  // (OrderPaymentStarted and OrderPaid go out in one PutEvents: failing the second fails the record.)
  flow.bus.failNext(BUS_FAILURES, (event) => event.type === "OrderPaid");
  const logger = flow.logger as InMemoryLogger;
  const failedBefore = logger.at("error").length;
  await flow.drain();
  // Every payment outage and every failed publication fails its record (at least once), to be retried
  // to success. Counted from the log: the drain report counts failed message ids, and a standard queue
  // may hand out the same message twice in one batch.
  const failedBy = (code: string) =>
    logger
      .at("error")
      .slice(failedBefore)
      .filter((entry) => (entry.fields.error as { code?: string } | undefined)?.code === code).length;
  expect(failedBy("SERVICE_UNAVAILABLE")).toBeGreaterThanOrEqual(perScenario);
  expect(failedBy("DELIVERY_FAILED")).toBeGreaterThanOrEqual(BUS_FAILURES);

  // Phase 4: requests after payment: cancel (refund owed, then issued) and a modification that must be refused.
  for (let i = 0; i < orders; i++) {
    const scenario = scenarioOf(i);
    if (scenario === "cancelled-after-payment") await flow.api.cancelOrder(ids[i]!, { reason: "too slow" });
    if (scenario === "late-modification") {
      await flow.api.modifyOrder(ids[i]!, { shippingAddress: { ...address, line1: "Rua B, 2" } });
    }
  }
  const report = await flow.drain();

  // Every order ends where its scenario says, with nothing left in its outbox.
  const byStatus = new Map<string, number>();
  for (let i = 0; i < orders; i++) {
    const scenario = scenarioOf(i);
    const order = await flow.api.getOrder(ids[i]!);
    expect(order.status, `${ids[i]} (${scenario})`).toBe(EXPECTED_STATUS[scenario]);
    byStatus.set(order.status, (byStatus.get(order.status) ?? 0) + 1);
    if (scenario === "modified") expect(order.total).toBe(2 * 5990);
    if (scenario === "bad-modification" || scenario === "late-modification") {
      expect(order.lastRejectedRequest?.request).toBe("modify");
    }
    // Money taken from a cancelled order was given back through the gateway; none owed or given otherwise.
    if (scenario === "cancelled-after-payment") {
      expect(order.refund).toEqual({ amount: order.total, currency: order.currency, status: "REFUNDED" });
      expect(order.refundOwed).toBeUndefined();
    }
    if (scenario === "cancelled-before-payment") expect(order.refund).toBeUndefined();
    if (scenario === "rejected" || scenario === "rejected-then-cancel") {
      expect(order.reasons?.[0]?.code).toBe("UNKNOWN_SKU");
    }
    expect((await flow.orders.get(ids[i]!))?.outbox, `${ids[i]} outbox`).toEqual([]);
  }
  expect(Object.fromEntries(byStatus)).toEqual({
    CONFIRMED: 5 * perScenario,
    REJECTED: 2 * perScenario,
    PAYMENT_FAILED: perScenario,
    CANCELLED: 2 * perScenario,
  });

  // Nothing lost: no message left in any queue or dead-letter queue (the bus rules' included).
  expect(
    Object.values(report.deadLettered).every((n) => n === 0),
    JSON.stringify(report.deadLettered),
  ).toBe(true);
  for (const { driver, deadLetterDriver } of Object.values(flow.flows)) {
    expect(await driver.size(), driver.name).toBe(0);
    expect(await deadLetterDriver.size(), deadLetterDriver.name).toBe(0);
  }
  for (const [name, dlq] of Object.entries(flow.deadLetterQueues())) expect(dlq.size, name).toBe(0);

  // Nothing applied twice: one event per order and version, and a version per state change.
  const events = flow.events() as OrderflowEvent[];
  const distinct = new Map(events.map((event) => [event.id, event]));
  const perOrderAndType = new Map<string, number>();
  const versionsOf = new Map<string, number[]>();
  for (const event of distinct.values()) {
    const key = `${event.orderId}/${event.type}`;
    perOrderAndType.set(key, (perOrderAndType.get(key) ?? 0) + 1);
    if (!event.type.endsWith("Requested")) {
      versionsOf.set(event.orderId, [...(versionsOf.get(event.orderId) ?? []), event.orderVersion]);
    }
  }
  for (const [key, count] of perOrderAndType) {
    if (!key.endsWith("Requested")) expect(count, key).toBe(1);
  }
  for (let i = 0; i < orders; i++) {
    const order = await flow.api.getOrder(ids[i]!);
    const versions = versionsOf.get(ids[i]!) ?? [];
    expect(new Set(versions).size, ids[i]).toBe(versions.length);
    expect(Math.max(...versions), ids[i]).toBe(order.version);
  }
  // One charge per order that reached payment, however many deliveries and outages.
  const succeeded = new Set(payments.succeededCharges.map((charge) => charge.request.orderId));
  expect(succeeded.size).toBe(payments.succeededCharges.length);
  expect(succeeded.size).toBe(6 * perScenario); // confirmed + cancelled after payment
  // One refund per order cancelled after payment, however many deliveries.
  const refunded = new Set(payments.refunds.map((refund) => refund.request.orderId));
  expect(refunded.size).toBe(payments.refunds.length);
  expect(refunded.size).toBe(perScenario);
  // Standard queues really delivered duplicates, and consumers ignored them.
  const logged = flow.logger instanceof InMemoryLogger ? flow.logger.entries : [];
  expect(logged.filter((entry) => entry.message === "order processing: skipped").length).toBeGreaterThan(0);
}
