/**
 * The baseline of the cold-start benchmark for the api handler: the same SDK
 * clients (DynamoDB with its document client, EventBridge, SQS), created on
 * the first invocation, answering GET /health; no container, no zod, no pino.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

let clients: { dynamo: DynamoDBDocumentClient; events: EventBridgeClient; sqs: SQSClient } | undefined;

export async function handler(event: { rawPath?: string }) {
  clients ??= {
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    events: new EventBridgeClient({}),
    sqs: new SQSClient({}),
  };
  return {
    statusCode: event.rawPath === "/health" ? 200 : 404,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ status: "ok" }),
  };
}
