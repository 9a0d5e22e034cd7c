import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { BatchWriteCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Product } from "../../domain/business-rules.js";
import { ServiceUnavailableError } from "../../ports/errors.js";
import type { ProductCatalog } from "../../ports/product-catalog.js";
import type { DynamoDbAdapterOptions } from "./dynamodb-support.js";
import {
  batchGetByKey,
  DEFAULT_BATCH_RETRY,
  dynamoDbFailure,
  retryUnprocessed,
  toDocumentClient,
} from "./dynamodb-support.js";
import type { RetryOptions } from "./retry.js";

/** DynamoDB's limit of items per BatchWriteItem call. */
const BATCH_WRITE_MAX_ITEMS = 25;

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
    const items = await batchGetByKey(this.client, this.tableName, "sku", skus, { retry: this.retry });
    const found = new Map<string, Product>();
    for (const item of items.values()) {
      const product = toProduct(item);
      found.set(product.sku, product);
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
      await retryUnprocessed(
        async (unprocessed) => {
          const out = await this.client.send(
            new BatchWriteCommand({
              RequestItems: {
                [this.tableName]: pending.map((product) => ({ PutRequest: { Item: product } })),
              },
            }),
          );
          const left = out.UnprocessedItems?.[this.tableName] ?? [];
          pending = left.flatMap((request) =>
            request.PutRequest?.Item ? [toProduct(request.PutRequest.Item)] : [],
          );
          if (pending.length > 0) unprocessed(pending.map((product) => product.sku));
        },
        this.tableName,
        this.retry,
        "items",
      );
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
