import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchGetCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ValidationError } from "../../domain/errors.js";
import { ServiceUnavailableError } from "../../ports/errors.js";
import { isTransientAwsError, translateAwsError } from "./aws-errors.js";
import { type RetryOptions, retryWithBackoff } from "./retry.js";

/** What every DynamoDB adapter's constructor takes. */
export interface DynamoDbAdapterOptions {
  /**
   * A client to share. A plain `DynamoDBClient` is wrapped in a document client
   * that drops `undefined` values; a document client is used as given.
   */
  readonly client: DynamoDBDocumentClient | DynamoDBClient;
  readonly tableName: string;
  /**
   * Retries of what the SDK does not retry itself: unprocessed keys and items of
   * batch calls, and throttled batch calls. Single-item calls rely on the
   * client's own retry strategy (configure it with `maxAttempts` on the client).
   */
  readonly retry?: RetryOptions;
}

export function toDocumentClient(client: DynamoDBDocumentClient | DynamoDBClient): DynamoDBDocumentClient {
  if (client instanceof DynamoDBDocumentClient) return client;
  if (client instanceof DynamoDBClient) {
    return DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
      unmarshallOptions: { wrapNumbers: false },
    });
  }
  throw new TypeError("expected a DynamoDBClient or a DynamoDBDocumentClient");
}

/** Translates an SDK failure of a call on `tableName` into a port error (or rethrows it unchanged). */
export function dynamoDbFailure(err: unknown, tableName: string): unknown {
  return translateAwsError(err, `DynamoDB table ${tableName}`);
}

export type DynamoKey = Record<string, string | number>;

/** Encodes a DynamoDB key as an opaque, URL-safe page token. */
export function encodePageToken(key: DynamoKey): string {
  return Buffer.from(JSON.stringify(key), "utf8").toString("base64url");
}

/**
 * Decodes a page token made by {@link encodePageToken}, accepting only a key
 * with exactly the expected attributes, so a forged token cannot steer a query
 * into another partition's items in a surprising way.
 * @throws ValidationError when the token is malformed.
 */
export function decodePageToken(token: string, expected: readonly string[]): DynamoKey {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch (err) {
    throw invalidPageToken(err);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalidPageToken();
  const entries = Object.entries(value);
  if (entries.length !== expected.length) throw invalidPageToken();
  for (const [name, v] of entries) {
    if (!expected.includes(name) || (typeof v !== "string" && typeof v !== "number"))
      throw invalidPageToken();
  }
  return value as DynamoKey;
}

/** The error for a `nextToken` that no list of this adapter returned. */
export function invalidPageToken(cause?: unknown): ValidationError {
  return new ValidationError(
    "nextToken is invalid",
    [{ path: "nextToken", message: "is not a token this list returned" }],
    cause === undefined ? {} : { cause },
  );
}

/** Picks the key attributes out of an item (to resume a query right after it). */
export function keyOf(item: Record<string, unknown>, attributes: readonly string[]): DynamoKey {
  const key: DynamoKey = {};
  for (const name of attributes) {
    const v = item[name];
    if (typeof v === "string" || typeof v === "number") key[name] = v;
  }
  return key;
}

/** Page size used when the caller gives none, and the most a page may hold. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

export function pageSize(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return DEFAULT_PAGE_SIZE;
  return Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(limit)));
}

/**
 * Reads one page of `limit` items from a paginated DynamoDB read (Query or Scan).
 * DynamoDB may stop early (1 MB per call) and reports a LastEvaluatedKey even
 * when nothing follows, so this reads on until it holds `limit + 1` items or the
 * table is exhausted: a token is returned only when more items really follow,
 * and it points right after the last item returned.
 */
export async function readPage<T extends Record<string, unknown>>(
  read: (
    exclusiveStartKey: DynamoKey | undefined,
    limit: number,
  ) => Promise<{ items: readonly T[]; lastEvaluatedKey: DynamoKey | undefined }>,
  options: { limit: number; startKey: DynamoKey | undefined; keyAttributes: readonly string[] },
): Promise<{ items: T[]; nextKey: DynamoKey | undefined }> {
  const items: T[] = [];
  let startKey = options.startKey;
  do {
    const page = await read(startKey, options.limit + 1 - items.length);
    items.push(...page.items);
    startKey = page.lastEvaluatedKey;
  } while (startKey !== undefined && items.length <= options.limit);
  if (items.length <= options.limit) return { items, nextKey: undefined };
  const kept = items.slice(0, options.limit);
  return { items: kept, nextKey: keyOf(kept[kept.length - 1]!, options.keyAttributes) };
}

/**
 * Size of an item as DynamoDB counts it against the 400 KB limit: attribute
 * names and string values in UTF-8 bytes, numbers as up to 21 bytes, one byte
 * per boolean/null, 3 bytes per list or map plus 1 byte per element. It is the
 * documented rule, rounded up where the documentation gives a range.
 */
export function dynamoDbItemSize(item: Readonly<Record<string, unknown>>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value === undefined) continue;
    size += Buffer.byteLength(name, "utf8") + valueSize(value);
  }
  return size;
}

