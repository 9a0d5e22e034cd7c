import { dynamoDb, dynamoDbOrders } from "../container/aws/dynamodb-service.js";
import { eventBridgeService } from "../container/aws/eventbridge-service.js";
import { snsAlertsService } from "../container/aws/sns-alerts-service.js";
import { CANCEL_ORDER_FLOWS } from "../container/order-flows-module.js";
import { createSqsHandler, type HandlerOptions, type SqsHandler } from "./handler-root.js";

/** The cancel-order handler: consumes the cancel queue (CancellationRequested events from the bus). */
export function createCancelOrderHandler(options: HandlerOptions = {}): SqsHandler {
  // Its ports (orders, bus, alerts) live on these services; only their SDK clients are bundled.
  return createSqsHandler(
    "cancel-order",
    [dynamoDb(dynamoDbOrders), eventBridgeService, snsAlertsService],
    CANCEL_ORDER_FLOWS,
    options,
  );
}

/** The Lambda entry point (`cancel-order/index.handler`); builds its composition root on the first invocation. */
export const handler: SqsHandler = createCancelOrderHandler();
