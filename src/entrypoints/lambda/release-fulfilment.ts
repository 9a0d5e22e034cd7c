import { dynamoDb, dynamoDbOrders, dynamoDbTaskTokens } from "../container/aws/dynamodb-service.js";
import { snsAlertsService } from "../container/aws/sns-alerts-service.js";
import { stepFunctionsService } from "../container/aws/step-functions-service.js";
import { WORKFLOW_FLOWS } from "../container/workflow-flows-module.js";
import { createSqsHandler, type HandlerOptions, type SqsHandler } from "./handler-root.js";

/** The release-fulfilment handler: consumes the fulfilments queue (OrderFulfilled), completing each order's wait. */
export function createReleaseFulfilmentHandler(options: HandlerOptions = {}): SqsHandler {
  // Its ports (task tokens, orders, workflows, alerts) live on these services; only their SDK clients are bundled.
  return createSqsHandler(
    "release-fulfilment",
    [dynamoDb(dynamoDbTaskTokens, dynamoDbOrders), stepFunctionsService, snsAlertsService],
    WORKFLOW_FLOWS,
    options,
  );
}

/** The Lambda entry point (`release-fulfilment/index.handler`); builds its composition root on the first invocation. */
export const handler: SqsHandler = createReleaseFulfilmentHandler();
