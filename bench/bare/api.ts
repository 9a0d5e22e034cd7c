/**
 * The baseline of the cold-start benchmark for the api handler: the same SDK
 * clients and commands (DynamoDB with its document client, EventBridge, SQS),
 * created on the first invocation, answering GET /health, and POST /orders with
 * the calls orderflow makes for it (bench/order-calls.ts); no container, no
 * zod, no pino.
 */
import { randomUUID } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import {
  BatchGetCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { type PlacedOrder, placeOrderCalls } from "../order-calls.js";

/** The commands the api sends; kept so that the bundle holds their code, as the real handler's does. */
export const COMMANDS = [
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  PutEventsCommand,
  SendMessageBatchCommand,
];

/** Created on the first invocation and kept, as a handler's clients are. */
export let clients: { dynamo: DynamoDBDocumentClient; events: EventBridgeClient; sqs: SQSClient } | undefined;

export async function handler(event: { rawPath?: string; body?: string }) {
  clients ??= {
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    events: new EventBridgeClient({}),
    sqs: new SQSClient({}),
  };
  if (event.rawPath === "/orders") {
    const order = JSON.parse(event.body ?? "{}") as PlacedOrder;
    await placeOrderCalls(clients, order, randomUUID());
    return { statusCode: 202, body: JSON.stringify({ orderId: order.orderId, status: "RECEIVED" }) };
  }
  return {
    statusCode: event.rawPath === "/health" ? 200 : 404,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ status: "ok" }),
  };
}
