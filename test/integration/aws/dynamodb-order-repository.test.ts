import { DynamoDBDocumentClient, GetCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbOrderRepository } from "../../../src/adapters/aws/dynamodb-order-repository.js";
import { dynamoDbItemSize } from "../../../src/adapters/aws/dynamodb-support.js";
import { createTables, ORDER_INDEXES } from "../../../src/adapters/aws/dynamodb-tables.js";
import { Order } from "../../../src/domain/order.js";
import { aCommandContext, anOrder, uniqueId } from "../../../src/ports/contracts/order-mother.js";
import { ConcurrencyError } from "../../../src/ports/errors.js";
import type { DynaliteHandle } from "../../support/dynalite.js";
import { startDynalite } from "../../support/dynalite.js";
import {
  everyIssueOf,
  largestOrder,
  paddedId,
  widestContext,
  widestLines,
} from "../../support/largest-order.js";

const TABLE = "orders";
let dynalite: DynaliteHandle;
let repository: DynamoDbOrderRepository;

beforeAll(async () => {
  dynalite = await startDynalite();
  await createTables(dynalite.client, { orders: TABLE });
  repository = new DynamoDbOrderRepository({ client: dynalite.client, tableName: TABLE });
});
afterAll(async () => {
  await dynalite?.stop();
});

async function rawItem(orderId: string): Promise<Record<string, unknown> | undefined> {
  const doc = DynamoDBDocumentClient.from(dynalite.client);
  const out = await doc.send(new GetCommand({ TableName: TABLE, Key: { orderId }, ConsistentRead: true }));
  return out.Item;
}

describe("DynamoDbOrderRepository on dynalite: racing writers", () => {
  it("20 writers racing in rounds: exactly one wins each version, and reload-and-retry loses no update", async () => {
    const placed = anOrder();
    await repository.save(placed, 0);
    const initialVersion = placed.version;
    const writers = Array.from({ length: 20 }, (_, i) => `W${String(i).padStart(2, "0")}`);
    let waiting = [...writers];
    const winnersByVersion = new Map<number, string[]>();

    // Each round, every writer still waiting loads the same version, adds its own line and saves at
    // that version; the losers reload and try again in the next round.
    while (waiting.length > 0) {
      const loaded = await Promise.all(waiting.map(() => repository.get(placed.id)));
      const versions = new Set(loaded.map((stored) => stored!.order.version));
      expect(versions.size).toBe(1);
      const expected = [...versions][0]!;
      const attempts = waiting.map((writer, i) => {
        const order = loaded[i]!.order;
        const items = [...order.items.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPrice }))];
        items.push({ sku: writer, quantity: 1, unitPrice: 100 });
        expect(order.modify({ items }, [], aCommandContext())).toBe("MODIFIED");
        return repository.save(order, expected);
      });
      const results = await Promise.allSettled(attempts);

      const won = waiting.filter((_, i) => results[i]!.status === "fulfilled");
      winnersByVersion.set(expected, won);
      for (const result of results) {
        if (result.status === "rejected") expect(result.reason).toBeInstanceOf(ConcurrencyError);
      }
      expect(won).toHaveLength(1);
      waiting = waiting.filter((writer) => !won.includes(writer));
    }

    const stored = (await repository.get(placed.id))!;
    expect(stored.order.version).toBe(initialVersion + writers.length);
    expect([...winnersByVersion.keys()]).toEqual(writers.map((_, i) => initialVersion + i));
    const skus = stored.order.items.map((line) => line.sku);
    for (const writer of writers) expect(skus).toContain(writer);
    // One OrderModified per accepted update, in version order, after the OrderPlaced.
    expect(stored.outbox.map((event) => event.orderVersion)).toEqual(
      Array.from({ length: writers.length + 1 }, (_, i) => initialVersion + i),
    );
    expect(stored.outbox.filter((event) => event.type === "OrderModified")).toHaveLength(writers.length);
  });
});

