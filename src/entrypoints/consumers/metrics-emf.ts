import { ORDER_OUTCOMES, type OrderOutcome } from "../../domain/metrics.js";
import type { RecordMetricsOutcome } from "../../domain/use-cases/record-order-metrics.js";

/**
 * CloudWatch business metrics as Embedded Metric Format log lines: a JSON
 * object whose `_aws` member tells CloudWatch Logs which of its fields are
 * metrics, in which namespace, under which dimensions. Written through the
 * Logger port (pino puts fields at the top level of each line) rather than
 * with `aws-embedded-metrics` or Powertools' metrics (28–37 KB bundled, and
 * the former probes ECS and EC2 metadata off Lambda): the format is a small
 * documented JSON shape, and a line per batch needs no client.
 *
 * Only events counted for the first time are in the lines (a duplicate adds
 * nothing to the table, so nothing to CloudWatch either). The metrics table is
 * the truth: a process that dies after the table's write and before the log
 * line leaves CloudWatch one event short, never one over. The lines are
 * written at `info`: a function whose LOG_LEVEL is `warn` or above writes none.
 */

/** The namespace of orderflow's business metrics (the dashboard's widgets read it). */
export const BUSINESS_METRICS_NAMESPACE = "orderflow/business";

/** The dimension every business metric carries (one series per deployment's service). */
export const BUSINESS_METRICS_SERVICE = "orderflow";

/** The CloudWatch metric name of each outcome's count: `OrdersConfirmed`, `OrdersPaymentFailed`, … */
export function outcomeMetricName(outcome: OrderOutcome): string {
  return `Orders${outcome[0]!.toUpperCase()}${outcome.slice(1)}`;
}

/** The metric of revenue, per currency (dimension `Currency`), in minor units. */
export const REVENUE_METRIC = "Revenue";

/** One EMF log line: its fields, `_aws` included, to be written at the top level of a JSON log line. */
export type EmfLine = Readonly<Record<string, unknown>>;

/**
 * The EMF lines of a batch's outcomes: one of the outcome counts (every outcome,
 * zeros included, so a quiet period graphs as zero), and one per currency of
 * revenue. None when nothing was counted for the first time.
 */
export function businessMetricLines(outcomes: readonly RecordMetricsOutcome[], timestamp: number): EmfLine[] {
  const counts = Object.fromEntries(ORDER_OUTCOMES.map((o) => [o, 0])) as Record<OrderOutcome, number>;
  const revenue = new Map<string, number>();
  let recorded = 0;
  for (const outcome of outcomes) {
    if (outcome.outcome !== "RECORDED") continue;
    recorded += 1;
    for (const [name, amount] of Object.entries(outcome.counters)) {
      const [family, key] = [name.slice(0, name.indexOf(".")), name.slice(name.indexOf(".") + 1)];
      if (family === "orders" && Object.hasOwn(counts, key)) counts[key as OrderOutcome] += amount;
      if (family === "revenue") revenue.set(key, (revenue.get(key) ?? 0) + amount);
    }
  }
  if (recorded === 0) return [];
  const lines: EmfLine[] = [
    {
      _aws: {
        Timestamp: timestamp,
        CloudWatchMetrics: [
          {
            Namespace: BUSINESS_METRICS_NAMESPACE,
            Dimensions: [["Service"]],
            Metrics: ORDER_OUTCOMES.map((o) => ({ Name: outcomeMetricName(o), Unit: "Count" })),
          },
        ],
      },
      Service: BUSINESS_METRICS_SERVICE,
      ...Object.fromEntries(ORDER_OUTCOMES.map((o) => [outcomeMetricName(o), counts[o]])),
    },
  ];
  for (const [currency, amount] of revenue) {
    lines.push({
      _aws: {
        Timestamp: timestamp,
        CloudWatchMetrics: [
          {
            Namespace: BUSINESS_METRICS_NAMESPACE,
            Dimensions: [["Service", "Currency"]],
            Metrics: [{ Name: REVENUE_METRIC, Unit: "None" }],
          },
        ],
      },
      Service: BUSINESS_METRICS_SERVICE,
      Currency: currency,
      [REVENUE_METRIC]: amount,
    });
  }
  return lines;
}
