import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/adapters/memory/clocks.js";
import type { InMemoryLogger } from "../../src/adapters/memory/in-memory-logger.js";
import {
  fulfilmentBin,
  fulfilmentBinValue,
  histogramQuantile,
  type OrderOutcome,
} from "../../src/domain/metrics.js";
import type { OrderSnapshot } from "../../src/domain/order.js";
import { FulfilOrder } from "../../src/domain/use-cases/simple-transitions.js";
import { handleHttpRequest } from "../../src/entrypoints/http/http-core.js";
import type { Caller } from "../../src/entrypoints/http/http-types.js";
import {
  InMemoryOrderflow,
  type InMemoryOrderflowOptions,
} from "../../src/entrypoints/in-memory/in-memory-orderflow.js";
import { FaultInjector } from "../../src/ports/contracts/fault-injection.js";
import { seeded } from "../support/order-lifecycle-scenario.js";

const START = new Date("2030-03-01T08:00:00.000Z");
const CATALOG = [
  { sku: "CAFE-ESPRESSO-250G", unitPrice: 3490 },
  { sku: "CAFE-COADO-500G", unitPrice: 4290 },
  { sku: "CANECA-CERAMICA-350ML", unitPrice: 5990 },
  { sku: "PRENSA-FRANCESA-1L", unitPrice: 18990 },
];
type Plan = "fulfilled" | "confirmed" | "declined" | "unknown-sku" | "cancelled";
const PLANS: readonly Plan[] = ["fulfilled", "confirmed", "declined", "unknown-sku", "cancelled"];

async function getMetrics(flow: InMemoryOrderflow, query: Record<string, string>, caller?: Caller) {
  const response = await handleHttpRequest(flow.http, {
    method: "GET",
    path: "/metrics",
    headers: {},
    body: undefined,
    query,
    caller,
  });
  return { status: response.statusCode, body: JSON.parse(response.body) };
}

/**
 * Places `count` orders with mixed outcomes over several hours and two days,
 * drains, cancels some confirmed ones and fulfils others hours later, drains
 * again. Returns the orders as stored: the truth the metrics must equal.
 */
async function runScenario(flow: InMemoryOrderflow, random: () => number, count: number) {
  const clock = flow.clock as ManualClock;
  const plans = new Map<string, Plan>();
  for (let i = 0; i < count; i += 1) {
    const orderId = `m-${String(i).padStart(3, "0")}`;
    const plan = PLANS[Math.floor(random() * PLANS.length)]!;
    plans.set(orderId, plan);
    const lines = CATALOG.filter(() => random() < 0.5);
    const items = (lines.length > 0 ? lines : [CATALOG[0]!]).map((line) => ({
      ...line,
      quantity: 1 + Math.floor(random() * 3),
    }));
    if (plan === "unknown-sku") items.push({ sku: "NO-SUCH-SKU", unitPrice: 100, quantity: 1 });
    if (plan === "declined") flow.payments.script(orderId, { decline: "insufficient funds" });
    await flow.api.placeOrder({
      orderId,
      customerId: `c-${i % 7}`,
      currency: "BRL",
      items,
      shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
    });
    clock.advance(Math.floor(random() * 40 * 60_000));
    if (i % 10 === 9) await flow.drain();
  }
  await flow.drain();

  for (const [orderId, plan] of plans) {
    if (plan === "cancelled") await flow.api.cancelOrder(orderId, { reason: "changed my mind" });
  }
  await flow.drain();
  // Fulfilment comes the next morning, order by order.
  clock.advance(20 * 3_600_000);
  const fulfil = new FulfilOrder({ orders: flow.orders, bus: flow.adapters.bus, clock: flow.clock });
  for (const [orderId, plan] of plans) {
    if (plan !== "fulfilled") continue;
    clock.advance(Math.floor(random() * 20 * 60_000));
    await fulfil.execute({ orderId, commandId: `fulfil-${orderId}`, correlationId: `fulfil-${orderId}` });
  }
  await flow.drain();

  const orders: OrderSnapshot[] = [];
  for (const orderId of plans.keys()) orders.push((await flow.orders.get(orderId))!.order.snapshot());
  return { orders, plans };
}

