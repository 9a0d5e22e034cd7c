import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { GetCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { OrderEvent } from "../../domain/events.js";
import type { OrderStatus } from "../../domain/lifecycle.js";
import type { Order as OrderAggregate, OrderSnapshot } from "../../domain/order.js";
import { Order } from "../../domain/order.js";
import { ConcurrencyError } from "../../ports/errors.js";
import type { OrderRepository, StoredOrder } from "../../ports/order-repository.js";
import type { Page, PageRequest } from "../../ports/paging.js";
import { isConditionalCheckFailed } from "./aws-errors.js";
import type { DynamoDbAdapterOptions, DynamoKey } from "./dynamodb-support.js";
import {
  batchGetByKey,
  DEFAULT_BATCH_RETRY,
  decodePageToken,
  dynamoDbFailure,
  encodePageToken,
  invalidPageToken,
  pageSize,
  readPage,
  toDocumentClient,
} from "./dynamodb-support.js";
import { ORDER_ATTRIBUTES, ORDER_INDEXES } from "./dynamodb-tables.js";
import type { RetryOptions } from "./retry.js";

/** Snapshot fields that may be absent; a save removes them from the item when the snapshot lacks them. */
const OPTIONAL_SNAPSHOT_FIELDS = [
  "reasons",
  "payment",
  "cancellation",
  "refundOwed",
  "refund",
  "lastRejectedRequest",
  "paymentFailure",
  "lastModificationRequestedAt",
] as const;

/** Attributes of the item that are not part of the snapshot. */
const STORAGE_ONLY_ATTRIBUTES: ReadonlySet<string> = new Set([
  ORDER_ATTRIBUTES.byCustomerSortKey,
  ORDER_ATTRIBUTES.byStatusSortKey,
  ORDER_ATTRIBUTES.outbox,
]);

/** Most ids removed from the outbox by one UpdateItem, to stay far below the 4 KB expression limit. */
const MARK_PUBLISHED_CHUNK = 100;

const BY_CUSTOMER_KEY = [ORDER_ATTRIBUTES.orderId, "customerId", ORDER_ATTRIBUTES.byCustomerSortKey] as const;
const BY_STATUS_KEY = [ORDER_ATTRIBUTES.orderId, "status", ORDER_ATTRIBUTES.byStatusSortKey] as const;

/**
 * {@link OrderRepository} on one DynamoDB table (`ORDERS_TABLE` in `dynamodb-tables.ts`), one item per order.
 *
 * **Item layout.** The item is the order snapshot as top-level attributes
 * (`orderId` is the partition key, `version` the optimistic-lock counter), plus:
 * - `outbox`: a map from event id to event, the events saved but not yet known
 *   to be published;
 * - `byCustomerSk` = `<createdAt>#<orderId>`, sort key of the `byCustomer`
 *   index (partition `customerId`), read newest first;
 * - `byStatusSk` = `<updatedAt>#<orderId>`, sort key of the `byStatus` index
 *   (partition `status`), read oldest update first.
 *
 * **Transactional outbox without transactions.** `save` is one UpdateItem that
 * sets the new state and adds the order's recorded events to `outbox`,
 * conditioned on `attribute_not_exists(orderId)` (expected version 0) or
 * `version = :expected`; nothing is read first. State and events therefore
 * commit together or not at all, on DynamoDB and on emulators without
 * TransactWriteItems. The outbox is a map, not a list, because a map entry can
 * be added (`SET outbox.#id = :event`) and removed (`REMOVE outbox.#id`) by id
 * without knowing its position: `markPublished` needs no read and cannot remove
 * the wrong entry when a save appends concurrently. Maps have no order, so `get`
 * restores it from the ids, `<orderId>:<orderVersion>:<index>`: by version,
 * then index.
 *
 * **Item size.** DynamoDB refuses items over 400 KB. The schemas bound what an
 * order holds (at most 100 lines with 64-character SKUs, address fields of 200
 * characters, reasons of at most four issues per line plus two, a window of 64
 * command ids), so the state is bounded. Measured worst case (the test
 * "worst-case order" in `dynamodb-order-repository.test.ts`: every string at
 * its limit in 3-byte UTF-8 characters, 128-character command ids, 401
 * rejection issues both in `reasons` and in `lastRejectedRequest`): the state
 * is at most about 132 KB, and the largest events one command records (a full
 * rejection) about 55 KB, so the usual item (state plus at most one command's
 * unpublished events) stays under 190 KB. The outbox holds what commands
 * recorded since the last successful publish; even the whole lifecycle
 * unpublished (placed, modified, modification refused, rejected) measures
 * 286 KB. Only a publisher broken across many more large commands of one order
 * could push a save over the limit, and then DynamoDB refuses the write with a
 * ValidationException: loudly, never partially.
 *
 * **Lists.** Both indexes project keys only (see `ORDERS_TABLE`), so that saves
 * and `markPublished` write little or nothing to them. A list queries the index
 * for one page of keys, then reads those items with BatchGetItem (strongly
 * consistent, 100 keys per call, unprocessed keys retried with backoff) and
 * answers them in the index's order, without their outbox. Paging is by the
 * index keys, so a page token means what it meant with full projections.
 *
 * **Consistency.** `get` is a strongly consistent read. The indexes are updated
 * asynchronously, so a list may miss a write made a moment ago; its items,
 * though, are read after the index, and an item deleted since, or that has left
 * the listed customer or status since, is left out of the page (which may then
 * hold fewer than `limit` items while a `nextToken` still follows).
 */
export class DynamoDbOrderRepository implements OrderRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retry: RetryOptions;

  constructor(options: DynamoDbAdapterOptions) {
    this.client = toDocumentClient(options.client);
    this.tableName = options.tableName;
    this.retry = { ...DEFAULT_BATCH_RETRY, ...options.retry };
  }

  async get(orderId: string): Promise<StoredOrder | undefined> {
    let item: Record<string, unknown> | undefined;
    try {
      const out = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { orderId }, ConsistentRead: true }),
      );
      item = out.Item;
    } catch (err) {
      throw dynamoDbFailure(err, this.tableName);
    }
    if (!item) return undefined;
    return { order: Order.fromSnapshot(toSnapshot(item)), outbox: outboxOf(item) };
  }

  async save(order: OrderAggregate, expectedVersion: number): Promise<void> {
    if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0) {
      throw new RangeError(`expectedVersion must be a non-negative integer, got ${expectedVersion}`);
    }
    const snapshot = plain(order.snapshot());
    const events = plain(order.peekEvents());
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const sets: string[] = [];
    const removes: string[] = [];

    const set = (attribute: string, value: unknown) => {
      const i = sets.length;
      names[`#a${i}`] = attribute;
      values[`:a${i}`] = value;
      sets.push(`#a${i} = :a${i}`);
    };
    for (const [field, value] of Object.entries(snapshot)) {
      if (field !== ORDER_ATTRIBUTES.orderId && value !== undefined) set(field, value);
    }
    OPTIONAL_SNAPSHOT_FIELDS.forEach((field, i) => {
      if ((snapshot as unknown as Record<string, unknown>)[field] === undefined) {
        names[`#r${i}`] = field;
        removes.push(`#r${i}`);
      }
    });
    set(ORDER_ATTRIBUTES.byCustomerSortKey, `${snapshot.createdAt}#${snapshot.orderId}`);
    set(ORDER_ATTRIBUTES.byStatusSortKey, `${snapshot.updatedAt}#${snapshot.orderId}`);

    if (expectedVersion === 0) {
      names["#outbox"] = ORDER_ATTRIBUTES.outbox;
      // A new item: the outbox is created whole (a path inside it could not be set yet).
      values[":outbox"] = Object.fromEntries(events.map((event) => [event.id, event]));
      sets.push("#outbox = :outbox");
    } else {
      // Every item this adapter creates has an outbox map, so a path inside it can be set.
      if (events.length > 0) names["#outbox"] = ORDER_ATTRIBUTES.outbox;
      events.forEach((event, i) => {
        names[`#e${i}`] = event.id;
        values[`:e${i}`] = event;
        sets.push(`#outbox.#e${i} = :e${i}`);
      });
    }

    let condition: string;
    if (expectedVersion === 0) {
      names["#pk"] = ORDER_ATTRIBUTES.orderId;
      condition = "attribute_not_exists(#pk)";
    } else {
      names["#version"] = "version";
      condition = "#version = :expectedVersion";
      values[":expectedVersion"] = expectedVersion;
    }

    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { orderId: snapshot.orderId },
          UpdateExpression: `SET ${sets.join(", ")}${removes.length ? ` REMOVE ${removes.join(", ")}` : ""}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) {
        throw new ConcurrencyError("order", snapshot.orderId, expectedVersion, { cause: err });
      }
      throw dynamoDbFailure(err, this.tableName);
    }
  }

  async markPublished(orderId: string, eventIds: readonly string[]): Promise<void> {
    const ids = [...new Set(eventIds)];
    for (let start = 0; start < ids.length; start += MARK_PUBLISHED_CHUNK) {
      const chunk = ids.slice(start, start + MARK_PUBLISHED_CHUNK);
      const names: Record<string, string> = { "#outbox": ORDER_ATTRIBUTES.outbox };
      chunk.forEach((id, i) => {
        names[`#e${i}`] = id;
      });
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { orderId },
            UpdateExpression: `REMOVE ${chunk.map((_, i) => `#outbox.#e${i}`).join(", ")}`,
            // Without it, an update of an unknown order would create a stray item.
            ConditionExpression: "attribute_exists(#outbox)",
            ExpressionAttributeNames: names,
          }),
        );
      } catch (err) {
        // An unknown order has nothing left to publish: marking is idempotent.
        if (isConditionalCheckFailed(err)) return;
        throw dynamoDbFailure(err, this.tableName);
      }
    }
  }

  /** Newest first (by `createdAt`). Reads a global secondary index: eventually consistent. */
  async listByCustomer(customerId: string, page: PageRequest = {}): Promise<Page<OrderSnapshot>> {
    return this.query(ORDER_INDEXES.byCustomer, "customerId", customerId, false, BY_CUSTOMER_KEY, page);
  }

  /** Oldest update first (by `updatedAt`). Reads a global secondary index: eventually consistent. */
  async listByStatus(status: OrderStatus, page: PageRequest = {}): Promise<Page<OrderSnapshot>> {
    return this.query(ORDER_INDEXES.byStatus, "status", status, true, BY_STATUS_KEY, page);
  }

  /** A COUNT Query on `byStatus` (keys only, 1 MB a call), stopping once `atMost` is reached. */
  async countByStatus(status: OrderStatus, options: { readonly atMost?: number } = {}): Promise<number> {
    let count = 0;
    let start: DynamoKey | undefined;
    try {
      do {
        const out = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: ORDER_INDEXES.byStatus,
            KeyConditionExpression: "#p = :p",
            ExpressionAttributeNames: { "#p": "status" },
            ExpressionAttributeValues: { ":p": status },
            Select: "COUNT",
            ...(options.atMost === undefined ? {} : { Limit: options.atMost - count }),
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        count += out.Count ?? 0;
        start = out.LastEvaluatedKey as DynamoKey | undefined;
      } while (start !== undefined && (options.atMost === undefined || count < options.atMost));
    } catch (err) {
      throw dynamoDbFailure(err, this.tableName);
    }
    return count;
  }

  private async query(
    indexName: string,
    partitionAttribute: string,
    partitionValue: string,
    forward: boolean,
    keyAttributes: readonly string[],
    page: PageRequest,
  ): Promise<Page<OrderSnapshot>> {
    const startKey = page.nextToken ? decodePageToken(page.nextToken, keyAttributes) : undefined;
    if (startKey && startKey[partitionAttribute] !== partitionValue) {
      // A token of another list: starting from it would be meaningless.
      throw invalidPageToken();
    }
    let keys: Record<string, unknown>[];
    let nextToken: string | undefined;
    try {
      const { items, nextKey } = await readPage(
        async (exclusiveStartKey: DynamoKey | undefined, limit: number) => {
          const out = await this.client.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: indexName,
              KeyConditionExpression: "#p = :p",
              ExpressionAttributeNames: { "#p": partitionAttribute },
              ExpressionAttributeValues: { ":p": partitionValue },
              ScanIndexForward: forward,
              Limit: limit,
              ExclusiveStartKey: exclusiveStartKey,
            }),
          );
          return { items: out.Items ?? [], lastEvaluatedKey: out.LastEvaluatedKey as DynamoKey | undefined };
        },
        { limit: pageSize(page.limit), startKey, keyAttributes },
      );
      keys = items;
      nextToken = nextKey ? encodePageToken(nextKey) : undefined;
    } catch (err) {
      throw dynamoDbFailure(err, this.tableName);
    }
    const found = await this.batchGet(keys.map((key) => String(key[ORDER_ATTRIBUTES.orderId])));
    const items: OrderSnapshot[] = [];
    for (const key of keys) {
      const item = found.get(String(key[ORDER_ATTRIBUTES.orderId]));
      // Deleted since the index was read, or no longer in this list (a status moves on): left out.
      if (item === undefined || item[partitionAttribute] !== partitionValue) continue;
      items.push(toSnapshot(item));
    }
    return { items, ...(nextToken !== undefined ? { nextToken } : {}) };
  }

  /** Reads the items of `orderIds`, strongly consistent (see {@link batchGetByKey}). */
  private batchGet(orderIds: readonly string[]): Promise<Map<string, Record<string, unknown>>> {
    return batchGetByKey(this.client, this.tableName, ORDER_ATTRIBUTES.orderId, orderIds, {
      consistentRead: true,
      retry: this.retry,
    });
  }
}

function toSnapshot(item: Record<string, unknown>): OrderSnapshot {
  const snapshot: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (!STORAGE_ONLY_ATTRIBUTES.has(name)) snapshot[name] = value;
  }
  return snapshot as unknown as OrderSnapshot;
}

function outboxOf(item: Record<string, unknown>): OrderEvent[] {
  const outbox = item[ORDER_ATTRIBUTES.outbox];
  if (typeof outbox !== "object" || outbox === null) return [];
  return (Object.values(outbox) as OrderEvent[]).sort(compareEvents);
}

/** Outbox order: by order version, then by the index suffix of the id (`<orderId>:<version>:<index>`). */
export function compareEvents(a: OrderEvent, b: OrderEvent): number {
  return a.orderVersion - b.orderVersion || eventIndex(a.id) - eventIndex(b.id);
}

function eventIndex(id: string): number {
  const index = Number(id.slice(id.lastIndexOf(":") + 1));
  return Number.isFinite(index) ? index : 0;
}

/** A deep copy without `undefined` (which DynamoDB cannot store); snapshots and events are plain JSON. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