describe("DynamoDbOrderRepository on dynalite: transactional outbox", () => {
  it("keeps the events of a save whose publication crashed, in order, until they are marked published", async () => {
    const order = anOrder();
    order.validate([], aCommandContext());
    const events = [...order.peekEvents()];
    await repository.save(order, 0);
    // The process dies here: markPublished is never called.

    const afterRestart = new DynamoDbOrderRepository({ client: dynalite.client, tableName: TABLE });
    const stored = (await afterRestart.get(order.id))!;
    expect(stored.outbox).toEqual(events);
    expect(stored.outbox.map((event) => event.type)).toEqual(["OrderPlaced", "OrderValidated"]);

    await afterRestart.markPublished(
      order.id,
      stored.outbox.map((event) => event.id),
    );
    const published = (await afterRestart.get(order.id))!;
    expect(published.outbox).toEqual([]);
    expect(published.order.version).toBe(2);

    published.order.startPayment(aCommandContext());
    const started = [...published.order.peekEvents()];
    await afterRestart.save(published.order, 2);
    expect((await afterRestart.get(order.id))!.outbox).toEqual(started);
  });

  it("restores the order of events across many versions (numerically, not as text)", async () => {
    const order = anOrder();
    await repository.save(order, 0);
    let expected = 1;
    for (let i = 0; i < 11; i++) {
      const loaded = (await repository.get(order.id))!.order;
      loaded.modify({ items: [{ sku: `SKU-${i}`, quantity: 1 + i, unitPrice: 100 }] }, [], aCommandContext());
      await repository.save(loaded, expected);
      expected = loaded.version;
    }
    const stored = (await repository.get(order.id))!;
    expect(stored.outbox.map((event) => event.orderVersion)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 1),
    );
  });

  it("markPublished of an unknown order is a no-op that creates no item", async () => {
    const orderId = uniqueId("unknown");
    await repository.markPublished(orderId, [`${orderId}:1:0`]);
    expect(await rawItem(orderId)).toBeUndefined();
  });

  it("removes optional fields the new snapshot no longer has and keeps the GSI keys current", async () => {
    const order = anOrder({}, aCommandContext({ at: new Date("2030-02-01T00:00:00.000Z") }));
    order.validate([{ path: "items.0.sku", message: "unknown", code: "UNKNOWN_SKU" }], aCommandContext());
    await repository.save(order, 0);
    expect((await rawItem(order.id))!.reasons).toBeDefined();

    const snapshot = order.snapshot();
    const { reasons: _dropped, ...withoutReasons } = snapshot;
    const rewritten = Order.fromSnapshot({
      ...withoutReasons,
      version: snapshot.version + 1,
      updatedAt: "2030-02-02T00:00:00.000Z",
    });
    await repository.save(rewritten, snapshot.version);

    const item = (await rawItem(order.id))!;
    expect(item.reasons).toBeUndefined();
    expect(item.byCustomerSk).toBe(`2030-02-01T00:00:00.000Z#${order.id}`);
    expect(item.byStatusSk).toBe(`2030-02-02T00:00:00.000Z#${order.id}`);
    expect((await repository.get(order.id))!.order.snapshot()).toEqual(rewritten.snapshot());
  });

  it("rejects a page token it did not issue with a VALIDATION_FAILED error", async () => {
    const customerId = uniqueId("customer");
    await expect(repository.listByCustomer(customerId, { nextToken: "not-a-token" })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
    });
    // A genuine token of another customer's list is refused too.
    for (let i = 0; i < 3; i++) await repository.save(anOrder({ customerId }), 0);
    const page = await repository.listByCustomer(customerId, { limit: 1 });
    expect(page.nextToken).toBeDefined();
    await expect(
      repository.listByCustomer(uniqueId("other"), { limit: 1, nextToken: page.nextToken }),
    ).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });
});

describe("DynamoDbOrderRepository on dynalite: lists on keys-only indexes", () => {
  it("the indexes hold keys only, and a list answers the full current snapshots without their outbox", async () => {
    const customerId = uniqueId("customer");
    const orders = Array.from({ length: 3 }, (_, i) =>
      anOrder({ customerId }, aCommandContext({ at: new Date(Date.UTC(2030, 2, 1 + i)) })),
    );
    for (const order of orders) await repository.save(order, 0);
    // One order moves on (a new status, a new byStatus key), its events left unpublished.
    const moved = (await repository.get(orders[1]!.id))!.order;
    moved.validate([], aCommandContext({ at: new Date(Date.UTC(2030, 3, 1)) }));
    await repository.save(moved, 1);

    const doc = DynamoDBDocumentClient.from(dynalite.client);
    const entries = await doc.send(
      new QueryCommand({
        TableName: TABLE,
        IndexName: ORDER_INDEXES.byCustomer,
        KeyConditionExpression: "customerId = :c",
        ExpressionAttributeValues: { ":c": customerId },
      }),
    );
    expect(entries.Items).toHaveLength(3);
    for (const entry of entries.Items!) {
      expect(Object.keys(entry).sort()).toEqual(["byCustomerSk", "customerId", "orderId"]);
    }

    const expected = [orders[2]!.snapshot(), moved.snapshot(), orders[0]!.snapshot()];
    const all: unknown[] = [];
    let nextToken: string | undefined;
    do {
      const page = await repository.listByCustomer(customerId, { limit: 2, nextToken });
      all.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    expect(all).toEqual(expected);
    for (const item of all) expect(item).not.toHaveProperty("outbox");

    const validated = await repository.listByStatus("VALIDATED", { limit: 100 });
    expect(validated.items.filter((snapshot) => snapshot.customerId === customerId)).toEqual([
      moved.snapshot(),
    ]);
  });
});

describe("DynamoDbOrderRepository on dynalite: item size", () => {
  it("a worst-case order with every event still in its outbox stays below 400 KB", async () => {
    const input = largestOrder();
    const issues = everyIssueOf(input);
    expect(issues.length).toBeGreaterThanOrEqual(400);
    const ctx = widestContext;

    const placed = Order.place(input, ctx());
    await repository.save(placed, 0);
    // A full window of remembered command ids, then the largest commands, none of them published.
    const ids = Array.from({ length: 64 }, () => paddedId(uniqueId("cmd"), 128));
    const order = Order.fromSnapshot({ ...placed.snapshot(), processedCommandIds: ids });
    expect(order.modify({ items: widestLines("T".repeat(64)) }, [], ctx())).toBe("MODIFIED");
    expect(order.modify({ items: widestLines("U".repeat(64)) }, issues, ctx())).toBe("REFUSED");
    order.validate(issues, ctx());
    await repository.save(order, 1);

    const item = (await rawItem(order.id))!;
    const size = dynamoDbItemSize(item);
    const json = Buffer.byteLength(JSON.stringify(item), "utf8");
    // Measured: about 286 KB (state 132 KB; events 15 + 29 + 55 + 55 KB); the bounds are in the adapter's TSDoc.
    const { outbox: _outbox, ...state } = item;
    expect(Object.keys(item.outbox as object)).toHaveLength(4);
    expect(dynamoDbItemSize(state)).toBeLessThan(150 * 1024);
    expect(size).toBeLessThan(320 * 1024);
    expect(json).toBeLessThan(400 * 1024);
  });
});
