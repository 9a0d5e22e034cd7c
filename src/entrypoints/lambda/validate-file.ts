import { dynamoDb, dynamoDbFileHistory } from "../container/aws/dynamodb-service.js";
import { s3Service } from "../container/aws/s3-service.js";
import { snsAlertsService } from "../container/aws/sns-alerts-service.js";
import { sqsService } from "../container/aws/sqs-service.js";
import { FILE_FLOWS } from "../container/file-flows-module.js";
import { createSqsHandler, type HandlerOptions, type SqsHandler } from "./handler-root.js";

/** The validate-file handler: consumes the file-intake queue (S3 notifications of `incoming/`): validates, records, alerts. */
export function createValidateFileHandler(options: HandlerOptions = {}): SqsHandler {
  // Files on S3, their history on DynamoDB, alerts on SNS, valid files to the extraction queue on SQS.
  return createSqsHandler(
    "validate-file",
    [s3Service, dynamoDb(dynamoDbFileHistory), snsAlertsService, sqsService],
    FILE_FLOWS,
    options,
  );
}

/** The Lambda entry point (`validate-file/index.handler`); builds its composition root on the first invocation. */
export const handler: SqsHandler = createValidateFileHandler();
