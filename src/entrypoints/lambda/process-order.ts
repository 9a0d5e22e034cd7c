import { dynamoDb, dynamoDbOrders } from "../container/aws/dynamodb-service.js";
import { eventBridgeService } from "../container/aws/eventbridge-service.js";
import { snsAlertsService } from "../container/aws/sns-alerts-service.js";
import { PROCESS_ORDER_FLOWS } from "../container/order-flows-module.js";
import { createSqsHandler, type HandlerOptions, type SqsHandler } from "./handler-root.js";

/** The process-order handler: consumes the processing queue (OrderValidated events from the bus): payment and confirmation. */
export function createProcessOrderHandler(options: HandlerOptions = {}): SqsHandler {
  // Its ports (orders, bus, alerts, payments) live on these services; only their SDK clients are bundled.
  return createSqsHandler(
    "process-order",
    [dynamoDb(dynamoDbOrders), eventBridgeService, snsAlertsService],
    PROCESS_ORDER_FLOWS,
    options,
  );
}

/** The Lambda entry point (`process-order/index.handler`); builds its composition root on the first invocation. */
export const handler: SqsHandler = createProcessOrderHandler();
