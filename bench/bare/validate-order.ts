/**
 * The baseline of the cold-start comparison for validate-order: the SDK
 * clients it calls (DynamoDB with its document client, EventBridge), created on
 * the first invocation, making the same calls in the same order
 * (bench/order-calls.ts); no container, no schema library, no logger.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { type PlacedOrder, validateOrderCalls } from "../order-calls.js";

/** Created on the first invocation and kept, as a handler's clients are. */
export let clients: { dynamo: DynamoDBDocumentClient; events: EventBridgeClient } | undefined;

export async function handler(event: { Records?: { messageId: string; body: string }[] }) {
  clients ??= {
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    events: new EventBridgeClient({}),
  };
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records ?? []) {
    try {
      const { orderId } = JSON.parse(record.body) as { orderId: string };
      await validateOrderCalls(
        clients,
        orderId,
        (item) => item as unknown as PlacedOrder & { version: number },
      );
    } catch {
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
