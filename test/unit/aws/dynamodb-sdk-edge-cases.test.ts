import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from "@aws-sdk/client-dynamodb";
import type { BatchGetCommandInput, BatchWriteCommandInput } from "@aws-sdk/lib-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DynamoDbIdempotencyStore } from "../../../src/adapters/aws/dynamodb-idempotency-store.js";
import { DynamoDbOrderRepository } from "../../../src/adapters/aws/dynamodb-order-repository.js";
import { DynamoDbProductCatalog } from "../../../src/adapters/aws/dynamodb-product-catalog.js";
import type { Product } from "../../../src/domain/business-rules.js";
import { anOrder } from "../../../src/ports/contracts/order-mother.js";
import { someProducts } from "../../../src/ports/contracts/product-catalog.contract.js";
import { ConcurrencyError, ServiceUnavailableError } from "../../../src/ports/errors.js";

// The SDK edge cases dynalite never produces: throttling and partly processed batches.
const TABLE = "products";
const ddb = mockClient(DynamoDBDocumentClient);
let client: DynamoDBDocumentClient;

beforeAll(() => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: "us-east-1",
      credentials: { accessKeyId: "fake", secretAccessKey: "fake" },
    }),
  );
});
beforeEach(() => {
  ddb.reset();
});
afterAll(() => {
  ddb.restore();
});

const throttled = () =>
  new ProvisionedThroughputExceededException({
    message: "throughput exceeded",
    $metadata: { httpStatusCode: 400 },
  });

/** Records the delays instead of waiting them. */
function instantRetry(attempts: number) {
  const delays: number[] = [];
  return {
    delays,
    retry: {
      attempts,
      baseDelayMs: 100,
      maxDelayMs: 1_000,
      sleep: async (ms: number) => void delays.push(ms),
    },
  };
}

describe("DynamoDbOrderRepository with SDK failures", () => {
  it("turns a failed version condition into a ConcurrencyError that keeps the SDK exception as cause", async () => {
    const cause = new ConditionalCheckFailedException({
      message: "The conditional request failed",
      $metadata: {},
    });
    ddb.on(UpdateCommand).rejects(cause);
    const repository = new DynamoDbOrderRepository({ client, tableName: "orders" });
    const order = anOrder();

    const error = await repository.save(order, 3).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(ConcurrencyError);
    expect(error).toMatchObject({
      code: "CONCURRENCY_CONFLICT",
      id: order.id,
      expectedVersion: 3,
      retryable: true,
    });
    expect((error as ConcurrencyError).cause).toBe(cause);
  });

  it("turns throttling that outlasted the client's own retries into a ServiceUnavailableError", async () => {
    const cause = throttled();
    ddb.on(UpdateCommand).rejects(cause);
    const repository = new DynamoDbOrderRepository({ client, tableName: "orders" });

    const error = await repository.save(anOrder(), 0).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ code: "SERVICE_UNAVAILABLE", retryable: true });
    expect((error as ServiceUnavailableError).cause).toBe(cause);
  });
});

