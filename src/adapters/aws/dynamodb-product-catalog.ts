import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { BatchGetCommand, BatchWriteCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Product } from "../../domain/business-rules.js";
import { ServiceUnavailableError } from "../../ports/errors.js";
import type { ProductCatalog } from "../../ports/product-catalog.js";
import { isTransientAwsError } from "./aws-errors.js";
import type { DynamoDbAdapterOptions } from "./dynamodb-support.js";
import { dynamoDbFailure, toDocumentClient } from "./dynamodb-support.js";
import type { RetryOptions } from "./retry.js";
import { retryWithBackoff } from "./retry.js";

/** DynamoDB's limits per call. */
const BATCH_GET_MAX_KEYS = 100;
const BATCH_WRITE_MAX_ITEMS = 25;

/** Defaults for retrying unprocessed keys and items: 8 calls, delays up to 100 ms, 200 ms, … capped at 5 s. */
const DEFAULT_BATCH_RETRY: RetryOptions = { attempts: 8, baseDelayMs: 100, maxDelayMs: 5_000 };

/** Some keys or items of a batch call were left unprocessed (DynamoDB throttled part of the batch). */
class UnprocessedEntries extends Error {
  constructor(readonly remaining: readonly string[]) {
    super(`${remaining.length} entries unprocessed`);
  }
}

/**
 * {@link ProductCatalog} on one DynamoDB table (`PRODUCTS_TABLE` in `dynamodb-tables.ts`),
 * partition key `sku`, attributes `unitPrice`, `currency`, `stock`.
 *
 * `getProducts` reads with BatchGetItem, 100 keys per call; `putProducts`
 * (seeding, not part of the port) writes with BatchWriteItem, 25 items per call.
 * DynamoDB may answer a batch call partly (`UnprocessedKeys` /
 * `UnprocessedItems`, when a partition is throttled) without any error, so the
 * leftovers are sent again with exponential backoff and full jitter; whole calls
 * that are throttled are retried the same way. When entries are still left after
 * the last attempt, a {@link ServiceUnavailableError} names how many and which:
 * nothing is dropped silently.
 *
 * `listProducts` scans the whole table (every page): the catalog is what
 * `GET /products` answers in full.
 */
export class DynamoDbProductCatalog implements ProductCatalog {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retry: RetryOptions;

  constructor(options: DynamoDbAdapterOptions) {
    this.client = toDocumentClient(options.client);
    this.tableName = options.tableName;
    this.retry = { ...DEFAULT_BATCH_RETRY, ...options.retry };
  }

  async getProducts(skus: readonly string[]): Promise<ReadonlyMap<string, Product>> {
    const unique = [...new Set(skus)];
    const found = new Map<string, Product>();
    for (let start = 0; start < unique.length; start += BATCH_GET_MAX_KEYS) {
      let pending = unique.slice(start, start + BATCH_GET_MAX_KEYS);
      await this.withRetries(async () => {
        const out = await this.client.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending.map((sku) => ({ sku })) } },
          }),
        );
        for (const item of out.Responses?.[this.tableName] ?? []) {
          const product = toProduct(item);
          found.set(product.sku, product);
        }
        const unprocessed = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
        pending = unprocessed.map((key) => String(key.sku));
        if (pending.length > 0) throw new UnprocessedEntries(pending);
      }, "keys");
    }
    return found;
  }

  async listProducts(): Promise<readonly Product[]> {
    const products: Product[] = [];
    let startKey: Record<string, unknown> | undefined;
    try {
      do {
        const out = await this.client.send(
          new ScanCommand({ TableName: this.tableName, ExclusiveStartKey: startKey }),
        );
        for (const item of out.Items ?? []) products.push(toProduct(item));
        startKey = out.LastEvaluatedKey;
      } while (startKey !== undefined);
    } catch (err) {
      throw dynamoDbFailure(err, this.tableName);
    }
    return products.sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  }

  /**
   * Writes (creates or replaces) products, for seeding a catalog. When a SKU
   * appears twice, the last one wins.
   * @throws ServiceUnavailableError when some products could not be written after every retry.
   */
  async putProducts(products: readonly Product[]): Promise<void> {
    const bySku = new Map<string, Product>();
    for (const product of products) bySku.set(product.sku, toProduct(product));
    const all = [...bySku.values()];
    for (let start = 0; start < all.length; start += BATCH_WRITE_MAX_ITEMS) {
      let pending: Product[] = all.slice(start, start + BATCH_WRITE_MAX_ITEMS);
      await this.withRetries(async () => {
        const out = await this.client.send(
          new BatchWriteCommand({
            RequestItems: { [this.tableName]: pending.map((product) => ({ PutRequest: { Item: product } })) },
          }),
        );
        const unprocessed = out.UnprocessedItems?.[this.tableName] ?? [];
        pending = unprocessed.flatMap((request) =>
          request.PutRequest?.Item ? [toProduct(request.PutRequest.Item)] : [],
        );
        if (pending.length > 0) throw new UnprocessedEntries(pending.map((product) => product.sku));
      }, "items");
    }
  }

  private async withRetries(call: () => Promise<void>, what: "keys" | "items"): Promise<void> {
    try {
      await retryWithBackoff(call, {
        ...this.retry,
        isRetryable: (err) => err instanceof UnprocessedEntries || isTransientAwsError(err),
      });
    } catch (err) {
      if (err instanceof UnprocessedEntries) {
        const shown = err.remaining.slice(0, 10).join(", ") + (err.remaining.length > 10 ? ", …" : "");
        throw new ServiceUnavailableError(`DynamoDB table ${this.tableName}`, {
          cause: err,
          message:
            `DynamoDB table ${this.tableName} left ${err.remaining.length} ${what} unprocessed ` +
            `after ${this.retry.attempts ?? 1} attempts: ${shown}`,
        });
      }
      throw dynamoDbFailure(err, this.tableName);
    }
  }
}

/** Keeps the product's fields only (an item may carry attributes of its own). */
function toProduct(value: object): Product {
  const item = value as Record<string, unknown>;
  return {
    sku: String(item.sku),
    unitPrice: Number(item.unitPrice),
    currency: String(item.currency),
    stock: Number(item.stock),
  };
}
