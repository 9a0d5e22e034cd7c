import { describe, expect, it } from "vitest";
import type { OrderEvent } from "../../../src/domain/events.js";
import {
  bucketStart,
  FULFILMENT_BINS,
  fulfilmentBin,
  fulfilmentBinValue,
  histogramQuantile,
  isMeasuredOrderEvent,
  type MeasuredOrderEvent,
  metricContributions,
  toMetricsBucket,
} from "../../../src/domain/metrics.js";

function anEvent<T extends MeasuredOrderEvent["type"]>(
  type: T,
  data: unknown,
  occurredAt = "2030-01-15T10:20:00.000Z",
) {
  return {
    id: `o-1:3:0`,
    type,
    schemaVersion: 1,
    occurredAt,
    orderId: "o-1",
    orderVersion: 3,
    correlationId: "c",
    causationId: "c",
    data,
  } as unknown as MeasuredOrderEvent;
}

const order = {
  createdAt: "2030-01-15T09:20:00.000Z",
  items: [
    { sku: "SKU-1", quantity: 2 },
    { sku: "SKU-2", quantity: 1 },
  ],
};

describe("what an outcome event contributes", () => {
  it("a confirmation: the outcome, its revenue in its currency, its quantities per SKU", () => {
    expect(metricContributions(anEvent("OrderConfirmed", { total: 3750, currency: "BRL" }), order)).toEqual({
      "orders.confirmed": 1,
      "revenue.BRL": 3750,
      "quantity.SKU-1": 2,
      "quantity.SKU-2": 1,
    });
  });

  it("a fulfilment: the outcome and its placed-to-fulfilled bin", () => {
    expect(metricContributions(anEvent("OrderFulfilled", {}), order)).toEqual({
      "orders.fulfilled": 1,
      [`fulfilment.${fulfilmentBin(3_600_000)}`]: 1,
    });
  });

  it("a cancellation by the status it left, a rejection by each reason code once", () => {
    expect(metricContributions(anEvent("OrderCancelled", { reason: "x", previousStatus: "PAID" }))).toEqual({
      "orders.cancelled": 1,
      "cancelledFrom.PAID": 1,
    });
    const reasons = [
      { path: "items.0.sku", code: "UNKNOWN_SKU", message: "" },
      { path: "items.1.sku", code: "UNKNOWN_SKU", message: "" },
      { path: "total", code: "TOTAL_TOO_HIGH", message: "" },
    ];
    expect(metricContributions(anEvent("OrderRejected", { reasons }))).toEqual({
      "orders.rejected": 1,
      "rejectedFor.UNKNOWN_SKU": 1,
      "rejectedFor.TOTAL_TOO_HIGH": 1,
    });
    expect(metricContributions(anEvent("OrderPaymentFailed", { reason: "DECLINED" }))).toEqual({
      "orders.paymentFailed": 1,
    });
  });

  it("an event of a foreign shape, or without its order, still counts its outcome", () => {
    expect(metricContributions(anEvent("OrderConfirmed", { total: "12", currency: 3 }))).toEqual({
      "orders.confirmed": 1,
    });
    expect(metricContributions(anEvent("OrderRejected", null))).toEqual({ "orders.rejected": 1 });
    expect(metricContributions(anEvent("OrderFulfilled", {}))).toEqual({ "orders.fulfilled": 1 });
  });

  it("only completed-order events are measured", () => {
    expect(isMeasuredOrderEvent({ type: "OrderPlaced" } as OrderEvent)).toBe(false);
    expect(isMeasuredOrderEvent({ type: "OrderFulfilled" } as OrderEvent)).toBe(true);
  });
});

describe("buckets", () => {
  it("start on the UTC hour and the UTC day", () => {
    expect(bucketStart("2030-01-15T23:59:59.999-03:00", "hour")).toBe("2030-01-16T02:00:00.000Z");
    expect(bucketStart("2030-01-15T23:59:59.999-03:00", "day")).toBe("2030-01-16T00:00:00.000Z");
    expect(bucketStart("2030-01-15T00:00:00.000Z", "day")).toBe("2030-01-15T00:00:00.000Z");
  });

  it("read back every family of counters", () => {
    const bucket = toMetricsBucket({
      start: "2030-01-15T00:00:00.000Z",
      granularity: "day",
      counters: {
        "orders.confirmed": 3,
        "orders.cancelled": 1,
        "revenue.BRL": 9000,
        "quantity.SKU.1": 4,
        "cancelledFrom.CONFIRMED": 1,
        "rejectedFor.UNKNOWN_SKU": 2,
        "orders.rejected": 2,
      },
    });
    expect(bucket).toEqual({
      start: "2030-01-15T00:00:00.000Z",
      granularity: "day",
      orders: { confirmed: 3, fulfilled: 0, cancelled: 1, rejected: 2, paymentFailed: 0 },
      revenue: { BRL: 9000 },
      quantities: { "SKU.1": 4 },
      cancellations: { CONFIRMED: 1 },
      rejections: { UNKNOWN_SKU: 2 },
      placedToFulfilledMs: { count: 0 },
    });
  });
});

describe("the placed-to-fulfilled histogram", () => {
  it("bins are about 19 % wide: from a second up, a bin's value is within 10 % of any duration in it", () => {
    for (let ms = 1_000; ms < 10 ** 10; ms = Math.ceil(ms * 1.07)) {
      const value = fulfilmentBinValue(fulfilmentBin(ms));
      expect(Math.abs(value / ms - 1)).toBeLessThan(0.1);
    }
    expect(fulfilmentBin(0)).toBe(0);
    expect(fulfilmentBin(Number.MAX_SAFE_INTEGER)).toBe(FULFILMENT_BINS - 1);
  });

  it("percentiles by nearest rank, as exact ones would be, to a bin", () => {
    const durations = Array.from({ length: 1000 }, (_, i) => Math.round(60_000 * 1.01 ** i));
    const bins = new Map<number, number>();
    for (const ms of durations) bins.set(fulfilmentBin(ms), (bins.get(fulfilmentBin(ms)) ?? 0) + 1);
    for (const q of [0.5, 0.9]) {
      const exact = durations[Math.ceil(q * durations.length) - 1]!;
      expect(histogramQuantile(bins, q)).toBe(fulfilmentBinValue(fulfilmentBin(exact)));
    }
    expect(histogramQuantile(new Map(), 0.5)).toBeUndefined();
  });
});
