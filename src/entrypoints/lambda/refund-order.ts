import { dynamoDb, dynamoDbOrders } from "../container/aws/dynamodb-service.js";
import { eventBridgeService } from "../container/aws/eventbridge-service.js";
import { snsAlertsService } from "../container/aws/sns-alerts-service.js";
import { REFUND_ORDER_FLOWS } from "../container/order-flows-module.js";
import { createSqsHandler, type HandlerOptions, type SqsHandler } from "./handler-root.js";

/** The refund-order handler: consumes the refunds queue (OrderRefundRequired and OrderCancelled events from the bus): pays back refunds owed. */
export function createRefundOrderHandler(options: HandlerOptions = {}): SqsHandler {
  // Its ports (orders, bus, alerts, payments) live on these services; only their SDK clients are bundled.
  return createSqsHandler(
    "refund-order",
    [dynamoDb(dynamoDbOrders), eventBridgeService, snsAlertsService],
    REFUND_ORDER_FLOWS,
    options,
  );
}

/** The Lambda entry point (`refund-order/index.handler`); builds its composition root on the first invocation. */
export const handler: SqsHandler = createRefundOrderHandler();
