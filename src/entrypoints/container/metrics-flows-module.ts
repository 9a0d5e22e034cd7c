import type { ContainerModule } from "inversify";
import { GetMetrics } from "../../domain/use-cases/get-metrics.js";
import { RecordOrderMetrics } from "../../domain/use-cases/record-order-metrics.js";
import { ALERT_PUBLISHER, type AlertPublisher } from "../../ports/alert-publisher.js";
import { CLOCK, type Clock } from "../../ports/clock.js";
import { LOGGER, type Logger } from "../../ports/logger.js";
import { METRICS_STORE, type MetricsStore } from "../../ports/metrics-store.js";
import { ORDER_REPOSITORY, type OrderRepository } from "../../ports/order-repository.js";
import { recordMetricsConsumer } from "../consumers/metrics-consumers.js";
import { MetricsApi } from "../http/metrics-api.js";
import { bindingsModule, type ConsumerFlows, type FlowBinding } from "./consumer-flows.js";
import { consumerToken, GET_METRICS, METRICS_API, RECORD_ORDER_METRICS } from "./tokens.js";

/** The API's `GET /metrics`, with its use case. */
export const metricsApiBinding: FlowBinding = (bind) => {
  bind(GET_METRICS).toResolvedValue((metrics: MetricsStore) => new GetMetrics({ metrics }), [METRICS_STORE]);
  bind(METRICS_API).toResolvedValue((get: GetMetrics) => new MetricsApi({ get }), [GET_METRICS]);
};

/** The consumer of the metrics queue (completed-order events), with its use case. */
export const recordMetricsBinding: FlowBinding = (bind) => {
  bind(RECORD_ORDER_METRICS).toResolvedValue(
    (orders: OrderRepository, metrics: MetricsStore) => new RecordOrderMetrics({ orders, metrics }),
    [ORDER_REPOSITORY, METRICS_STORE],
  );
  bind(consumerToken("recordMetrics")).toResolvedValue(
    (record: RecordOrderMetrics, logger: Logger, alerts: AlertPublisher, clock: Clock) =>
      recordMetricsConsumer(record, { logger, alerts, clock }),
    [RECORD_ORDER_METRICS, LOGGER, ALERT_PUBLISHER, CLOCK],
  );
};

/**
 * Binds the business-metrics flows: recording completed-order events (the
 * metrics queue's consumer) and reading the buckets (the API's `GET /metrics`).
 * Nothing is made before it is resolved.
 */
export function metricsFlowsModule(): ContainerModule {
  return bindingsModule([metricsApiBinding, recordMetricsBinding]);
}

/** The metrics flows (the API's operation and the consumer), as a process that runs them all loads them. */
export const METRICS_FLOWS: ConsumerFlows = {
  modules: () => [metricsFlowsModule()],
};

/** The flows of the record-metrics handler: its consumer and its use case. */
export const RECORD_METRICS_FLOWS: ConsumerFlows = {
  modules: (options) => [bindingsModule([recordMetricsBinding], options)],
};
