import { dynamoDb, dynamoDbOrders } from "../container/aws/dynamodb-service.js";
import { snsAlertsService } from "../container/aws/sns-alerts-service.js";
import { snsService } from "../container/aws/sns-service.js";
import { NOTIFY_ORDER_FLOWS } from "../container/notification-flows-module.js";
import { createSqsHandler, type HandlerOptions, type SqsHandler } from "./handler-root.js";

/** The notify-order handler: consumes the order-notifications queue (order outcomes from the bus) and tells each customer. */
export function createNotifyOrderHandler(options: HandlerOptions = {}): SqsHandler {
  // Its ports (orders, the notification topic, alerts) live on these services; only their SDK clients are bundled.
  return createSqsHandler(
    "notify-order",
    [dynamoDb(dynamoDbOrders), snsService, snsAlertsService],
    NOTIFY_ORDER_FLOWS,
    options,
  );
}

/** The Lambda entry point (`notify-order/index.handler`); builds its composition root on the first invocation. */
export const handler: SqsHandler = createNotifyOrderHandler();
