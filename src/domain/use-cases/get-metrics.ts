import * as z from "zod/mini";
import { ValidationError } from "../errors.js";
import {
  bucketStart,
  METRICS_GRANULARITIES,
  METRICS_QUERY_LIMITS,
  type MetricsBucket,
  type MetricsGranularity,
  toMetricsBucket,
} from "../metrics.js";
import type { MetricsStore } from "../ports.js";
import { parseOrThrow } from "../schemas.js";

const DAY_MS = 86_400_000;

/** `GET /metrics?from=&to=&granularity=`: ISO 8601 times (with an offset or `Z`), `to` after `from`. */
export const MetricsQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  granularity: z.enum(METRICS_GRANULARITIES as [MetricsGranularity, ...MetricsGranularity[]]),
});

export type MetricsQueryInput = z.infer<typeof MetricsQuerySchema>;

/** What `GET /metrics` answers. */
export interface MetricsAnswer {
  /** The non-empty buckets, oldest first. */
  readonly buckets: readonly MetricsBucket[];
}

/**
 * Reads the business metrics of a range: the buckets of one granularity that
 * hold any of `[from, to)`, so `from` in the middle of an hour starts with that
 * hour. A range is bounded ({@link METRICS_QUERY_LIMITS}: 31 days by the hour,
 * 366 by the day), so one request reads a bounded number of buckets.
 */
export class GetMetrics {
  constructor(private readonly deps: { readonly metrics: Pick<MetricsStore, "query"> }) {}

  /** @throws ValidationError (`VALIDATION_FAILED`) naming the field: a bad time or granularity, `to` not after `from`, a range too long. */
  async execute(query: unknown): Promise<MetricsAnswer> {
    const { from, to, granularity } = parseOrThrow(MetricsQuerySchema, query, "query");
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    if (!(toMs > fromMs)) {
      throw new ValidationError("query is invalid", [
        { path: "to", message: "must be after from", code: "custom" },
      ]);
    }
    const maxDays =
      granularity === "hour" ? METRICS_QUERY_LIMITS.maxHourlyDays : METRICS_QUERY_LIMITS.maxDailyDays;
    if (toMs - fromMs > maxDays * DAY_MS) {
      throw new ValidationError("query is invalid", [
        {
          path: "to",
          message: `must be at most ${maxDays} days after from by the ${granularity}`,
          code: "custom",
        },
      ]);
    }
    const stored = await this.deps.metrics.query({
      from: bucketStart(new Date(fromMs), granularity),
      to: new Date(toMs).toISOString(),
      granularity,
    });
    return { buckets: stored.map(toMetricsBucket) };
  }
}
