import { ContainerModule } from "inversify";
import { GetMetrics } from "../../domain/use-cases/get-metrics.js";
import { RecordOrderMetrics } from "../../domain/use-cases/record-order-metrics.js";
import { ALERT_PUBLISHER, type AlertPublisher } from "../../ports/alert-publisher.js";
import { CLOCK, type Clock } from "../../ports/clock.js";
import { LOGGER, type Logger } from "../../ports/logger.js";
import { METRICS_STORE, type MetricsStore } from "../../ports/metrics-store.js";
import { ORDER_REPOSITORY, type OrderRepository } from "../../ports/order-repository.js";
import { recordMetricsConsumer } from "../consumers/metrics-consumers.js";
import { MetricsApi } from "../http/metrics-api.js";
import type { ConsumerFlows } from "./consumer-flows.js";
import { consumerToken, GET_METRICS, METRICS_API, RECORD_ORDER_METRICS } from "./tokens.js";

/**
 * Binds the business-metrics flows: recording completed-order events (the
 * metrics queue's consumer) and reading the buckets (the API's `GET /metrics`).
 * Nothing is made before it is resolved.
 */
export function metricsFlowsModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(RECORD_ORDER_METRICS).toResolvedValue(
      (orders: OrderRepository, metrics: MetricsStore) => new RecordOrderMetrics({ orders, metrics }),
      [ORDER_REPOSITORY, METRICS_STORE],
    );
    bind(GET_METRICS).toResolvedValue(
      (metrics: MetricsStore) => new GetMetrics({ metrics }),
      [METRICS_STORE],
    );
    bind(METRICS_API).toResolvedValue((get: GetMetrics) => new MetricsApi({ get }), [GET_METRICS]);
    bind(consumerToken("recordMetrics")).toResolvedValue(
      (record: RecordOrderMetrics, logger: Logger, alerts: AlertPublisher, clock: Clock) =>
        recordMetricsConsumer(record, { logger, alerts, clock }),
      [RECORD_ORDER_METRICS, LOGGER, ALERT_PUBLISHER, CLOCK],
    );
  });
}

/** The metrics flows, as a handler's composition root loads them. */
export const METRICS_FLOWS: ConsumerFlows = {
  modules: () => [metricsFlowsModule()],
};