/** What the metrics must say, computed from the orders as stored. */
function truthOf(orders: readonly OrderSnapshot[]) {
  const outcomes: Record<OrderOutcome, number> = {
    confirmed: 0,
    fulfilled: 0,
    cancelled: 0,
    rejected: 0,
    paymentFailed: 0,
  };
  const revenue: Record<string, number> = {};
  const quantities: Record<string, number> = {};
  const rejections: Record<string, number> = {};
  const cancellations: Record<string, number> = {};
  const durations: { day: string; ms: number }[] = [];
  for (const order of orders) {
    // Every order cancelled here was cancelled once confirmed (cancellations wait for the first drain).
    const confirmed = ["CONFIRMED", "FULFILLED", "CANCELLED"].includes(order.status);
    if (confirmed) {
      outcomes.confirmed += 1;
      revenue[order.currency] = (revenue[order.currency] ?? 0) + order.total;
      for (const item of order.items) quantities[item.sku] = (quantities[item.sku] ?? 0) + item.quantity;
    }
    if (order.status === "FULFILLED") {
      outcomes.fulfilled += 1;
      durations.push({
        day: `${order.updatedAt.slice(0, 10)}T00:00:00.000Z`,
        ms: Date.parse(order.updatedAt) - Date.parse(order.createdAt),
      });
    }
    if (order.status === "CANCELLED") {
      outcomes.cancelled += 1;
      cancellations.CONFIRMED = (cancellations.CONFIRMED ?? 0) + 1;
    }
    if (order.status === "REJECTED") {
      outcomes.rejected += 1;
      for (const code of new Set(order.reasons?.map((r) => r.code))) {
        if (code) rejections[code] = (rejections[code] ?? 0) + 1;
      }
    }
    if (order.status === "PAYMENT_FAILED") outcomes.paymentFailed += 1;
  }
  return { outcomes, revenue, quantities, rejections, cancellations, durations };
}

/** Every bucket of a listing added up. */
function totalsOf(buckets: readonly Record<string, unknown>[]) {
  const sum = (field: string) => {
    const total: Record<string, number> = {};
    for (const bucket of buckets) {
      for (const [key, n] of Object.entries(bucket[field] as Record<string, number>))
        total[key] = (total[key] ?? 0) + n;
    }
    return total;
  };
  return {
    outcomes: sum("orders"),
    revenue: sum("revenue"),
    quantities: sum("quantities"),
    rejections: sum("rejections"),
    cancellations: sum("cancellations"),
  };
}

async function expectExactMetrics(flow: InMemoryOrderflow, orders: readonly OrderSnapshot[]) {
  const truth = truthOf(orders);
  const range = { from: "2030-03-01T00:00:00Z", to: "2030-03-04T00:00:00Z" };
  const days = await getMetrics(flow, { ...range, granularity: "day" });
  const hours = await getMetrics(flow, { ...range, granularity: "hour" });
  expect(days.status).toBe(200);
  expect(hours.status).toBe(200);

  const expected = {
    outcomes: truth.outcomes,
    revenue: truth.revenue,
    quantities: truth.quantities,
    rejections: truth.rejections,
    cancellations: truth.cancellations,
  };
  expect(totalsOf(days.body.buckets)).toEqual(expected);
  expect(totalsOf(hours.body.buckets)).toEqual(expected);
  expect(hours.body.buckets.length).toBeGreaterThan(days.body.buckets.length);

  // Each day's percentiles are those of the durations of the orders fulfilled that day, to a bin.
  const byDay = new Map<string, number[]>();
  for (const { day, ms } of truth.durations) byDay.set(day, [...(byDay.get(day) ?? []), ms]);
  expect(byDay.size).toBeGreaterThan(0);
  for (const bucket of days.body.buckets as { start: string; placedToFulfilledMs: unknown }[]) {
    const durations = byDay.get(bucket.start) ?? [];
    const bins = new Map<number, number>();
    for (const ms of durations) bins.set(fulfilmentBin(ms), (bins.get(fulfilmentBin(ms)) ?? 0) + 1);
    const sorted = [...durations].sort((a, b) => a - b);
    const exact = (q: number) => sorted[Math.ceil(q * sorted.length) - 1]!;
    expect(bucket.placedToFulfilledMs, bucket.start).toEqual(
      durations.length === 0
        ? { count: 0 }
        : {
            count: durations.length,
            p50: fulfilmentBinValue(fulfilmentBin(exact(0.5))),
            p90: fulfilmentBinValue(fulfilmentBin(exact(0.9))),
          },
    );
    if (durations.length > 0)
      expect(histogramQuantile(bins, 0.9)).toBe(fulfilmentBinValue(fulfilmentBin(exact(0.9))));
  }
  return truth;
}

