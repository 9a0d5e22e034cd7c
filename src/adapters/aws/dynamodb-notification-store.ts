import { Buffer } from "node:buffer";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import {
  NOTIFICATION_PAGE_LIMITS,
  NOTIFICATION_PRIORITIES,
  type NotificationPriority,
  notificationStatusesBefore,
} from "../../domain/notification.js";
import { InvalidCursorError } from "../../ports/errors.js";
import type {
  Notification,
  NotificationStatusChange,
  NotificationStore,
  UserNotificationsQuery,
} from "../../ports/notification-store.js";
import type { Page, PageRequest } from "../../ports/paging.js";
import { isConditionalCheckFailed } from "./aws-errors.js";
import type { DynamoDbAdapterOptions, DynamoKey } from "./dynamodb-support.js";
import { batchGetByKey, DEFAULT_BATCH_RETRY, dynamoDbFailure, toDocumentClient } from "./dynamodb-support.js";
import {
  NOTIFICATION_ATTRIBUTES as A,
  NOTIFICATION_INDEXES,
  NOTIFICATION_PRIORITY_SHARDS,
} from "./dynamodb-tables.js";
import type { RetryOptions } from "./retry.js";

/** Attributes of the item that are not fields of the notification. */
const STORAGE_ONLY_ATTRIBUTES: ReadonlySet<string> = new Set([A.userPriority, A.sortKey, A.priorityBucket]);

/** Days read from `priorityDays` per Query while a priority listing walks back in time. */
const DAYS_PER_QUERY = 16;

/**
 * {@link NotificationStore} on one DynamoDB table (`NOTIFICATIONS_TABLE` in
 * `dynamodb-tables.ts`), one item per notification, keyed by `notificationId`.
 *
 * **Writes.** `create` is a PutItem conditioned on `attribute_not_exists`; on a
 * duplicate the stored item is read back (consistently) and answered with
 * `created: false`. `changeStatus` is an UpdateItem conditioned on the stored
 * status being one of `notificationStatusesBefore(change.to)`, which also fails
 * for an unknown id (no status), so nothing is created by it. No write reads first.
 *
 * **By user** (`byUser`): partition `<userId>#<priority>`, sort key
 * `<createdAt>#<notificationId>`, read newest first. A listing of one priority
 * is one Query of one partition, with no FilterExpression; a listing of every
 * priority queries the user's three partitions and merges them (keys only: the
 * merge reads at most 3 × (limit + 1) keys of about 130 bytes and keeps limit + 1).
 * One index rather than a second one keyed by user alone: each create writes one
 * index entry for it instead of two, and the unfiltered listing pays two extra
 * small Queries instead.
 *
 * **By priority** (`byPriority`): partition `<priority>#<UTC day>#<shard>`
 * (shard = a hash of the id modulo {@link NOTIFICATION_PRIORITY_SHARDS}), sort key
 * `<createdAt>#<notificationId>`. A priority never sits on one partition: each
 * day is a new set of four, and the writes of one day are spread over four, so
 * one priority can take four partitions' write rate (4 × 1 000 WCU/s) on the
 * index; more shards would raise it, and the requests of a page with it. Which days hold notifications is kept in the sparse index
 * `priorityDays` (partition: the priority, sort key: the day), fed by one small
 * marker item per priority and day (`#day#<priority>#<day>`, a key no
 * notification id has: ids are `[A-Za-z0-9_-]`). The marker is written before
 * the first notification of its day that this process stores (a process
 * remembers the days it marked), so a listing never misses a day and never walks
 * through empty ones, however far apart notifications are in time: it reads the
 * days newest first and, in each, merges the four shards below the cursor.
 *
 * **Projections.** Every index is KEYS_ONLY (see the table's definition): the
 * listings read keys, keep a page and read its items with one BatchGetItem.
 *
 * **Costs** (a notification of at most 1 KB; on-demand units; eventually
 * consistent reads count half):
 * - create: 1 WCU for the item + 1 per index entry (`byUser`, `byPriority`) = 3
 *   WCU; plus, once per priority, day and process, a marker of 2 WCU. A duplicate
 *   costs its failed PutItem (1 WCU) and a consistent GetItem (1 RCU).
 * - status change: 1 WCU (no key changes, so no index is written); a refused one 1 WCU.
 * - get: 1 RCU (consistent).
 * - a page of `limit` by user and priority: one Query (an index entry is about
 *   130 bytes: 21 keys, 0.5 RCU; 101 keys, 2 RCU) + one BatchGetItem of `limit`
 *   items (0.5 RCU each): 2 requests, ≈ 10.5 RCU for 20; every priority: three
 *   Queries merged, 4 requests, ≈ 11.5 RCU.
 * - a page of `limit` by priority: one Query of `priorityDays` (0.5 RCU) + four
 *   Queries (0.5 RCU each for a page of 20) per day visited + the BatchGetItem:
 *   6 requests, ≈ 12.5 RCU for 20 within one day; 4 requests and 2 RCU more for
 *   each further day the page reaches into. Every marked day holds a
 *   notification, so a page visits at most `limit + 1` days, whatever lies
 *   between them (the only empty day a page may visit is one whose marker was
 *   written while its first notification failed to be stored and was never retried).
 * - ALL projections instead would make a page of 20 cost ≈ 2.5 RCU (8 less, one
 *   request less) but each status change would rewrite both index entries: 4 WCU
 *   more per notification, the price of some 20 RCU on demand (a write unit costs
 *   five read units). KEYS_ONLY is cheaper while fewer than about 2.5 pages of 20
 *   are read per notification stored, and notifications are written more than listed.
 *
 * **Cursors** are base64url of a small JSON: which listing issued it (the user
 * and priority filter, or the priority) and the position (`<createdAt>#<id>` of
 * the last item). The position is a key, not a DynamoDB LastEvaluatedKey, so a
 * page stays right while newer notifications arrive and one cursor serves every
 * merged partition. Anything else is an {@link InvalidCursorError}.
 */
