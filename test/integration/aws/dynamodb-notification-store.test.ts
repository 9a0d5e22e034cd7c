import { Buffer } from "node:buffer";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbNotificationStore } from "../../../src/adapters/aws/dynamodb-notification-store.js";
import {
  createTables,
  NOTIFICATION_PRIORITY_SHARDS,
  NOTIFICATIONS_TABLE,
} from "../../../src/adapters/aws/dynamodb-tables.js";
import { NOTIFICATION_PRIORITIES, type Notification } from "../../../src/domain/notification.js";
import { allPages, codeOf, rejectionOf } from "../../../src/ports/contracts/helpers.js";
import { aNotification } from "../../../src/ports/contracts/notification-mother.js";
import { uniqueId } from "../../../src/ports/contracts/order-mother.js";
import type { DynaliteHandle } from "../../support/dynalite.js";
import { startDynalite } from "../../support/dynalite.js";
import { countRequests } from "../../support/request-counter.js";

// What the contract suite cannot see: how the priority index spreads a priority
// over partitions, how a listing walks the days, and how strictly cursors are read.

let dynalite: DynaliteHandle;

beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite?.stop();
});

/** A fresh table (the priority listings span the whole table), a store on it, and a client that counts requests. */
async function aStore() {
  const tableName = uniqueId("notifications");
  await createTables(dynalite.client, { notifications: tableName });
  const client = new DynamoDBClient({
    endpoint: dynalite.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "fake", secretAccessKey: "fake" },
  });
  const requests = countRequests(client);
  const store = new DynamoDbNotificationStore({ client, tableName });
  const rawItems = async (): Promise<Record<string, unknown>[]> =>
    (await DynamoDBDocumentClient.from(dynalite.client).send(new ScanCommand({ TableName: tableName })))
      .Items ?? [];
  return { store, requests, rawItems };
}

const at = (iso: string, overrides: Partial<Notification> = {}) =>
  aNotification({ priority: "high", createdAt: iso, ...overrides });

/** The ids of `notifications`, newest first, as DynamoDB orders sort keys (by UTF-16 code unit). */
function newestFirst(notifications: readonly Notification[]): string[] {
  const key = (n: Notification) => `${n.createdAt}#${n.notificationId}`;
  return [...notifications]
    .sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0))
    .map((n) => n.notificationId);
}

const idsOf = (items: readonly Notification[]) => items.map((n) => n.notificationId);

describe("DynamoDbNotificationStore: the priority index", () => {
  it("puts each day of a priority on its own partitions, each spread over the write shards", async () => {
    const { store, rawItems } = await aStore();
    const days = ["2030-01-15", "2030-01-16", "2030-03-01"];
    const notifications = days.flatMap((day) =>
      Array.from({ length: 12 }, (_, i) =>
        at(`${day}T10:00:${String(i).padStart(2, "0")}.000Z`, { notificationId: `n-${day}-${i}` }),
      ),
    );
    for (const n of notifications) await store.create(n);

    const items = (await rawItems()).filter((item) => item.status !== undefined);
    const partitions = new Set(items.map((item) => String(item.priorityBucket)));
    for (const item of items) {
      const [priority, day, shard] = String(item.priorityBucket).split("#");
      expect(priority).toBe("high");
      expect(day).toBe(String(item.createdAt).slice(0, 10));
      expect(Number(shard)).toBeGreaterThanOrEqual(0);
      expect(Number(shard)).toBeLessThan(NOTIFICATION_PRIORITY_SHARDS);
    }
    expect(new Set([...partitions].map((p) => p.split("#")[1]))).toEqual(new Set(days));
    // More partitions than days: the writes of one day are spread.
    expect(partitions.size).toBeGreaterThanOrEqual(days.length * 2);
  });

  it("lists across days newest first, a page crossing a day boundary, and skips empty days without reading them", async () => {
    const { store, requests } = await aStore();
    const older = [1, 2, 3].map((i) => at(`2030-01-15T10:00:0${i}.000Z`));
    // Fifteen years later: a walk day by day would read some 5 500 empty days.
    const newer = [1, 2].map((i) => at(`2045-06-01T08:00:0${i}.000Z`));
    for (const n of [...older, ...newer]) await store.create(n);
    const before = { ...requests.byCommand };

    const first = await store.listByPriority("high", { limit: 3 });
    const since = (name: string) => (requests.byCommand[name] ?? 0) - (before[name] ?? 0);

    expect(idsOf(first.items)).toEqual(newestFirst([...newer, older[2]!]));
    // One Query of the days index, the four shards of each of the two days, one BatchGetItem.
    expect(since("Query")).toBe(1 + 2 * NOTIFICATION_PRIORITY_SHARDS);
    expect(since("BatchGetItem")).toBe(1);

    const second = await store.listByPriority("high", { limit: 3, nextToken: first.nextToken });
    expect(idsOf(second.items)).toEqual(newestFirst(older.slice(0, 2)));
    expect(second.nextToken).toBeUndefined();
  });

  it("pages within a day and across day boundaries, each notification once", async () => {
    const { store } = await aStore();
    const notifications = ["2030-01-14", "2030-01-15", "2030-01-17"].flatMap((day) =>
      Array.from({ length: 5 }, (_, i) => at(`${day}T23:59:5${i}.000Z`)),
    );
    for (const n of notifications) await store.create(n);

    for (const limit of [1, 2, 4, 5, 7]) {
      const { items } = await allPages((page) => store.listByPriority("high", page), limit);
      expect(idsOf(items)).toEqual(newestFirst(notifications));
    }
  });

  it("keeps day markers out of reach: get answers undefined for their keys", async () => {
    const { store, rawItems, requests } = await aStore();
    await store.create(at("2030-01-15T10:00:00.000Z"));
    await store.create(at("2030-01-15T11:00:00.000Z"));
    await store.create(at("2030-01-15T12:00:00.000Z", { priority: "low" }));

    const markers = (await rawItems()).filter((item) => item.status === undefined);

    expect(markers.map((m) => m.notificationId).sort()).toEqual([
      "#day#high#2030-01-15",
      "#day#low#2030-01-15",
    ]);
    // Three notifications, two markers: a process marks a day once.
    expect(requests.byCommand.PutItem).toBe(5);
    expect(await store.get("#day#high#2030-01-15")).toBeUndefined();
  });
});

