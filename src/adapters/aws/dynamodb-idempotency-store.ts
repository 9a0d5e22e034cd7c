import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { IdempotencyConflictError, IdempotencyInProgressError } from "../../ports/errors.js";
import type {
  IdempotencyBegin,
  IdempotencyOptions,
  IdempotencyStore,
} from "../../ports/idempotency-store.js";
import { isConditionalCheckFailed } from "./aws-errors.js";
import type { DynamoDbAdapterOptions } from "./dynamodb-support.js";
import { dynamoDbFailure, toDocumentClient } from "./dynamodb-support.js";

const IN_PROGRESS = "IN_PROGRESS";
const COMPLETED = "COMPLETED";

/** The stored item (see {@link DynamoDbIdempotencyStore}). */
interface IdempotencyItem {
  readonly idempotencyKey: string;
  readonly payloadHash: string;
  readonly status: typeof IN_PROGRESS | typeof COMPLETED;
  /** Epoch milliseconds after which an IN_PROGRESS attempt is presumed dead. */
  readonly inProgressExpiryMs?: number;
  /** Epoch milliseconds after which the key is forgotten (what conditions compare). */
  readonly expiresAtMs: number;
  /** Epoch seconds, rounded up: DynamoDB's TTL attribute, for eventual deletion only. */
  readonly expiresAt: number;
  /** The completed request's result, as JSON text (any JSON value survives unchanged). */
  readonly resultJson?: string;
}

/** How often `begin` tries again when the item it read changed under it. */
const BEGIN_ATTEMPTS = 3;

/**
 * {@link IdempotencyStore} on one DynamoDB table (`IDEMPOTENCY_TABLE` in `dynamodb-tables.ts`),
 * partition key `idempotencyKey`, one item per key holding `payloadHash`,
 * `status` (`IN_PROGRESS` | `COMPLETED`), `inProgressExpiryMs`, `expiresAtMs`,
 * `expiresAt` (the TTL attribute, epoch seconds) and `resultJson`.
 *
 * `begin` is one conditional PutItem that succeeds when the key is free: absent,
 * or held by an attempt whose in-progress timeout has passed, or expired.
 * Expiry is decided in the condition from the caller's `now`, never left to
 * TTL: DynamoDB deletes expired items only eventually (typically within days)
 * and emulators not at all. When the condition fails, a consistent GetItem
 * tells a completed key (same hash: its result; another hash:
 * {@link IdempotencyConflictError}) from one in progress
 * ({@link IdempotencyInProgressError}). DynamoDB's
 * `ReturnValuesOnConditionCheckFailure` would save that read, but emulators
 * lack it and the read happens only on the rare repeated key.
 */
export class DynamoDbIdempotencyStore implements IdempotencyStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoDbAdapterOptions) {
    this.client = toDocumentClient(options.client);
    this.tableName = options.tableName;
  }

  async begin(key: string, payloadHash: string, options: IdempotencyOptions): Promise<IdempotencyBegin> {
    const nowMs = options.now.getTime();
    const expiresAtMs = nowMs + options.ttlMs;
    const item: IdempotencyItem = {
      idempotencyKey: key,
      payloadHash,
      status: IN_PROGRESS,
      inProgressExpiryMs: nowMs + options.inProgressTimeoutMs,
      expiresAtMs,
      expiresAt: Math.ceil(expiresAtMs / 1000),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: item,
            ConditionExpression:
              "attribute_not_exists(idempotencyKey) OR (#status = :inProgress AND inProgressExpiryMs < :now) OR expiresAtMs < :now",
            ExpressionAttributeNames: { "#status": "status" },
            ExpressionAttributeValues: { ":inProgress": IN_PROGRESS, ":now": nowMs },
          }),
        );
        return { status: "STARTED" };
      } catch (err) {
        if (!isConditionalCheckFailed(err)) throw dynamoDbFailure(err, this.tableName);
      }
      const existing = await this.read(key);
      if (existing && !isFree(existing, nowMs)) {
        if (existing.payloadHash !== payloadHash) throw new IdempotencyConflictError(key);
        if (existing.status === COMPLETED) {
          return {
            status: "COMPLETED",
            result: existing.resultJson === undefined ? undefined : JSON.parse(existing.resultJson),
          };
        }
        throw new IdempotencyInProgressError(key);
      }
      // Released or expired between our write and our read: the key may be free now.
      if (attempt >= BEGIN_ATTEMPTS) throw new IdempotencyInProgressError(key);
    }
  }

  /**
   * Stores the result and keeps the key for `ttlMs` from `now`. A key that is no
   * longer stored (released, or expired and deleted) is not recreated: there is
   * no payload hash left to protect it with.
   */
  async complete(key: string, result: unknown, options: IdempotencyOptions): Promise<void> {
    const expiresAtMs = options.now.getTime() + options.ttlMs;
    const values: Record<string, unknown> = {
      ":completed": COMPLETED,
      ":expiresAtMs": expiresAtMs,
      ":expiresAt": Math.ceil(expiresAtMs / 1000),
    };
    let set = "#status = :completed, expiresAtMs = :expiresAtMs, expiresAt = :expiresAt";
    const json = JSON.stringify(result);
    if (json !== undefined) {
      values[":result"] = json;
      set += ", resultJson = :result";
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { idempotencyKey: key },
          UpdateExpression: `SET ${set} REMOVE inProgressExpiryMs`,
          ConditionExpression: "attribute_exists(idempotencyKey)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: values,
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) return;
      throw dynamoDbFailure(err, this.tableName);
    }
  }

  /** Deletes the key if an attempt still holds it; a completed key stays, an unknown key is fine. */
  async release(key: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { idempotencyKey: key },
          ConditionExpression: "#status = :inProgress",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: { ":inProgress": IN_PROGRESS },
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) return;
      throw dynamoDbFailure(err, this.tableName);
    }
  }

  private async read(key: string): Promise<IdempotencyItem | undefined> {
    try {
      const out = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { idempotencyKey: key }, ConsistentRead: true }),
      );
      return out.Item as IdempotencyItem | undefined;
    } catch (err) {
      throw dynamoDbFailure(err, this.tableName);
    }
  }
}

/** The same test as the PutItem condition, for the item read after it failed. */
function isFree(item: IdempotencyItem, nowMs: number): boolean {
  if (item.expiresAtMs < nowMs) return true;
  return item.status === IN_PROGRESS && (item.inProgressExpiryMs ?? 0) < nowMs;
}
