import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fulfilmentBin, fulfilmentBinValue, toMetricsBucket } from "../../domain/metrics.js";
import type { MetricsStore } from "../metrics-store.js";
import type { Teardown } from "./helpers.js";
import { uniqueId } from "./order-mother.js";

export interface MetricsStoreSubject extends Teardown {
  readonly store: MetricsStore;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let dayCounter = 0;
/**
 * Midnight of a day no other test of this run uses (a random century far
 * ahead, then one day per call), so that suites may share one table.
 */
function aFreshDay(): number {
  dayCounter += 3;
  const base = Date.UTC(2200 + Math.floor(Math.random() * 5_000), 0, 1);
  return base + dayCounter * DAY;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The behaviour every {@link MetricsStore} must show: an event's counters land
 * in its hour and its day bucket, once per event id however often and however
 * concurrently it is recorded; queries answer the non-empty buckets of a
 * half-open range, oldest first. `makeSubject` may return the same table each
 * time: every test works on days no other test touches.
 */
export function describeMetricsStoreContract(
  adapterName: string,
  makeSubject: () => Promise<MetricsStoreSubject> | MetricsStoreSubject,
): void {
  describe(`MetricsStore contract: ${adapterName}`, () => {
    let subject: MetricsStoreSubject;
    let store: MetricsStore;

    beforeEach(async () => {
      subject = await makeSubject();
      store = subject.store;
    });
    afterEach(async () => {
      await subject?.teardown?.();
    });

    it("adds an event's counters to its hour and its day", async () => {
      const day = aFreshDay();
      const at = iso(day + 5 * HOUR + 17 * 60_000);
      const applied = await store.record(uniqueId("evt"), at, {
        "orders.confirmed": 1,
        "revenue.BRL": 2500,
        "quantity.SKU-1.v2": 2,
      });

      expect(applied).toBe(true);
      expect(await store.query({ from: iso(day), to: iso(day + DAY), granularity: "hour" })).toEqual([
        {
          start: iso(day + 5 * HOUR),
          granularity: "hour",
          counters: { "orders.confirmed": 1, "revenue.BRL": 2500, "quantity.SKU-1.v2": 2 },
        },
      ]);
      expect(await store.query({ from: iso(day), to: iso(day + DAY), granularity: "day" })).toEqual([
        {
          start: iso(day),
          granularity: "day",
          counters: { "orders.confirmed": 1, "revenue.BRL": 2500, "quantity.SKU-1.v2": 2 },
        },
      ]);
    });

    it("sums the events of a bucket", async () => {
      const day = aFreshDay();
      await store.record(uniqueId("evt"), iso(day + HOUR), { "orders.confirmed": 1, "revenue.BRL": 1000 });
      await store.record(uniqueId("evt"), iso(day + HOUR + 1), { "orders.confirmed": 1, "revenue.USD": 7 });
      await store.record(uniqueId("evt"), iso(day + 2 * HOUR - 1), { "orders.rejected": 1 });

      const [hour] = await store.query({ from: iso(day), to: iso(day + DAY), granularity: "hour" });
      expect(hour?.counters).toEqual({
        "orders.confirmed": 2,
        "revenue.BRL": 1000,
        "revenue.USD": 7,
        "orders.rejected": 1,
      });
    });

    it("counts an event recorded twice once, and says the second was a duplicate", async () => {
      const day = aFreshDay();
      const id = uniqueId("evt");
      expect(await store.record(id, iso(day + HOUR), { "orders.fulfilled": 1 })).toBe(true);
      expect(await store.record(id, iso(day + HOUR), { "orders.fulfilled": 1 })).toBe(false);

      for (const granularity of ["hour", "day"] as const) {
        const buckets = await store.query({ from: iso(day), to: iso(day + DAY), granularity });
        expect(buckets.map((b) => b.counters)).toEqual([{ "orders.fulfilled": 1 }]);
      }
    });

    it("counts an event recorded concurrently many times once", async () => {
      const day = aFreshDay();
      const id = uniqueId("evt");
      const others = Array.from({ length: 5 }, () => uniqueId("evt"));
      const results = await Promise.all([
        ...Array.from({ length: 8 }, () => store.record(id, iso(day + 3 * HOUR), { "orders.cancelled": 1 })),
        ...others.map((other) => store.record(other, iso(day + 3 * HOUR), { "orders.cancelled": 1 })),
      ]);

      expect(results.slice(0, 8).filter(Boolean)).toHaveLength(1);
      const [hour] = await store.query({ from: iso(day), to: iso(day + DAY), granularity: "hour" });
      const [whole] = await store.query({ from: iso(day), to: iso(day + DAY), granularity: "day" });
      expect(hour?.counters).toEqual({ "orders.cancelled": 6 });
      expect(whole?.counters).toEqual({ "orders.cancelled": 6 });
    });

    it("answers the non-empty buckets whose start is in [from, to), oldest first", async () => {
      const day = aFreshDay();
      const times = [day + 23 * HOUR + 59 * 60_000, day + DAY, day + DAY + 2 * HOUR, day + 2 * DAY + HOUR];
      for (const at of [...times].reverse())
        await store.record(uniqueId("evt"), iso(at), { "orders.confirmed": 1 });

      const hours = await store.query({
        from: iso(day + 23 * HOUR),
        to: iso(day + DAY + 2 * HOUR),
        granularity: "hour",
      });
      expect(hours.map((b) => b.start)).toEqual([iso(day + 23 * HOUR), iso(day + DAY)]);
      expect(hours.every((b) => b.granularity === "hour")).toBe(true);

      const days = await store.query({ from: iso(day), to: iso(day + 3 * DAY), granularity: "day" });
      expect(days.map((b) => [b.start, b.counters["orders.confirmed"]])).toEqual([
        [iso(day), 1],
        [iso(day + DAY), 2],
        [iso(day + 2 * DAY), 1],
      ]);
      expect(
        await store.query({ from: iso(day + 3 * DAY), to: iso(day + 4 * DAY), granularity: "day" }),
      ).toEqual([]);
      expect(
        await store.query({ from: iso(day + 12 * HOUR), to: iso(day + 2 * DAY), granularity: "day" }),
      ).toHaveLength(1);
    });

    it("keeps a day's placed-to-fulfilled histogram so that its percentiles read back", async () => {
      const day = aFreshDay();
      // 100 fulfilments: 1 to 100 minutes, spread over the day's hours.
      const durations = Array.from({ length: 100 }, (_, i) => (i + 1) * 60_000);
      for (const [i, ms] of durations.entries()) {
        await store.record(uniqueId("evt"), iso(day + (i % 24) * HOUR), {
          [`fulfilment.${fulfilmentBin(ms)}`]: 1,
        });
      }

      const [whole] = await store.query({ from: iso(day), to: iso(day + DAY), granularity: "day" });
      const bucket = toMetricsBucket(whole!);
      expect(bucket.placedToFulfilledMs).toEqual({
        count: 100,
        p50: fulfilmentBinValue(fulfilmentBin(50 * 60_000)),
        p90: fulfilmentBinValue(fulfilmentBin(90 * 60_000)),
      });
      expect(Math.abs(bucket.placedToFulfilledMs.p50! / (50 * 60_000) - 1)).toBeLessThan(0.1);
    });
  });
}