export class DynamoDbNotificationStore implements NotificationStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retry: RetryOptions;
  /** `<priority>#<day>` of the day markers this process wrote (see the class notes). */
  private readonly markedDays = new Set<string>();

  constructor(options: DynamoDbAdapterOptions) {
    this.client = toDocumentClient(options.client);
    this.tableName = options.tableName;
    this.retry = options.retry ?? DEFAULT_BATCH_RETRY;
  }

  async create(notification: Notification): Promise<{ created: boolean; notification: Notification }> {
    try {
      await this.markDay(notification.priority, dayOf(notification.createdAt));
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(notification),
          ConditionExpression: "attribute_not_exists(#id)",
          ExpressionAttributeNames: { "#id": A.notificationId },
        }),
      );
      return { created: true, notification };
    } catch (err) {
      if (!isConditionalCheckFailed(err)) throw dynamoDbFailure(err, this.tableName);
    }
    const stored = await this.get(notification.notificationId);
    // Only a concurrent delete could remove it in between, and nothing deletes notifications.
    return { created: false, notification: stored ?? notification };
  }

  async get(notificationId: string): Promise<Notification | undefined> {
    try {
      const out = await this.client.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { [A.notificationId]: notificationId },
          ConsistentRead: true,
        }),
      );
      return out.Item === undefined || isDayMarker(out.Item) ? undefined : fromItem(out.Item);
    } catch (err) {
      throw dynamoDbFailure(err, this.tableName);
    }
  }

  async changeStatus(notificationId: string, change: NotificationStatusChange): Promise<boolean> {
    const before = notificationStatusesBefore(change.to);
    if (before.length === 0) return false;
    const values: Record<string, unknown> = { ":to": change.to };
    before.forEach((status, i) => {
      values[`:from${i}`] = status;
    });
    let set = "#status = :to";
    if (change.to === "STORED") {
      set += ", channel = :channel";
      values[":channel"] = change.channel;
    } else if (change.to === "DELIVERED") {
      set += ", deliveredAt = :deliveredAt";
      values[":deliveredAt"] = change.deliveredAt;
    } else if (change.to === "FAILED") {
      set += ", failureReason = :failureReason";
      values[":failureReason"] = change.failureReason;
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [A.notificationId]: notificationId },
          UpdateExpression: `SET ${set}`,
          // An unknown id has no status, so the condition fails and nothing is created.
          ConditionExpression: `#status IN (${before.map((_, i) => `:from${i}`).join(", ")})`,
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw dynamoDbFailure(err, this.tableName);
    }
  }

  async listByUser(userId: string, query: UserNotificationsQuery = {}): Promise<Page<Notification>> {
    const scope: Scope = { l: "user", u: userId, p: query.priority ?? "*" };
    const below = query.nextToken === undefined ? undefined : decodeCursor(query.nextToken, scope);
    const limit = pageLimit(query.limit);
    const priorities = query.priority === undefined ? NOTIFICATION_PRIORITIES : [query.priority];
    const keys = await this.topKeys(
      NOTIFICATION_INDEXES.byUser,
      A.userPriority,
      priorities.map((priority) => `${userId}#${priority}`),
      below,
      limit + 1,
    );
    return this.page(keys, limit, scope);
  }

  async listByPriority(priority: NotificationPriority, page: PageRequest = {}): Promise<Page<Notification>> {
    const scope: Scope = { l: "priority", p: priority };
    const below = page.nextToken === undefined ? undefined : decodeCursor(page.nextToken, scope);
    const limit = pageLimit(page.limit);
    const keys: string[] = [];
    for await (const day of this.daysOf(priority, below === undefined ? undefined : dayOf(below))) {
      const partitions = Array.from(
        { length: NOTIFICATION_PRIORITY_SHARDS },
        (_, shard) => `${priority}#${day}#${shard}`,
      );
      keys.push(
        ...(await this.topKeys(
          NOTIFICATION_INDEXES.byPriority,
          A.priorityBucket,
          partitions,
          below,
          limit + 1 - keys.length,
        )),
      );
      if (keys.length > limit) break;
    }
    return this.page(keys, limit, scope);
  }

  /** Writes the marker of a priority's day unless this process already did (an idempotent put). */
  private async markDay(priority: NotificationPriority, day: string): Promise<void> {
    const marked = `${priority}#${day}`;
    if (this.markedDays.has(marked)) return;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { [A.notificationId]: `#day#${marked}`, [A.dayPriority]: priority, [A.day]: day },
      }),
    );
    this.markedDays.add(marked);
  }

  /** The days holding notifications of `priority`, newest first, from `from` (included) back. */
  private async *daysOf(priority: NotificationPriority, from: string | undefined): AsyncGenerator<string> {
    let startKey: DynamoKey | undefined;
    do {
      const out = await this.query({
        IndexName: NOTIFICATION_INDEXES.priorityDays,
        ...keyCondition(A.dayPriority, priority, from === undefined ? undefined : ["<=", A.day, from]),
        Limit: DAYS_PER_QUERY,
        ExclusiveStartKey: startKey,
      });
      for (const item of out.items) yield String(item[A.day]);
      startKey = out.lastEvaluatedKey;
    } while (startKey !== undefined);
  }

  /**
   * The `count` greatest sort keys (`<createdAt>#<id>`) below `below` across the
   * partitions of an index, greatest first. Each partition is read newest first
   * until it gave `count` keys or has no more (DynamoDB may stop a Query early).
   */
  private async topKeys(
    indexName: string,
    partitionAttribute: string,
    partitions: readonly string[],
    below: string | undefined,
    count: number,
  ): Promise<string[]> {
    if (count <= 0) return [];
    const perPartition = await Promise.all(
      partitions.map(async (partition) => {
        const keys: string[] = [];
        let startKey: DynamoKey | undefined;
        do {
          const out = await this.query({
            IndexName: indexName,
            ...keyCondition(
              partitionAttribute,
              partition,
              below === undefined ? undefined : ["<", A.sortKey, below],
            ),
            ScanIndexForward: false,
            Limit: count - keys.length,
            ExclusiveStartKey: startKey,
          });
          keys.push(...out.items.map((item) => String(item[A.sortKey])));
          startKey = out.lastEvaluatedKey;
        } while (startKey !== undefined && keys.length < count);
        return keys;
      }),
    );
    return perPartition
      .flat()
      .sort((a, b) => compareUtf8(b, a))
      .slice(0, count);
  }

  private async query(
    input: Omit<ConstructorParameters<typeof QueryCommand>[0], "TableName">,
  ): Promise<{ items: Record<string, unknown>[]; lastEvaluatedKey: DynamoKey | undefined }> {
    try {
      const out = await this.client.send(
        new QueryCommand({
          ...input,
          TableName: this.tableName,
          ScanIndexForward: input.ScanIndexForward ?? false,
        }),
      );
      return { items: out.Items ?? [], lastEvaluatedKey: out.LastEvaluatedKey as DynamoKey | undefined };
    } catch (err) {
      throw dynamoDbFailure(err, this.tableName);
    }
  }

  /** The page of the first `limit` of `keys` (read with BatchGetItem), with a cursor when more follow. */
  private async page(keys: readonly string[], limit: number, scope: Scope): Promise<Page<Notification>> {
    const kept = keys.slice(0, limit);
    const ids = kept.map(idOf);
    const items = await batchGetByKey(this.client, this.tableName, A.notificationId, ids, {
      retry: this.retry,
    });
    const notifications = ids.flatMap((id) => {
      const item = items.get(id);
      return item === undefined ? [] : [fromItem(item)];
    });
    const last = kept.at(-1);
    return keys.length > limit && last !== undefined
      ? { items: notifications, nextToken: encodeCursor(scope, last) }
      : { items: notifications };
  }
}

