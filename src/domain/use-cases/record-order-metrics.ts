import type { OrderEvent } from "../events.js";
import { isMeasuredOrderEvent, type MetricCounters, metricContributions, needsOrder } from "../metrics.js";
import type { MetricsStore, OrderRepository } from "../ports.js";

export interface RecordOrderMetricsDeps {
  readonly orders: Pick<OrderRepository, "get">;
  readonly metrics: Pick<MetricsStore, "record">;
}

/** What became of one event of a batch, by its index in the batch. */
export type RecordMetricsOutcome =
  /** Its counters were added to its buckets. */
  | { readonly outcome: "RECORDED"; readonly counters: MetricCounters }
  /** Counted before (a redelivery): nothing changed. */
  | { readonly outcome: "DUPLICATE"; readonly counters: MetricCounters }
  /** Not a completed-order event. */
  | { readonly outcome: "IGNORED" }
  /** It needs its order (items, placement time) and names none that is recorded: a foreign or forged event. */
  | { readonly outcome: "ORDER_NOT_FOUND" }
  /** Its order could not be loaded or the store not reached; trying again is safe and may help. */
  | { readonly outcome: "FAILED"; readonly error: unknown };

/**
 * Counts completed-order events into the business metrics, each once: the
 * store applies an event's counters once per event id, so a redelivered or
 * retried event changes nothing. One event's failure fails only its outcome.
 */
export class RecordOrderMetrics {
  constructor(private readonly deps: RecordOrderMetricsDeps) {}

  /** @returns one outcome per event, in order; never throws for one event's failure. */
  async execute(events: readonly OrderEvent[]): Promise<RecordMetricsOutcome[]> {
    return Promise.all(events.map((event) => this.recordOne(event)));
  }

  private async recordOne(event: OrderEvent): Promise<RecordMetricsOutcome> {
    if (!isMeasuredOrderEvent(event)) return { outcome: "IGNORED" };
    try {
      let order: { createdAt: string; items: readonly { sku: string; quantity: number }[] } | undefined;
      if (needsOrder(event.type)) {
        const stored = await this.deps.orders.get(event.orderId);
        if (!stored) return { outcome: "ORDER_NOT_FOUND" };
        const snapshot = stored.order.snapshot();
        order = { createdAt: snapshot.createdAt, items: snapshot.items };
      }
      const counters = metricContributions(event, order);
      const applied = await this.deps.metrics.record(event.id, event.occurredAt, counters);
      return { outcome: applied ? "RECORDED" : "DUPLICATE", counters };
    } catch (error) {
      return { outcome: "FAILED", error };
    }
  }
}
