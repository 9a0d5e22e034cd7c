import { bucketStart, METRICS_GRANULARITIES, type MetricsGranularity } from "../../domain/metrics.js";
import type {
  MetricCounters,
  MetricsQuery,
  MetricsStore,
  StoredMetricsBucket,
} from "../../ports/metrics-store.js";
import type { SqlClient } from "./sql-client.js";

interface CounterRow {
  readonly bucket_start: number;
  readonly name: string;
  readonly value: number;
}

/**
 * {@link MetricsStore} on two tables (migration 6): `metrics_counters`, one
 * row per bucket (granularity, start in epoch ms), counter name and shard, and
 * `metrics_events`, one row per event id counted.
 *
 * **Counted once, in one transaction.** `record` is one statement: a
 * data-modifying CTE inserts the event's id into `metrics_events` (`ON
 * CONFLICT DO NOTHING`) and, only for the row that insert returned, adds the
 * counters to the hour and the day rows (`INSERT … ON CONFLICT DO UPDATE SET
 * value = value + EXCLUDED.value`). A statement is a transaction of its own,
 * so the id and the counters commit together or not at all: there is no crash
 * between the two that a retry would have to repair (the DynamoDB adapter keeps
 * the ids in each bucket item for that). A second copy of the event, even a
 * concurrent one, waits on the first's unique-index entry, finds it committed
 * and adds nothing: one round trip per event, duplicates included. Called with
 * a transaction's client, it joins that transaction.
 *
 * **No deadlocks, few waits.** Counter rows are upserted in one fixed order
 * (granularity, bucket, name), so two events that touch the same counters
 * lock them in the same order; each event adds to one of
 * {@link METRICS_COUNTER_SHARDS} shards of its buckets, picked by its id, so
 * concurrent events mostly touch different rows.
 *
 * **Growth.** One row per event counted (an id and a day): the ids of days
 * long past can go with {@link forgetEventsBefore} once no redelivery of
 * them can come (queues keep a message for days, not months).
 */
export class PostgresMetricsStore implements MetricsStore {
  constructor(private readonly client: SqlClient) {}

  async record(eventId: string, at: string, counters: MetricCounters): Promise<boolean> {
    const rows = METRICS_GRANULARITIES.flatMap((granularity) => {
      const start = Date.parse(bucketStart(at, granularity));
      return Object.entries(counters).map(([name, value]) => ({ granularity, start, name, value }));
    }).sort((a, b) => compare(a.granularity, b.granularity) || a.start - b.start || compare(a.name, b.name));
    const { rows: result } = await this.client.query<{ applied: number }>(
      `WITH fresh AS (
         INSERT INTO metrics_events (event_id, day_start) VALUES ($1, $2)
         ON CONFLICT (event_id) DO NOTHING
         RETURNING event_id
       ), added AS (
         INSERT INTO metrics_counters (granularity, bucket_start, name, shard, value)
         SELECT c.granularity, c.bucket_start, c.name, $7, c.value
         FROM fresh, unnest($3::text[], $4::bigint[], $5::text[], $6::bigint[])
           AS c(granularity, bucket_start, name, value)
         ON CONFLICT (granularity, bucket_start, name, shard)
           DO UPDATE SET value = metrics_counters.value + EXCLUDED.value
       )
       SELECT count(*)::integer AS applied FROM fresh`,
      [
        eventId,
        Date.parse(bucketStart(at, "day")),
        rows.map((r) => r.granularity),
        rows.map((r) => r.start),
        rows.map((r) => r.name),
        rows.map((r) => r.value),
        shardOf(eventId),
      ],
    );
    return (result[0]?.applied ?? 0) > 0;
  }

  async query(query: MetricsQuery): Promise<StoredMetricsBucket[]> {
    const { rows } = await this.client.query<CounterRow>(
      `SELECT bucket_start, name, sum(value)::bigint AS value FROM metrics_counters
       WHERE granularity = $1 AND bucket_start >= $2 AND bucket_start < $3
       GROUP BY bucket_start, name
       ORDER BY bucket_start, name`,
      [query.granularity, Date.parse(query.from), Date.parse(query.to)],
    );
    const buckets: StoredMetricsBucket[] = [];
    let current: { start: number; counters: Record<string, number> } | undefined;
    const flush = () => {
      if (current) {
        buckets.push({
          start: new Date(current.start).toISOString(),
          granularity: query.granularity as MetricsGranularity,
          counters: current.counters,
        });
      }
    };
    for (const row of rows) {
      if (current?.start !== row.bucket_start) {
        flush();
        current = { start: row.bucket_start, counters: {} };
      }
      current.counters[row.name] = row.value;
    }
    flush();
    return buckets;
  }

  /**
   * Forgets which events of the days before `day` were counted (their counters
   * stay): a copy of one of them arriving later would count again. Answers how many ids went.
   */
  async forgetEventsBefore(day: Date): Promise<number> {
    const { rowCount } = await this.client.query("DELETE FROM metrics_events WHERE day_start < $1", [
      day.getTime(),
    ]);
    return rowCount;
  }
}

/**
 * Counter rows per bucket and name: an event adds to the shard its id picks,
 * so events counted at once by different workers rarely wait on the same row
 * lock (the AWS adapter shards its bucket items for the same reason); a query
 * sums the shards.
 */
export const METRICS_COUNTER_SHARDS = 16;

function shardOf(eventId: string): number {
  let hash = 0;
  for (let i = 0; i < eventId.length; i++) hash = (hash * 31 + eventId.charCodeAt(i)) | 0;
  return Math.abs(hash) % METRICS_COUNTER_SHARDS;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
