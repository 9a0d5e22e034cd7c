import {
  addCounters,
  bucketStart,
  METRICS_GRANULARITIES,
  type MetricCounters,
  type MetricsGranularity,
} from "../../domain/metrics.js";
import type { MetricsQuery, MetricsStore, StoredMetricsBucket } from "../../ports/metrics-store.js";

interface Bucket {
  readonly counters: Record<string, number>;
  /** The events applied to this bucket: what makes a second copy of one a no-op. */
  readonly applied: Set<string>;
}

/**
 * Business metrics in Maps, one bucket per hour and per day, each keeping the
 * ids of the events it counted, as the DynamoDB adapter's bucket items do:
 * each bucket decides for itself whether an event is new, so a bucket is never
 * counted twice and never skipped. A `record` call runs to completion without
 * awaiting, so two concurrent copies of one event cannot interleave.
 */
export class InMemoryMetricsStore implements MetricsStore {
  private readonly buckets = new Map<string, Bucket>();

  async record(eventId: string, at: string, counters: MetricCounters): Promise<boolean> {
    let applied = false;
    for (const granularity of METRICS_GRANULARITIES) {
      const key = `${granularity}#${bucketStart(at, granularity)}`;
      let bucket = this.buckets.get(key);
      if (!bucket) {
        bucket = { counters: {}, applied: new Set() };
        this.buckets.set(key, bucket);
      }
      if (bucket.applied.has(eventId)) continue;
      bucket.applied.add(eventId);
      addCounters(bucket.counters, counters);
      applied = true;
    }
    return applied;
  }

  async query(query: MetricsQuery): Promise<StoredMetricsBucket[]> {
    const from = Date.parse(query.from);
    const to = Date.parse(query.to);
    const prefix = `${query.granularity}#`;
    const found: StoredMetricsBucket[] = [];
    for (const [key, bucket] of this.buckets) {
      if (!key.startsWith(prefix)) continue;
      const start = key.slice(prefix.length);
      const ms = Date.parse(start);
      if (ms < from || ms >= to) continue;
      found.push({
        start,
        granularity: query.granularity as MetricsGranularity,
        counters: { ...bucket.counters },
      });
    }
    return found.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  }
}
