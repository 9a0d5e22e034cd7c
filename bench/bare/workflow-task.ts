/**
 * The baseline of the cold-start benchmark for the workflow-task handler: the
 * same SDK clients and commands (DynamoDB with its document client,
 * EventBridge, Step Functions), created on the first invocation, answering a
 * task state's payload; no container, no zod, no pino.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { SendTaskSuccessCommand, SFNClient } from "@aws-sdk/client-sfn";
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";

/** The commands the tasks send; kept so that the bundle holds their code, as the real handler's does. */
export const COMMANDS = [
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  PutEventsCommand,
  SendTaskSuccessCommand,
];

/** Created on the first invocation and kept, as a handler's clients are. */
export let clients: { dynamo: DynamoDBDocumentClient; events: EventBridgeClient; sfn: SFNClient } | undefined;

export async function handler(event: { task?: string; orderId?: string }) {
  clients ??= {
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    events: new EventBridgeClient({}),
    sfn: new SFNClient({}),
  };
  return { task: event.task, orderId: event.orderId };
}
