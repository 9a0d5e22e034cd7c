import type { OrderEvent, OrderEventType } from "./events.js";

/**
 * Business metrics of completed orders: what each outcome event contributes,
 * the buckets it falls in, and how a bucket's counters read back as a bucket.
 *
 * An event contributes **counters** (name → amount to add). Every figure is a
 * sum, so a bucket is the sum of its events' counters, a day the sum of its
 * events whatever the order they arrive in, and any store can aggregate with
 * atomic adds. Counter names are `<family>.<key>`:
 *
 * - `orders.<outcome>`: one per outcome event (`confirmed`, `fulfilled`,
 *   `cancelled`, `rejected`, `paymentFailed`);
 * - `revenue.<currency>`: an order's total in minor units, counted when it is
 *   **confirmed** (gross: a later cancellation does not subtract its refund;
 *   refunds are their own figure when they are events of their own);
 * - `quantity.<sku>`: the quantities of a confirmed order, per SKU (a confirmed
 *   order can no longer be modified, so they are final);
 * - `cancelledFrom.<status>`: cancellations by the status the order was in;
 * - `rejectedFor.<code>`: rejections by reason code (each code once per order);
 * - `fulfilment.<bin>`: the time from placed to fulfilled, in a fixed
 *   log-scale histogram ({@link FULFILMENT_BINS}) from which the percentiles
 *   are read: bins add up, percentiles do not.
 */

/** The events that complete an order's path, and the outcome each counts as: declared once (the bus route reads it). */
export const ORDER_OUTCOME_METRICS = {
  OrderConfirmed: "confirmed",
  OrderFulfilled: "fulfilled",
  OrderCancelled: "cancelled",
  OrderRejected: "rejected",
  OrderPaymentFailed: "paymentFailed",
} as const satisfies Partial<Record<OrderEventType, string>>;

export type MeasuredOrderEventType = keyof typeof ORDER_OUTCOME_METRICS;
export type OrderOutcome = (typeof ORDER_OUTCOME_METRICS)[MeasuredOrderEventType];

export const MEASURED_ORDER_EVENT_TYPES = Object.keys(ORDER_OUTCOME_METRICS) as MeasuredOrderEventType[];
export const ORDER_OUTCOMES = Object.values(ORDER_OUTCOME_METRICS) as OrderOutcome[];

export type MeasuredOrderEvent = Extract<OrderEvent, { type: MeasuredOrderEventType }>;

export function isMeasuredOrderEvent(event: OrderEvent): event is MeasuredOrderEvent {
  return Object.hasOwn(ORDER_OUTCOME_METRICS, event.type);
}

export type MetricsGranularity = "hour" | "day";
export const METRICS_GRANULARITIES: readonly MetricsGranularity[] = ["hour", "day"];

/** Counter name → amount (integers). */
export type MetricCounters = Readonly<Record<string, number>>;

/** What the metrics need of the order an event names (its items, when it was placed). */
export interface MeasuredOrder {
  readonly createdAt: string;
  readonly items: readonly { readonly sku: string; readonly quantity: number }[];
}

// ─── Placed → fulfilled histogram ──────────────────────────────────────────

/**
 * Bins per doubling of the duration: bin `i` holds durations in
 * `[2^(i/4), 2^((i+1)/4))` ms, so a bin is 19 % wide and a percentile read
 * as its bin's geometric middle is within ±9 % of the truth.
 */
export const FULFILMENT_BINS_PER_DOUBLING = 4;
/** Bins 0…159: up to 2^40 ms (about 35 years); longer durations fall in the last. */
export const FULFILMENT_BINS = 160;

/** The histogram bin of a duration in milliseconds (≤ 1 ms falls in bin 0). */
export function fulfilmentBin(durationMs: number): number {
  if (!(durationMs > 1)) return 0;
  const bin = Math.floor(Math.log2(durationMs) * FULFILMENT_BINS_PER_DOUBLING);
  return Math.min(bin, FULFILMENT_BINS - 1);
}

/** The value a bin stands for: the geometric middle of its bounds, rounded to the millisecond. */
export function fulfilmentBinValue(bin: number): number {
  return Math.round(2 ** ((bin + 0.5) / FULFILMENT_BINS_PER_DOUBLING));
}

/**
 * The `q`-quantile (0 < q ≤ 1) of a histogram, by the nearest-rank method on
 * the bins: the value of the bin holding the ⌈q·n⌉-th smallest duration.
 * @returns undefined for an empty histogram.
 */
export function histogramQuantile(bins: ReadonlyMap<number, number>, q: number): number | undefined {
  const ordered = [...bins.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const total = ordered.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return undefined;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const [bin, n] of ordered) {
    seen += n;
    if (seen >= rank) return fulfilmentBinValue(bin);
  }
  return fulfilmentBinValue(ordered.at(-1)![0]);
}

// ─── Contributions ──────────────────────────────────────────────────────────

/**
 * The counters one outcome event adds. `order` is needed for a confirmation
 * (its items) and a fulfilment (when it was placed); without it those
 * contributions are left out and the outcome is still counted.
 */
