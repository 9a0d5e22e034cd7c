import { dynamoDb, dynamoDbCatalog, dynamoDbOrders } from "../container/aws/dynamodb-service.js";
import { eventBridgeService } from "../container/aws/eventbridge-service.js";
import { snsAlertsService } from "../container/aws/sns-alerts-service.js";
import { VALIDATE_ORDER_FLOWS } from "../container/order-flows-module.js";
import { createSqsHandler, type HandlerOptions, type SqsHandler } from "./handler-root.js";

/** The validate-order handler: consumes the intake FIFO queue: records each placed order and validates it. */
export function createValidateOrderHandler(options: HandlerOptions = {}): SqsHandler {
  // Its ports (orders, bus, alerts, catalog) live on these services; only their SDK clients are bundled.
  return createSqsHandler(
    "validate-order",
    [dynamoDb(dynamoDbOrders, dynamoDbCatalog), eventBridgeService, snsAlertsService],
    VALIDATE_ORDER_FLOWS,
    options,
  );
}

/** The Lambda entry point (`validate-order/index.handler`); builds its composition root on the first invocation. */
export const handler: SqsHandler = createValidateOrderHandler();
