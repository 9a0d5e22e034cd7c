import type { MetricsStore } from "../domain/ports.js";
import { token } from "./token.js";

export type {
  MetricCounters,
  MetricsGranularity,
  StoredMetricsBucket,
} from "../domain/metrics.js";
export type { MetricsQuery, MetricsStore } from "../domain/ports.js";

export const METRICS_STORE = token<MetricsStore>("MetricsStore");