/** A Query's key condition: one partition, and the sort key compared with a value when given. */
function keyCondition(
  partitionAttribute: string,
  partition: string,
  sort: readonly ["<" | "<=", string, string] | undefined,
): {
  KeyConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, string>;
} {
  if (sort === undefined) {
    return {
      KeyConditionExpression: "#pk = :pk",
      ExpressionAttributeNames: { "#pk": partitionAttribute },
      ExpressionAttributeValues: { ":pk": partition },
    };
  }
  const [operator, sortAttribute, value] = sort;
  return {
    KeyConditionExpression: `#pk = :pk AND #sk ${operator} :sk`,
    ExpressionAttributeNames: { "#pk": partitionAttribute, "#sk": sortAttribute },
    ExpressionAttributeValues: { ":pk": partition, ":sk": value },
  };
}

/**
 * Compares strings as DynamoDB orders sort keys: by their UTF-8 bytes (which
 * differs from JavaScript's UTF-16 order beyond U+FFFF), so a merge of several
 * partitions agrees with the `<` of the next page's key condition.
 */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function toItem(notification: Notification): Record<string, unknown> {
  const sortKey = `${notification.createdAt}#${notification.notificationId}`;
  // Without undefined fields, whatever the document client's marshalling options.
  const fields = Object.fromEntries(Object.entries(notification).filter(([, value]) => value !== undefined));
  return {
    ...fields,
    [A.userPriority]: `${notification.userId}#${notification.priority}`,
    [A.sortKey]: sortKey,
    [A.priorityBucket]: `${notification.priority}#${dayOf(notification.createdAt)}#${shardOf(notification.notificationId)}`,
  };
}

