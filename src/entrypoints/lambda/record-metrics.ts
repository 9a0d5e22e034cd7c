import { dynamoDb, dynamoDbMetrics, dynamoDbOrders } from "../container/aws/dynamodb-service.js";
import { snsAlertsService } from "../container/aws/sns-alerts-service.js";
import { RECORD_METRICS_FLOWS } from "../container/metrics-flows-module.js";
import { createSqsHandler, type HandlerOptions, type SqsHandler } from "./handler-root.js";

/** The record-metrics handler: consumes the metrics queue (completed-order events from the bus) and counts each once. */
export function createRecordMetricsHandler(options: HandlerOptions = {}): SqsHandler {
  // Its ports (orders, metrics, alerts) live on these services; only their SDK clients are bundled.
  return createSqsHandler(
    "record-metrics",
    [dynamoDb(dynamoDbOrders, dynamoDbMetrics), snsAlertsService],
    RECORD_METRICS_FLOWS,
    options,
  );
}

/** The Lambda entry point (`record-metrics/index.handler`); builds its composition root on the first invocation. */
export const handler: SqsHandler = createRecordMetricsHandler();