describe("DynamoDbIdempotencyStore with SDK failures", () => {
  it("reports throttling as ServiceUnavailableError, not as a taken key", async () => {
    ddb.on(PutCommand).rejects(throttled());
    const store = new DynamoDbIdempotencyStore({ client, tableName: "idempotency" });

    await expect(
      store.begin("k", "h", { now: new Date(), inProgressTimeoutMs: 1_000, ttlMs: 60_000 }),
    ).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});

describe("DynamoDbProductCatalog with partial batches", () => {
  /** A fake table behind BatchGet/BatchWrite that leaves the given number of entries unprocessed per call. */
  function fakeTable(products: readonly Product[], leaveUnprocessed: (call: number) => number) {
    const table = new Map(products.map((product) => [product.sku, product]));
    let calls = 0;
    ddb.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => {
      const keys = input.RequestItems![TABLE]!.Keys!;
      expect(keys.length).toBeLessThanOrEqual(100);
      const skip = Math.min(keys.length, leaveUnprocessed(++calls));
      const served = keys.slice(0, keys.length - skip);
      return {
        Responses: {
          [TABLE]: served.flatMap((key) => (table.has(String(key.sku)) ? [table.get(String(key.sku))] : [])),
        },
        UnprocessedKeys: skip > 0 ? { [TABLE]: { Keys: keys.slice(keys.length - skip) } } : {},
      };
    });
    ddb.on(BatchWriteCommand).callsFake((input: BatchWriteCommandInput) => {
      const requests = input.RequestItems![TABLE]!;
      expect(requests.length).toBeLessThanOrEqual(25);
      const skip = Math.min(requests.length, leaveUnprocessed(++calls));
      for (const request of requests.slice(0, requests.length - skip)) {
        const item = request.PutRequest!.Item as Product;
        table.set(item.sku, item);
      }
      return { UnprocessedItems: skip > 0 ? { [TABLE]: requests.slice(requests.length - skip) } : {} };
    });
    return table;
  }

  it("retries UnprocessedKeys with backoff until every key is read", async () => {
    const products = someProducts(150);
    fakeTable(products, (call) => (call <= 3 ? 40 : 0));
    const { delays, retry } = instantRetry(5);
    const catalog = new DynamoDbProductCatalog({ client, tableName: TABLE, retry });

    const found = await catalog.getProducts(products.map((p) => p.sku));

    expect([...found.values()].sort((a, b) => a.sku.localeCompare(b.sku))).toEqual(
      [...products].sort((a, b) => a.sku.localeCompare(b.sku)),
    );
    expect(delays.length).toBeGreaterThanOrEqual(2);
    for (const [i, ms] of delays.entries()) expect(ms).toBeLessThan(Math.min(1_000, 100 * 2 ** i));
  });

  it("retries a throttled batch call as a whole", async () => {
    const products = someProducts(3);
    const table = new Map(products.map((p) => [p.sku, p]));
    ddb
      .on(BatchGetCommand)
      .rejectsOnce(throttled())
      .callsFake((input: BatchGetCommandInput) => ({
        Responses: { [TABLE]: input.RequestItems![TABLE]!.Keys!.map((key) => table.get(String(key.sku))) },
      }));
    const catalog = new DynamoDbProductCatalog({ client, tableName: TABLE, retry: instantRetry(3).retry });

    expect((await catalog.getProducts(products.map((p) => p.sku))).size).toBe(3);
  });

  it("retries UnprocessedItems until every product is written", async () => {
    const products = someProducts(60);
    const table = fakeTable([], (call) => (call % 2 === 1 ? 7 : 0));
    const catalog = new DynamoDbProductCatalog({ client, tableName: TABLE, retry: instantRetry(4).retry });

    await catalog.putProducts(products);

    expect(new Map(table)).toEqual(new Map(products.map((p) => [p.sku, p])));
  });

  it("fails with a ServiceUnavailableError naming what is left when UnprocessedItems outlast the retries", async () => {
    const products = someProducts(10);
    const table = fakeTable([], () => 2);
    const catalog = new DynamoDbProductCatalog({ client, tableName: TABLE, retry: instantRetry(3).retry });

    const error = await catalog.putProducts(products).catch((err: unknown) => err);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toMatch(/left 2 items unprocessed after 3 attempts/);
    // Each attempt got the leftovers through, except the last two.
    expect(table.size).toBe(8);
    const missing = products.filter((p) => !table.has(p.sku)).map((p) => p.sku);
    for (const sku of missing) expect((error as Error).message).toContain(sku);
  });

  it("fails with a ServiceUnavailableError when UnprocessedKeys outlast the retries", async () => {
    const products = someProducts(5);
    fakeTable(products, () => 1);
    const catalog = new DynamoDbProductCatalog({ client, tableName: TABLE, retry: instantRetry(2).retry });

    await expect(catalog.getProducts(products.map((p) => p.sku))).rejects.toThrow(
      /left 1 keys unprocessed after 2 attempts/,
    );
  });
});
