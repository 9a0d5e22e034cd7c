import { DescribeTableCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbFileHistory } from "../../../src/adapters/aws/dynamodb-file-history.js";
import { DynamoDbIdempotencyStore } from "../../../src/adapters/aws/dynamodb-idempotency-store.js";
import { DynamoDbProductCatalog } from "../../../src/adapters/aws/dynamodb-product-catalog.js";
import { createTables, TABLE_DEFINITIONS } from "../../../src/adapters/aws/dynamodb-tables.js";
import { aFileRecord } from "../../../src/ports/contracts/file-history.contract.js";
import { uniqueId } from "../../../src/ports/contracts/order-mother.js";
import { someProducts } from "../../../src/ports/contracts/product-catalog.contract.js";
import type { DynaliteHandle } from "../../support/dynalite.js";
import { startDynalite } from "../../support/dynalite.js";

let dynalite: DynaliteHandle;
const tables = { orders: "t-orders", fileHistory: "t-files", idempotency: "t-idem", products: "t-products" };

beforeAll(async () => {
  dynalite = await startDynalite();
  await createTables(dynalite.client, tables);
});
afterAll(async () => {
  await dynalite?.stop();
});

describe("createTables", () => {
  it("creates every table with the key schema and indexes of its definition", async () => {
    for (const [logicalName, tableName] of Object.entries(tables)) {
      const definition = TABLE_DEFINITIONS[logicalName as keyof typeof TABLE_DEFINITIONS];
      const { Table } = await dynalite.client.send(new DescribeTableCommand({ TableName: tableName }));
      expect(Table?.TableStatus).toBe("ACTIVE");
      expect(Table?.KeySchema).toEqual(definition.KeySchema);
      expect(new Set(Table?.AttributeDefinitions)).toEqual(new Set(definition.AttributeDefinitions));
      expect(
        (Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.KeySchema]),
      ).toEqual((definition.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.KeySchema]));
    }
  });
});

describe("DynamoDbProductCatalog on dynalite", () => {
  it("writes and reads more than one batch (25 per write, 100 per read)", async () => {
    const catalog = new DynamoDbProductCatalog({ client: dynalite.client, tableName: tables.products });
    const products = someProducts(260);

    await catalog.putProducts(products);

    const found = await catalog.getProducts([...products.map((p) => p.sku), uniqueId("UNKNOWN")]);
    expect(found.size).toBe(260);
    for (const product of products) expect(found.get(product.sku)).toEqual(product);
    const listed = await catalog.listProducts();
    expect(listed.filter((p) => products.some((q) => q.sku === p.sku))).toHaveLength(260);
  });

  it("replaces a product written again, the last of duplicates winning", async () => {
    const catalog = new DynamoDbProductCatalog({ client: dynalite.client, tableName: tables.products });
    const [product] = someProducts(1);
    await catalog.putProducts([product!, { ...product!, stock: 1 }, { ...product!, stock: 2 }]);
    expect((await catalog.getProducts([product!.sku])).get(product!.sku)).toEqual({ ...product!, stock: 2 });
  });
});

describe("DynamoDbIdempotencyStore on dynalite", () => {
  const options = (ms: number) => ({
    now: new Date(Date.UTC(2030, 0, 1) + ms),
    inProgressTimeoutMs: 1_000,
    ttlMs: 60_000,
  });

  it("stores the TTL attribute in epoch seconds, never before the key's logical expiry", async () => {
    const store = new DynamoDbIdempotencyStore({ client: dynalite.client, tableName: tables.idempotency });
    const key = uniqueId("idem");
    await store.begin(key, "h", options(0));
    await store.complete(key, { orderId: "o-1" }, options(1_500));

    const doc = DynamoDBDocumentClient.from(dynalite.client);
    const { Item } = await doc.send(
      new GetCommand({ TableName: tables.idempotency, Key: { idempotencyKey: key } }),
    );
    expect(Item?.expiresAt).toBe(Math.ceil((Date.UTC(2030, 0, 1) + 61_500) / 1000));
    expect(Item?.status).toBe("COMPLETED");
    expect(Item?.inProgressExpiryMs).toBeUndefined();
  });

  it("does not recreate a released key on complete, and keeps a completed key on release", async () => {
    const store = new DynamoDbIdempotencyStore({ client: dynalite.client, tableName: tables.idempotency });
    const released = uniqueId("idem");
    await store.begin(released, "h", options(0));
    await store.release(released);
    await store.complete(released, "late", options(10));
    expect(await store.begin(released, "other-hash", options(20))).toEqual({ status: "STARTED" });

    const completed = uniqueId("idem");
    await store.begin(completed, "h", options(0));
    await store.complete(completed, null, options(10));
    await store.release(completed);
    expect(await store.begin(completed, "h", options(20))).toEqual({ status: "COMPLETED", result: null });
  });

  it("refuses another payload while the key is in progress with a conflict", async () => {
    const store = new DynamoDbIdempotencyStore({ client: dynalite.client, tableName: tables.idempotency });
    const key = uniqueId("idem");
    await store.begin(key, "h", options(0));
    await expect(store.begin(key, "other", options(10))).rejects.toMatchObject({
      code: "IDEMPOTENCY_KEY_CONFLICT",
    });
  });
});

describe("DynamoDbFileHistory on dynalite", () => {
  it("pages through many records with exact tokens and refuses a forged one", async () => {
    const history = new DynamoDbFileHistory({ client: dynalite.client, tableName: tables.fileHistory });
    const records = Array.from({ length: 7 }, () => aFileRecord());
    for (const record of records) await history.create(record);

    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await history.list({ limit: 3, nextToken });
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((r) => `${r.fileKey}#${r.fileVersion}`));
      nextToken = page.nextToken;
    } while (nextToken);
    expect(new Set(seen).size).toBe(seen.length);
    for (const r of records) expect(seen).toContain(`${r.fileKey}#${r.fileVersion}`);

    const forged = Buffer.from(JSON.stringify({ fileKey: "x", other: 1 })).toString("base64url");
    await expect(history.list({ nextToken: forged })).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });
});
