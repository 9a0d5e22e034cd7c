/**
 * The AWS calls of orderflow's validate-order handler and of `POST /orders`,
 * written with the SDK alone, in the order orderflow makes them, on the same
 * item layout (so that they succeed against the same table):
 *
 * - validate an order: GetItem (the order), BatchGetItem (its products),
 *   UpdateItem (status, version, events into the outbox; conditioned on the
 *   version read), PutEvents (the outbox), UpdateItem (the outbox emptied);
 * - place an order: SendMessageBatch (its validation request on the intake FIFO
 *   queue), UpdateItem (the order created `RECEIVED`, `OrderPlaced` in its outbox).
 *
 * The cold-start comparison's bare handlers and Powertools equivalents share
 * them, so that they differ from orderflow only in what wraps the calls.
 */
import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";

export interface OrderItem {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

export interface PlacedOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly items: readonly OrderItem[];
  readonly shippingAddress: Readonly<Record<string, string>>;
}

export interface OrderEvent {
  readonly id: string;
  readonly type: string;
  readonly orderId: string;
  readonly [field: string]: unknown;
}

/** The tables, bus and queue the calls reach, from the handler's environment. */
export const resources = () => ({
  ordersTable: process.env.ORDERS_TABLE!,
  productsTable: process.env.PRODUCTS_TABLE!,
  eventBus: process.env.EVENT_BUS_NAME!,
  intakeQueue: process.env.INTAKE_QUEUE_URL!,
});

/** Validates a `RECEIVED` order against the catalog; `check` is the caller's reading of the stored order. */
export async function validateOrderCalls(
  clients: { readonly dynamo: DynamoDBDocumentClient; readonly events: EventBridgeClient },
  orderId: string,
  check: (item: Record<string, unknown>) => PlacedOrder & { readonly version: number },
): Promise<"VALIDATED" | "REJECTED" | "SKIPPED"> {
  const { ordersTable, productsTable, eventBus } = resources();
  const { Item } = await clients.dynamo.send(
    new GetCommand({ TableName: ordersTable, Key: { orderId }, ConsistentRead: true }),
  );
  if (!Item) throw new Error(`order ${orderId} not found`);
  if (Item.status !== "RECEIVED") return "SKIPPED";
  const order = check(Item);
  const skus = [...new Set(order.items.map((item) => item.sku))];
  const { Responses } = await clients.dynamo.send(
    new BatchGetCommand({ RequestItems: { [productsTable]: { Keys: skus.map((sku) => ({ sku })) } } }),
  );
  const prices = new Map(
    (Responses?.[productsTable] ?? []).map((p) => [p.sku as string, p.unitPrice as number]),
  );
  const valid = order.items.every((item) => prices.get(item.sku) === item.unitPrice);
  const status = valid ? "VALIDATED" : "REJECTED";
  const version = order.version + 1;
  const at = new Date().toISOString();
  const event: OrderEvent = {
    id: `${orderId}:${version}:0`,
    type: `Order${valid ? "Validated" : "Rejected"}`,
    orderId,
    at,
  };
  await clients.dynamo.send(
    new UpdateCommand({
      TableName: ordersTable,
      Key: { orderId },
      UpdateExpression:
        "SET #status = :status, #version = :version, updatedAt = :at, #outbox.#event = :event",
      ConditionExpression: "#version = :expected",
      ExpressionAttributeNames: {
        "#status": "status",
        "#version": "version",
        "#outbox": "outbox",
        "#event": event.id,
      },
      ExpressionAttributeValues: {
        ":status": status,
        ":version": version,
        ":at": at,
        ":event": event,
        ":expected": order.version,
      },
    }),
  );
  const outbox = [...Object.values((Item.outbox ?? {}) as Record<string, OrderEvent>), event];
  await publish(clients.events, eventBus, outbox);
  await clients.dynamo.send(
    new UpdateCommand({
      TableName: ordersTable,
      Key: { orderId },
      UpdateExpression: `REMOVE ${outbox.map((_, i) => `#outbox.#e${i}`).join(", ")}`,
      ConditionExpression: "attribute_exists(#outbox)",
      ExpressionAttributeNames: {
        "#outbox": "outbox",
        ...Object.fromEntries(outbox.map((e, i) => [`#e${i}`, e.id])),
      },
    }),
  );
  return status;
}

/** Asks for the order's validation, then records it `RECEIVED`. */
export async function placeOrderCalls(
  clients: { readonly dynamo: DynamoDBDocumentClient; readonly sqs: SQSClient },
  order: PlacedOrder,
  correlationId: string,
): Promise<void> {
  const { ordersTable, intakeQueue } = resources();
  const commandId = `place-${order.orderId}`;
  const sent = await clients.sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: intakeQueue,
      Entries: [
        {
          Id: "0",
          MessageBody: JSON.stringify({
            type: "ValidateOrder",
            orderId: order.orderId,
            commandId,
            correlationId,
          }),
          MessageGroupId: order.orderId,
          MessageDeduplicationId: commandId,
        },
      ],
    }),
  );
  if (sent.Failed?.length) throw new Error(`the intake queue refused the request: ${sent.Failed[0]?.Code}`);
  const at = new Date().toISOString();
  const total = order.items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0);
  const placed: OrderEvent = {
    id: `${order.orderId}:1:0`,
    type: "OrderPlaced",
    orderId: order.orderId,
    at,
    total,
  };
  await clients.dynamo.send(
    new UpdateCommand({
      TableName: ordersTable,
      Key: { orderId: order.orderId },
      UpdateExpression:
        "SET customerId = :customer, currency = :currency, #items = :items, shippingAddress = :address, #total = :total, " +
        "#status = :status, #version = :version, createdAt = :at, updatedAt = :at, correlationId = :correlation, #outbox = :outbox",
      ConditionExpression: "attribute_not_exists(orderId)",
      ExpressionAttributeNames: {
        "#items": "items",
        "#total": "total",
        "#status": "status",
        "#version": "version",
        "#outbox": "outbox",
      },
      ExpressionAttributeValues: {
        ":customer": order.customerId,
        ":currency": order.currency,
        ":items": order.items,
        ":address": order.shippingAddress,
        ":total": total,
        ":status": "RECEIVED",
        ":version": 1,
        ":at": at,
        ":correlation": correlationId,
        ":outbox": { [placed.id]: placed },
      },
    }),
  );
}

async function publish(
  events: EventBridgeClient,
  eventBus: string,
  outbox: readonly OrderEvent[],
): Promise<void> {
  const out = await events.send(
    new PutEventsCommand({
      Entries: outbox.map((event) => ({
        EventBusName: eventBus,
        Source: "orderflow",
        DetailType: event.type,
        Detail: JSON.stringify(event),
      })),
    }),
  );
  if (out.FailedEntryCount) throw new Error(`${out.FailedEntryCount} events not published`);
}
