/**
 * The baseline of the cold-start benchmark for the SQS handlers: the same SDK
 * clients as validate/process/cancel/modify-order (DynamoDB with its document
 * client, EventBridge, SNS), created on the first invocation, and nothing
 * else: no container, no zod, no pino.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SNSClient } from "@aws-sdk/client-sns";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

let clients: { dynamo: DynamoDBDocumentClient; events: EventBridgeClient; sns: SNSClient } | undefined;

export async function handler(event: { Records?: unknown[] }) {
  clients ??= {
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    events: new EventBridgeClient({}),
    sns: new SNSClient({}),
  };
  return { batchItemFailures: [] as { itemIdentifier: string }[], records: event.Records?.length ?? 0 };
}
