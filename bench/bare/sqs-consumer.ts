/**
 * The baseline of the cold-start benchmark for the SQS handlers: the same SDK
 * clients and commands as validate/process/cancel/modify-order (DynamoDB with
 * its document client, EventBridge, SNS), created on the first invocation, and
 * nothing else: no container, no zod, no pino.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { PublishBatchCommand, SNSClient } from "@aws-sdk/client-sns";
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";

/** The commands a flow sends; kept so that the bundle holds their code, as the real handler's does. */
export const COMMANDS = [
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  PutEventsCommand,
  PublishBatchCommand,
];

/** Created on the first invocation and kept, as a handler's clients are. */
export let clients: { dynamo: DynamoDBDocumentClient; events: EventBridgeClient; sns: SNSClient } | undefined;

export async function handler(event: { Records?: unknown[] }) {
  clients ??= {
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    events: new EventBridgeClient({}),
    sns: new SNSClient({}),
  };
  return { batchItemFailures: [] as { itemIdentifier: string }[], records: event.Records?.length ?? 0 };
}
