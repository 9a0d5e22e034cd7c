import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { stableId } from "../../domain/fingerprint.js";
import {
  addCounters,
  bucketStart,
  METRICS_GRANULARITIES,
  type MetricsGranularity,
} from "../../domain/metrics.js";
import type {
  MetricCounters,
  MetricsQuery,
  MetricsStore,
  StoredMetricsBucket,
} from "../../ports/metrics-store.js";
import { isConditionalCheckFailed } from "./aws-errors.js";
import type { DynamoDbAdapterOptions } from "./dynamodb-support.js";
import { dynamoDbFailure, toDocumentClient } from "./dynamodb-support.js";
import { METRICS_ATTRIBUTES as A, METRICS_BUCKET_SHARDS } from "./dynamodb-tables.js";

/**
 * {@link MetricsStore} on one DynamoDB table (`METRICS_TABLE` in
 * `dynamodb-tables.ts`): items keyed by period (`hour#<month>`, `day#<year>`)
 * and `<bucket start>#<shard>`, each holding counters (`c:<name>`, numbers)
 * and the string set `applied` of the events it counted.
 *
 * **Counted once, without transactions.** An event's counters go to its hour
 * item and its day item, each with one UpdateItem:
 * `ADD applied :event, c:… :n, …` under `NOT contains(applied, :event)`.
 * An UpdateItem is atomic on its item, so an item counts an event entirely or
 * not at all, and a second copy fails the condition and changes nothing. The
 * two items decide independently: after a crash between the two writes, the
 * redelivered event fails the condition on the item it reached and completes
 * the other; two concurrent copies race on each item and one wins each. No
 * marker item, no read before the write, and nothing a reader could see half
 * applied within an item. (`TransactWriteItems` of a dedup item and two ADDs
 * would do the same at a flat cost, but dynalite cannot run it, so no contract
 * suite could check it; see the costs below for when it would pay.)
 *
 * **The event's mark** in `applied` is its `stableId` (22 characters), not the
 * id itself (up to ~75): shorter items, and a collision is a 2^-106 chance.
 *
 * **Bounded items.** A set holds every event its item counted, so items grow
 * about 23 bytes per event and DynamoDB caps an item at 400 KB (about 17,000
 * events). Each bucket is therefore spread over shards by the event's mark
 * ({@link METRICS_BUCKET_SHARDS}: 4 items per hour, 16 per day), which holds
 * about 68,000 events an hour (19 a second, sustained for the hour) and
 * 270,000 a day; past that a write fails with a ValidationException, the record
 * fails and dead-letters, and the alarm says so. Reads add the shards up.
 *
 * **Costs** (on-demand units). An UpdateItem costs the larger of the item's
 * size before and after, per KB rounded up: for an item of counters (under a
 * KB) that counted `n` events, about 1 + 23·n/1024 WCU. Per event: two
 * UpdateItems, on average ≈ 2 + 23·(h/4 + d/16)/2048 WCU (plus about half a
 * unit each for the rounding once items pass a KB) for `h` events in its hour
 * and `d` in its day; at 1,000 completed-order events a day (42 an hour) that
 * is ≈ 3 WCU; at 10,000 a day ≈ 10 WCU, where a transaction (2 × (1 + 1 + 1) =
 * 6 WCU) becomes cheaper. A
 * duplicate costs its two failed conditions (the same units). A query reads
 * every shard of every bucket in range with one Query per partition (month or
 * year; at most two for the bounded ranges of `GET /metrics`), eventually
 * consistent: half an RCU per 4 KB.
 *
 * **Hot keys.** Every event of an hour writes one of four items and one of
 * sixteen for its day; an item takes 1,000 WCU/s, which the sizes above reach
 * before the partition does.
 */