function valueSize(value: unknown): number {
  if (typeof value === "string") return Buffer.byteLength(value, "utf8");
  if (typeof value === "number") {
    const digits = String(Math.abs(value))
      .replace(/[.e+-]/g, "")
      .replace(/^0+/, "").length;
    return Math.min(21, Math.ceil(digits / 2) + 1);
  }
  if (typeof value === "boolean" || value === null) return 1;
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, v) => sum + 1 + valueSize(v), 0);
  if (typeof value === "object") {
    let size = 3;
    for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      size += 1 + Buffer.byteLength(name, "utf8") + valueSize(v);
    }
    return size;
  }
  return 0;
}

/** Defaults for retrying unprocessed keys and items of batch calls: 8 calls, delays from 100 ms capped at 5 s. */
export const DEFAULT_BATCH_RETRY: RetryOptions = { attempts: 8, baseDelayMs: 100, maxDelayMs: 5_000 };

/** DynamoDB's limit of keys per BatchGetItem call. */
export const BATCH_GET_MAX_KEYS = 100;

/** Some keys or items of a batch call were left unprocessed (DynamoDB throttled part of the batch). */
class UnprocessedEntries extends Error {
  constructor(readonly remaining: readonly string[]) {
    super(`${remaining.length} entries unprocessed`);
  }
}

/**
 * Runs one batch call until nothing is left unprocessed: `call` throws
 * {@link unprocessed} with what remains, and is retried with backoff (so are
 * throttled calls). What remains after the last attempt becomes a
 * ServiceUnavailableError naming up to ten of the entries.
 */
export async function retryUnprocessed(
  call: (unprocessed: (remaining: readonly string[]) => never) => Promise<void>,
  tableName: string,
  retry: RetryOptions,
  what: "keys" | "items",
): Promise<void> {
  const unprocessed = (remaining: readonly string[]): never => {
    throw new UnprocessedEntries(remaining);
  };
  try {
    await retryWithBackoff(() => call(unprocessed), {
      ...retry,
      isRetryable: (err) => err instanceof UnprocessedEntries || isTransientAwsError(err),
    });
  } catch (err) {
    if (err instanceof UnprocessedEntries) {
      const shown = err.remaining.slice(0, 10).join(", ") + (err.remaining.length > 10 ? ", …" : "");
      throw new ServiceUnavailableError(`DynamoDB table ${tableName}`, {
        cause: err,
        message:
          `DynamoDB table ${tableName} left ${err.remaining.length} ${what} unprocessed ` +
          `after ${retry.attempts ?? 1} attempts: ${shown}`,
      });
    }
    throw dynamoDbFailure(err, tableName);
  }
}

/**
 * Reads the items whose single-attribute key `keyName` is one of `ids`, 100
 * keys per BatchGetItem call, retrying unprocessed keys; returns them by id.
 */
export async function batchGetByKey(
  client: DynamoDBDocumentClient,
  tableName: string,
  keyName: string,
  ids: readonly string[],
  options: { readonly consistentRead?: boolean; readonly retry: RetryOptions },
): Promise<Map<string, Record<string, unknown>>> {
  const found = new Map<string, Record<string, unknown>>();
  const unique = [...new Set(ids)];
  for (let start = 0; start < unique.length; start += BATCH_GET_MAX_KEYS) {
    let pending = unique.slice(start, start + BATCH_GET_MAX_KEYS);
    await retryUnprocessed(
      async (unprocessed) => {
        const out = await client.send(
          new BatchGetCommand({
            RequestItems: {
              [tableName]: {
                Keys: pending.map((id) => ({ [keyName]: id })),
                ...(options.consistentRead ? { ConsistentRead: true } : {}),
              },
            },
          }),
        );
        for (const item of out.Responses?.[tableName] ?? []) found.set(String(item[keyName]), item);
        pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []).map((key) => String(key[keyName]));
        if (pending.length > 0) unprocessed(pending);
      },
      tableName,
      options.retry,
      "keys",
    );
  }
  return found;
}