export function metricContributions(event: MeasuredOrderEvent, order?: MeasuredOrder): MetricCounters {
  const counters: Record<string, number> = {};
  const add = (name: string, amount: number) => {
    if (Number.isSafeInteger(amount) && amount !== 0) counters[name] = (counters[name] ?? 0) + amount;
  };
  add(`orders.${ORDER_OUTCOME_METRICS[event.type]}`, 1);
  // The event's data is read defensively: an event of a foreign shape adds what it can.
  const data = (typeof event.data === "object" && event.data !== null ? event.data : {}) as Record<
    string,
    unknown
  >;
  switch (event.type) {
    case "OrderConfirmed":
      if (typeof data.currency === "string" && typeof data.total === "number") {
        add(`revenue.${data.currency}`, data.total);
      }
      for (const item of order?.items ?? []) add(`quantity.${item.sku}`, item.quantity);
      break;
    case "OrderCancelled":
      if (typeof data.previousStatus === "string") add(`cancelledFrom.${data.previousStatus}`, 1);
      break;
    case "OrderRejected": {
      const reasons = Array.isArray(data.reasons) ? data.reasons : [];
      const codes = new Set(
        reasons.flatMap((r: unknown) => {
          const code = (r as { code?: unknown } | null)?.code;
          return typeof code === "string" ? [code] : [];
        }),
      );
      for (const code of codes) add(`rejectedFor.${code}`, 1);
      break;
    }
    case "OrderFulfilled":
      if (order) {
        const ms = Date.parse(event.occurredAt) - Date.parse(order.createdAt);
        if (Number.isFinite(ms) && ms >= 0) add(`fulfilment.${fulfilmentBin(ms)}`, 1);
      }
      break;
    default:
      break;
  }
  return counters;
}

/** True when the contributions of an event of this type use its order (what the use case must load). */
export function needsOrder(type: MeasuredOrderEventType): boolean {
  return type === "OrderConfirmed" || type === "OrderFulfilled";
}

// ─── Buckets ────────────────────────────────────────────────────────────────

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The start (ISO 8601, UTC) of the bucket of `granularity` that holds `at`. */
export function bucketStart(at: string | Date, granularity: MetricsGranularity): string {
  const ms = typeof at === "string" ? Date.parse(at) : at.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${String(at)}`);
  const size = granularity === "hour" ? HOUR_MS : DAY_MS;
  return new Date(Math.floor(ms / size) * size).toISOString();
}

/** The length of a bucket in milliseconds. */
export function bucketLengthMs(granularity: MetricsGranularity): number {
  return granularity === "hour" ? HOUR_MS : DAY_MS;
}

/** A bucket as a store keeps it: its start and the sum of its events' counters. */
export interface StoredMetricsBucket {
  /** ISO 8601 start of the bucket (UTC, on the hour or at midnight). */
  readonly start: string;
  readonly granularity: MetricsGranularity;
  readonly counters: MetricCounters;
}

/** A bucket as `GET /metrics` answers it. */
export interface MetricsBucket {
  readonly start: string;
  readonly granularity: MetricsGranularity;
  readonly orders: Readonly<Record<OrderOutcome, number>>;
  /** Revenue of the orders confirmed in the bucket, per currency, in minor units. */
  readonly revenue: Readonly<Record<string, number>>;
  /** Quantities of the orders confirmed in the bucket, per SKU. */
  readonly quantities: Readonly<Record<string, number>>;
  /** Cancellations by the status the order was cancelled from. */
  readonly cancellations: Readonly<Record<string, number>>;
  /** Rejections by reason code. */
  readonly rejections: Readonly<Record<string, number>>;
  /** Placed → fulfilled of the orders fulfilled in the bucket (from the histogram; absent when none). */
  readonly placedToFulfilledMs: { readonly count: number; readonly p50?: number; readonly p90?: number };
}

/** Reads a stored bucket's counters as a {@link MetricsBucket}. */
export function toMetricsBucket(stored: StoredMetricsBucket): MetricsBucket {
  const orders = Object.fromEntries(ORDER_OUTCOMES.map((o) => [o, 0])) as Record<OrderOutcome, number>;
  const revenue: Record<string, number> = {};
  const quantities: Record<string, number> = {};
  const cancellations: Record<string, number> = {};
  const rejections: Record<string, number> = {};
  const bins = new Map<number, number>();
  for (const [name, value] of Object.entries(stored.counters)) {
    const dot = name.indexOf(".");
    const family = name.slice(0, dot);
    const key = name.slice(dot + 1);
    if (family === "orders" && Object.hasOwn(orders, key)) orders[key as OrderOutcome] = value;
    else if (family === "revenue") revenue[key] = value;
    else if (family === "quantity") quantities[key] = value;
    else if (family === "cancelledFrom") cancellations[key] = value;
    else if (family === "rejectedFor") rejections[key] = value;
    else if (family === "fulfilment") bins.set(Number(key), value);
  }
  const count = [...bins.values()].reduce((sum, n) => sum + n, 0);
  const p50 = histogramQuantile(bins, 0.5);
  const p90 = histogramQuantile(bins, 0.9);
  return {
    start: stored.start,
    granularity: stored.granularity,
    orders,
    revenue,
    quantities,
    cancellations,
    rejections,
    placedToFulfilledMs: { count, ...(p50 === undefined ? {} : { p50, p90 }) },
  };
}

/** Adds `b`'s counters into `a` (a store's in-memory aggregation, a merge of shards). */
export function addCounters(a: Record<string, number>, b: MetricCounters): void {
  for (const [name, value] of Object.entries(b)) a[name] = (a[name] ?? 0) + value;
}

/** Limits of a metrics query: how many buckets one request may span. */
export const METRICS_QUERY_LIMITS = { maxHourlyDays: 31, maxDailyDays: 366 } as const;