describe("DynamoDbNotificationStore: cursors", () => {
  const decode = (token: string) => JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value), "utf8").toString("base64url");

  it("refuses any change to a cursor it issued, with INVALID_CURSOR", async () => {
    const { store } = await aStore();
    const userId = uniqueId("user");
    for (const i of [1, 2, 3]) await store.create(at(`2030-01-15T10:00:0${i}.000Z`, { userId }));
    const userCursor = (await store.listByUser(userId, { limit: 1 })).nextToken!;
    const filteredCursor = (await store.listByUser(userId, { limit: 1, priority: "high" })).nextToken!;
    const priorityCursor = (await store.listByPriority("high", { limit: 1 })).nextToken!;
    const valid = decode(userCursor);

    const tampered = [
      encode({ ...valid, k: "not a position" }),
      encode({ ...valid, k: 42 }),
      encode({ ...valid, extra: true }),
      encode({ ...valid, l: "priority" }),
      encode({ ...valid, p: "high" }),
      encode({ l: valid.l, u: valid.u, k: valid.k }),
      encode([valid]),
      encode(null),
      `${userCursor}A`,
      `${userCursor}=`,
      userCursor.replace(/.$/, (c) => (c === "A" ? "B" : "A")),
      "A".repeat(5_000),
    ];

    for (const token of tampered) {
      expect(codeOf(await rejectionOf(store.listByUser(userId, { nextToken: token }))), token).toBe(
        "INVALID_CURSOR",
      );
    }
    // A cursor of the listing filtered by priority is not one of the unfiltered listing, nor the reverse.
    expect(codeOf(await rejectionOf(store.listByUser(userId, { nextToken: filteredCursor })))).toBe(
      "INVALID_CURSOR",
    );
    expect(
      codeOf(await rejectionOf(store.listByUser(userId, { nextToken: userCursor, priority: "high" }))),
    ).toBe("INVALID_CURSOR");
    expect(
      codeOf(
        await rejectionOf(
          store.listByPriority("high", { nextToken: encode({ ...decode(priorityCursor), p: "low" }) }),
        ),
      ),
    ).toBe("INVALID_CURSOR");
    // The untouched cursors still work.
    expect((await store.listByUser(userId, { nextToken: userCursor })).items).toHaveLength(2);
    expect((await store.listByPriority("high", { nextToken: priorityCursor })).items).toHaveLength(2);
  });
});

describe("DynamoDbNotificationStore: listings (property)", () => {
  it("pages concatenated give every notification of the listing once, newest first", async () => {
    const start = Date.parse("2030-01-14T22:00:00.000Z");
    const aNotificationArb = fc.record({
      notificationId: fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/),
      userId: fc.constantFrom("u-1", "u-2"),
      priority: fc.constantFrom(...NOTIFICATION_PRIORITIES),
      // Within three days, on whole minutes, so that times collide and days change.
      createdAt: fc
        .integer({ min: 0, max: 3 * 24 * 60 })
        .map((m) => new Date(start + m * 60_000).toISOString()),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(aNotificationArb, { selector: (n) => n.notificationId, maxLength: 30 }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom(undefined, ...NOTIFICATION_PRIORITIES),
        async (drafts, limit, priority) => {
          const { store } = await aStore();
          const notifications = drafts.map((d) => aNotification(d));
          for (const n of notifications) await store.create(n);

          const byUser = await allPages((page) => store.listByUser("u-1", { ...page, priority }), limit);
          expect(idsOf(byUser.items)).toEqual(
            newestFirst(
              notifications.filter(
                (n) => n.userId === "u-1" && (priority === undefined || n.priority === priority),
              ),
            ),
          );
          const listed = priority ?? "high";
          const byPriority = await allPages((page) => store.listByPriority(listed, page), limit);
          expect(idsOf(byPriority.items)).toEqual(
            newestFirst(notifications.filter((n) => n.priority === listed)),
          );
          expect(byPriority.items).toEqual(
            newestFirst(notifications.filter((n) => n.priority === listed)).map((id) =>
              notifications.find((n) => n.notificationId === id),
            ),
          );
        },
      ),
      { numRuns: 25 },
    );
  }, 60_000);
});

describe("NOTIFICATIONS_TABLE", () => {
  it("projects keys only on every index", () => {
    for (const index of NOTIFICATIONS_TABLE.GlobalSecondaryIndexes ?? [])
      expect(index.Projection.ProjectionType).toBe("KEYS_ONLY");
  });
});

describe("DynamoDbNotificationStore: clients", () => {
  it("stores a notification without its optional fields through a document client that keeps undefined values", async () => {
    const tableName = uniqueId("notifications");
    await createTables(dynalite.client, { notifications: tableName });
    const store = new DynamoDbNotificationStore({
      client: DynamoDBDocumentClient.from(dynalite.client),
      tableName,
    });
    const notification = aNotification({ orderId: undefined, deliveredAt: undefined });

    expect((await store.create(notification)).created).toBe(true);
    expect(await store.get(notification.notificationId)).toEqual(notification);
    expect(Object.keys((await store.get(notification.notificationId))!)).not.toContain("orderId");
  });
});