const options = (seed: number, extra: InMemoryOrderflowOptions = {}): InMemoryOrderflowOptions => ({
  clock: new ManualClock(START),
  duplicateDeliveryRate: 0.1,
  random: seeded(seed),
  ...extra,
});

describe("business metrics end to end, in memory", () => {
  it("count every outcome exactly once under 10 % duplicate deliveries", async () => {
    const flow = new InMemoryOrderflow(options(11));
    const { orders } = await runScenario(flow, seeded(5), 60);

    const truth = await expectExactMetrics(flow, orders);
    // Every plan happened, so every outcome is checked.
    for (const n of Object.values(truth.outcomes)) expect(n).toBeGreaterThan(0);
    expect(truth.rejections.UNKNOWN_SKU).toBeGreaterThan(0);
    expect(flow.ruleDeadLetterQueues.metrics.size).toBe(0);

    // Duplicates did reach the consumer, and were recognised.
    const entries = (flow.logger as InMemoryLogger).entries;
    expect(entries.filter((e) => e.message === "metrics: already counted").length).toBeGreaterThan(0);

    // The EMF lines counted each outcome once too.
    const emf = (flow.logger as InMemoryLogger).entries.filter((e) => e.message === "business metrics");
    const confirmedInEmf = emf.reduce((sum, e) => sum + Number(e.fields.OrdersConfirmed ?? 0), 0);
    expect(confirmedInEmf).toBe(truth.outcomes.confirmed);
  });

  it("stay exact when the metrics store fails records, before and after its writes (partial batch failures, redeliveries)", async () => {
    const faults = new FaultInjector({ random: seeded(99) });
    const flow = new InMemoryOrderflow(
      options(12, {
        maxReceiveCount: 20,
        decorate: (name, port) =>
          name === "metrics"
            ? faults.wrap("metrics", port, { rate: 0.2, crashAfter: { record: 0.2 }, methods: ["record"] })
            : port,
      }),
    );
    const { orders } = await runScenario(flow, seeded(6), 50);
    faults.stop();

    const counts = faults.counts().metrics!;
    expect(counts.faults).toBeGreaterThan(0);
    expect(counts.crashes).toBeGreaterThan(0);
    await expectExactMetrics(flow, orders);
  });
});

describe("GET /metrics", () => {
  it("answers the buckets of a range, empty when nothing happened", async () => {
    const flow = new InMemoryOrderflow();
    const answer = await getMetrics(flow, {
      from: "2030-01-01T00:00:00Z",
      to: "2030-01-02T00:00:00Z",
      granularity: "hour",
    });
    expect(answer).toEqual({ status: 200, body: { buckets: [] } });
  });

  it.each([
    [{ to: "2030-01-02T00:00:00Z", granularity: "day" }, "from"],
    [{ from: "yesterday", to: "2030-01-02T00:00:00Z", granularity: "day" }, "from"],
    [{ from: "2030-01-01T00:00:00Z", to: "2030-01-02T00:00:00Z", granularity: "minute" }, "granularity"],
    [{ from: "2030-01-02T00:00:00Z", to: "2030-01-01T00:00:00Z", granularity: "day" }, "to"],
    [{ from: "2030-01-01T00:00:00Z", to: "2030-02-02T00:00:00Z", granularity: "hour" }, "to"],
    [{ from: "2030-01-01T00:00:00Z", to: "2031-01-03T00:00:00Z", granularity: "day" }, "to"],
    [{ from: "2030-01-01T00:00:00Z", to: "2030-01-02T00:00:00Z", granularity: "day", extra: "1" }, ""],
  ])("400 for %j, naming %s", async (query, path) => {
    const answer = await getMetrics(new InMemoryOrderflow(), query as Record<string, string>);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe("VALIDATION_FAILED");
    expect(answer.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
  });

  it("is for operators where callers are authenticated", async () => {
    const flow = new InMemoryOrderflow();
    const query = { from: "2030-01-01T00:00:00Z", to: "2030-01-02T00:00:00Z", granularity: "day" };
    expect((await getMetrics(flow, query, { userId: "c-1", groups: [] })).status).toBe(403);
    expect((await getMetrics(flow, query, { userId: "ops-1", groups: ["operators"] })).status).toBe(200);
  });
});
