import { dynamoDb, dynamoDbFileHistory, dynamoDbOrders } from "../container/aws/dynamodb-service.js";
import { s3Service } from "../container/aws/s3-service.js";
import { snsAlertsService } from "../container/aws/sns-alerts-service.js";
import { sqsService } from "../container/aws/sqs-service.js";
import { FILE_FLOWS } from "../container/file-flows-module.js";
import { createSqsHandler, type HandlerOptions, type SqsHandler } from "./handler-root.js";

/**
 * The extract-orders handler: consumes the file-extraction queue (batch size 1
 * recommended): places each valid order of a validated file (recorded, its
 * validation asked for on the intake FIFO queue), continuing from its checkpoint.
 */
export function createExtractOrdersHandler(options: HandlerOptions = {}): SqsHandler {
  return createSqsHandler(
    "extract-orders",
    [s3Service, dynamoDb(dynamoDbFileHistory, dynamoDbOrders), snsAlertsService, sqsService],
    FILE_FLOWS,
    options,
  );
}

/** The Lambda entry point (`extract-orders/index.handler`); builds its composition root on the first invocation. */
export const handler: SqsHandler = createExtractOrdersHandler();