export class DynamoDbMetricsStore implements MetricsStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoDbAdapterOptions) {
    this.client = toDocumentClient(options.client);
    this.tableName = options.tableName;
  }

  async record(eventId: string, at: string, counters: MetricCounters): Promise<boolean> {
    const mark = stableId(eventId);
    const results = await Promise.allSettled(
      METRICS_GRANULARITIES.map((granularity) => this.apply(granularity, at, mark, counters)),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    // The other item may have counted it: the retry this failure causes completes only what is missing.
    if (failed) throw dynamoDbFailure(failed.reason, this.tableName);
    return results.some((r) => r.status === "fulfilled" && r.value);
  }

  async query(query: MetricsQuery): Promise<StoredMetricsBucket[]> {
    const from = new Date(query.from).toISOString();
    const to = new Date(query.to).toISOString();
    const byStart = new Map<string, Record<string, number>>();
    for (const period of periodsBetween(query.granularity, from, to)) {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.read(
          new QueryCommand({
            TableName: this.tableName,
            // A sort key `<start>#<shard>` is ≥ `from` exactly when start ≥ from, and ≤ `to` when start < to.
            KeyConditionExpression: "#period = :period AND #bucket BETWEEN :first AND :last",
            ExpressionAttributeNames: { "#period": A.period, "#bucket": A.bucket },
            ExpressionAttributeValues: { ":period": period, ":first": from, ":last": to },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const start = String(item[A.bucket]).split("#")[0]!;
          const counters = byStart.get(start) ?? {};
          addCounters(counters, countersOf(item));
          byStart.set(start, counters);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    }
    return [...byStart.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([start, counters]) => ({ start, granularity: query.granularity, counters }));
  }

  private async read(command: QueryCommand) {
    try {
      return await this.client.send(command);
    } catch (err) {
      throw dynamoDbFailure(err, this.tableName);
    }
  }

  /** Adds the counters to one item unless it counted this event. @returns false for a duplicate. */
  private async apply(
    granularity: MetricsGranularity,
    at: string,
    mark: string,
    counters: MetricCounters,
  ): Promise<boolean> {
    const start = bucketStart(at, granularity);
    const shard = Number.parseInt(mark.slice(0, 6), 36) % METRICS_BUCKET_SHARDS[granularity];
    const names: Record<string, string> = { "#applied": A.applied };
    const values: Record<string, unknown> = { ":mark": mark, ":marks": new Set([mark]) };
    const adds = ["#applied :marks"];
    for (const [index, [name, amount]] of Object.entries(counters).entries()) {
      names[`#c${index}`] = `${A.counterPrefix}${name}`;
      values[`:c${index}`] = amount;
      adds.push(`#c${index} :c${index}`);
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: {
            [A.period]: periodOf(granularity, start),
            [A.bucket]: `${start}#${String(shard).padStart(2, "0")}`,
          },
          UpdateExpression: `ADD ${adds.join(", ")}`,
          ConditionExpression: "NOT contains(#applied, :mark)",
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw err;
    }
  }
}

/** The partition of a bucket: its month for hours, its year for days (a bounded query spans at most two). */
function periodOf(granularity: MetricsGranularity, start: string): string {
  return `${granularity}#${granularity === "hour" ? start.slice(0, 7) : start.slice(0, 4)}`;
}

/** The partitions holding buckets that start in [from, to). */
function periodsBetween(granularity: MetricsGranularity, from: string, to: string): string[] {
  if (from >= to) return [];
  const periods: string[] = [];
  const cursor = new Date(bucketStart(from, "day"));
  cursor.setUTCDate(1);
  if (granularity === "day") cursor.setUTCMonth(0);
  while (cursor.toISOString() < to) {
    periods.push(periodOf(granularity, cursor.toISOString()));
    if (granularity === "hour") cursor.setUTCMonth(cursor.getUTCMonth() + 1);
    else cursor.setUTCFullYear(cursor.getUTCFullYear() + 1);
  }
  return periods;
}

function countersOf(item: Record<string, unknown>): Record<string, number> {
  const counters: Record<string, number> = {};
  for (const [name, value] of Object.entries(item)) {
    if (name.startsWith(A.counterPrefix) && typeof value === "number") {
      counters[name.slice(A.counterPrefix.length)] = value;
    }
  }
  return counters;
}
