import { dynamoDb, dynamoDbCatalog, dynamoDbOrders } from "../container/aws/dynamodb-service.js";
import { eventBridgeService } from "../container/aws/eventbridge-service.js";
import { snsAlertsService } from "../container/aws/sns-alerts-service.js";
import { MODIFY_ORDER_FLOWS } from "../container/order-flows-module.js";
import { createSqsHandler, type HandlerOptions, type SqsHandler } from "./handler-root.js";

/** The modify-order handler: consumes the modify queue (ModificationRequested events from the bus). */
export function createModifyOrderHandler(options: HandlerOptions = {}): SqsHandler {
  // Its ports (orders, bus, alerts, catalog) live on these services; only their SDK clients are bundled.
  return createSqsHandler(
    "modify-order",
    [dynamoDb(dynamoDbOrders, dynamoDbCatalog), eventBridgeService, snsAlertsService],
    MODIFY_ORDER_FLOWS,
    options,
  );
}

/** The Lambda entry point (`modify-order/index.handler`); builds its composition root on the first invocation. */
export const handler: SqsHandler = createModifyOrderHandler();
