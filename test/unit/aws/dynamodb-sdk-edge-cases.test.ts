import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  ProvisionedThroughputExceededException,
} from "@aws-sdk/client-dynamodb";
import type { BatchGetCommandInput, BatchWriteCommandInput, QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DynamoDbIdempotencyStore } from "../../../src/adapters/aws/dynamodb-idempotency-store.js";
import { DynamoDbOrderRepository } from "../../../src/adapters/aws/dynamodb-order-repository.js";
import { DynamoDbProductCatalog } from "../../../src/adapters/aws/dynamodb-product-catalog.js";
import type { Product } from "../../../src/domain/business-rules.js";
import type { OrderSnapshot } from "../../../src/domain/order.js";
import { Order } from "../../../src/domain/order.js";
import { aCommandContext, anOrder } from "../../../src/ports/contracts/order-mother.js";
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

describe("DynamoDbOrderRepository lists on a lagging keys-only index", () => {
  const ORDERS = "orders";

  /**
   * A fake orders table behind Query (on `byStatus`, keys only, as stale as given)
   * and BatchGet (answers in reverse order, the stale item version to eventually
   * consistent reads, and leaves `leaveUnprocessed(call)` keys unprocessed).
   */
  function fakeOrders(
    index: readonly Record<string, string>[],
    current: ReadonlyMap<string, Record<string, unknown>>,
    stale: ReadonlyMap<string, Record<string, unknown>>,
    leaveUnprocessed: (call: number) => number = () => 0,
  ) {
    let calls = 0;
    ddb.on(QueryCommand).callsFake((input: QueryCommandInput) => {
      const partition = input.ExpressionAttributeValues![":p"];
      const entries = index.filter((entry) => entry.status === partition);
      const after = input.ExclusiveStartKey
        ? entries.findIndex((entry) => entry.orderId === input.ExclusiveStartKey!.orderId) + 1
        : 0;
      const served = entries.slice(after, after + input.Limit!);
      const more = after + served.length < entries.length;
      return { Items: served, ...(more ? { LastEvaluatedKey: served[served.length - 1] } : {}) };
    });
    ddb.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => {
      const request = input.RequestItems![ORDERS]!;
      const keys = request.Keys!;
      expect(keys.length).toBeLessThanOrEqual(100);
      const skip = Math.min(keys.length, leaveUnprocessed(++calls));
      const source = request.ConsistentRead === true ? current : stale;
      const served = keys.slice(0, keys.length - skip);
      return {
        Responses: {
          [ORDERS]: served.flatMap((key) => source.get(String(key.orderId)) ?? []).reverse(),
        },
        UnprocessedKeys: skip > 0 ? { [ORDERS]: { Keys: keys.slice(keys.length - skip) } } : {},
      };
    });
  }

  /** Five RECEIVED orders in the index; o2 deleted since, o4 validated since. */
  function aLaggingIndex() {
    const orders = Array.from({ length: 5 }, (_, i) =>
      anOrder({}, aCommandContext({ at: new Date(Date.UTC(2030, 0, 1 + i)) })),
    );
    const item = (snapshot: OrderSnapshot) => ({
      ...snapshot,
      byCustomerSk: `${snapshot.createdAt}#${snapshot.orderId}`,
      byStatusSk: `${snapshot.updatedAt}#${snapshot.orderId}`,
      outbox: { [`${snapshot.orderId}:1:0`]: { id: `${snapshot.orderId}:1:0` } },
    });
    const index = orders.map((order) => {
      const { orderId, status, byStatusSk } = item(order.snapshot());
      return { orderId, status, byStatusSk };
    });
    const stale = new Map(orders.map((order) => [order.id, item(order.snapshot())]));
    const validated = Order.fromSnapshot(orders[3]!.snapshot());
    validated.validate([], aCommandContext({ at: new Date(Date.UTC(2030, 1, 1)) }));
    // The current versions differ from the stale ones (a later version), so a stale read would show.
    const current = new Map(
      orders.map((order) => [order.id, { ...item(order.snapshot()), version: order.version + 10 }]),
    );
    current.delete(orders[1]!.id);
    current.set(validated.id, item(validated.snapshot()));
    const expected = (i: number) => ({ ...orders[i]!.snapshot(), version: orders[i]!.version + 10 });
    return { orders, index, stale, current, expected };
  }

  it("answers the current items in index order, leaving out those deleted or moved to another status", async () => {
    const { index, current, stale, expected } = aLaggingIndex();
    fakeOrders(index, current, stale, (call) => (call === 1 ? 1 : 0));
    const repository = new DynamoDbOrderRepository({
      client,
      tableName: "orders",
      retry: instantRetry(3).retry,
    });

    const pages: { items: readonly OrderSnapshot[]; nextToken?: string | undefined }[] = [];
    let nextToken: string | undefined;
    do {
      const page = await repository.listByStatus("RECEIVED", { limit: 3, nextToken });
      pages.push(page);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);

    // Pages follow the index (3 keys, then 2): o2 and o4 drop out, the tokens stay exact.
    expect(pages.map((page) => page.items)).toEqual([[expected(0), expected(2)], [expected(4)]]);
    expect(pages.map((page) => page.nextToken !== undefined)).toEqual([true, false]);
  });

  it("fails with a ServiceUnavailableError when UnprocessedKeys outlast the retries", async () => {
    const { index, current, stale } = aLaggingIndex();
    fakeOrders(index, current, stale, () => 1);
    const repository = new DynamoDbOrderRepository({
      client,
      tableName: "orders",
      retry: instantRetry(2).retry,
    });

    const error = await repository.listByStatus("RECEIVED").catch((err: unknown) => err);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toMatch(/left 1 keys unprocessed after 2 attempts/);
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