function fromItem(item: Record<string, unknown>): Notification {
  const notification: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) {
    if (!STORAGE_ONLY_ATTRIBUTES.has(name)) notification[name] = value;
  }
  return notification as unknown as Notification;
}

function isDayMarker(item: Record<string, unknown>): boolean {
  return item[A.dayPriority] !== undefined;
}

/** The UTC day of an ISO 8601 time (`YYYY-MM-DD`), or of a sort key, which starts with one. */
function dayOf(isoTimeOrSortKey: string): string {
  return isoTimeOrSortKey.slice(0, 10);
}

/** The notification id of a sort key `<createdAt>#<id>` (a time holds no `#`). */
function idOf(sortKey: string): string {
  return sortKey.slice(sortKey.indexOf("#") + 1);
}

/** The write shard of an id: FNV-1a (32 bits) modulo the shard count, stable across processes. */
function shardOf(notificationId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < notificationId.length; i++) {
    hash ^= notificationId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % NOTIFICATION_PRIORITY_SHARDS;
}

function pageLimit(limit: number | undefined): number {
  const asked = limit === undefined || !Number.isFinite(limit) ? NOTIFICATION_PAGE_LIMITS.default : limit;
  return Math.min(Math.max(1, Math.floor(asked)), NOTIFICATION_PAGE_LIMITS.max);
}

// ─── Cursors ────────────────────────────────────────────────────────────────

/** The listing a cursor belongs to: one user's (with the priority filter, `*` for none) or one priority's. */
type Scope =
  | { readonly l: "user"; readonly u: string; readonly p: NotificationPriority | "*" }
  | { readonly l: "priority"; readonly p: NotificationPriority };

/** Longest token accepted: a user id and a position fit many times over. */
const MAX_CURSOR_LENGTH = 2_048;
/** `<createdAt>#<id>`: an ISO 8601 UTC time and a notification id, nothing longer than a sort key holds. */
const POSITION = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z#[A-Za-z0-9_-]{1,64}$/;

function encodeCursor(scope: Scope, position: string): string {
  return Buffer.from(JSON.stringify({ ...scope, k: position }), "utf8").toString("base64url");
}

/** The position a cursor of `scope` names. @throws InvalidCursorError for anything this listing did not issue. */
function decodeCursor(token: string, scope: Scope): string {
  if (token.length === 0 || token.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(token)) {
    throw new InvalidCursorError(token);
  }
  let parsed: unknown;
  try {
    const bytes = Buffer.from(token, "base64url");
    // Only the canonical encoding: no stray trailing bits smuggled into an accepted token.
    if (bytes.toString("base64url") !== token) throw new Error("not canonical base64url");
    parsed = JSON.parse(bytes.toString("utf8"));
  } catch (cause) {
    throw new InvalidCursorError(token, { cause });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw new InvalidCursorError(token);
  const cursor = parsed as Record<string, unknown>;
  const expected: Record<string, unknown> = { ...scope };
  const names = Object.keys(cursor);
  const sameScope =
    names.length === Object.keys(expected).length + 1 &&
    Object.entries(expected).every(([name, value]) => cursor[name] === value);
  const position = cursor.k;
  if (!sameScope || typeof position !== "string" || !POSITION.test(position)) {
    throw new InvalidCursorError(token);
  }
  return position;
}
