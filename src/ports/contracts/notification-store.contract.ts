import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Notification } from "../../domain/notification.js";
import { PortError } from "../errors.js";
import type { NotificationStore } from "../notification-store.js";
import type { Page, PageRequest } from "../paging.js";
import type { Teardown } from "./helpers.js";
import { allPages, codeOf, rejectionOf } from "./helpers.js";
import { aNotification, notificationsOverTime } from "./notification-mother.js";
import { uniqueId } from "./order-mother.js";

/** Code-unit order, as a table's sort key compares bytes: ids differing only in case sort the same everywhere. */
const descending = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0);

export interface NotificationStoreSubject extends Teardown {
  readonly store: NotificationStore;
}

/**
 * The behaviour every {@link NotificationStore} must show. `makeSubject` runs
 * before each test and may return the same table each time: user ids and
 * notification ids are unique per test, and the listings across users only
 * look at this test's notifications.
 */
export function describeNotificationStoreContract(
  adapterName: string,
  makeSubject: () => Promise<NotificationStoreSubject> | NotificationStoreSubject,
): void {
  describe(`NotificationStore contract: ${adapterName}`, () => {
    let subject: NotificationStoreSubject;
    let store: NotificationStore;

    beforeEach(async () => {
      subject = await makeSubject();
      store = subject.store;
    });
    afterEach(async () => {
      await subject?.teardown?.();
    });

    async function createAll(notifications: readonly Notification[]): Promise<void> {
      for (const notification of notifications) await store.create(notification);
    }

    function idsOf(items: readonly Notification[]): string[] {
      return items.map((n) => n.notificationId);
    }

    /** The ids of `notifications`, newest first (the listings' order). */
    function newestFirst(notifications: readonly Notification[]): string[] {
      return idsOf(
        [...notifications].sort(
          (a, b) => descending(a.createdAt, b.createdAt) || descending(a.notificationId, b.notificationId),
        ),
      );
    }

    it("creates a notification with every field and reads it back", async () => {
      const notification = aNotification({
        message: `Votre commande est prête ✅ 𝄞 ${"x".repeat(1_980)}`,
        priority: "high",
        orderId: uniqueId("order"),
        status: "ACCEPTED",
      });

      const result = await store.create(notification);

      expect(result).toEqual({ created: true, notification });
      expect(await store.get(notification.notificationId)).toEqual(notification);
    });

    it("creates an id only once: a duplicate answers the stored notification and changes nothing", async () => {
      const notification = aNotification();
      await store.create(notification);
      await store.changeStatus(notification.notificationId, {
        to: "DELIVERED",
        deliveredAt: "2030-01-15T10:00:01.000Z",
      });
      const stored = await store.get(notification.notificationId);

      const again = await store.create({ ...notification, message: "other", status: "STORED" });

      expect(again).toEqual({ created: false, notification: stored });
      expect(await store.get(notification.notificationId)).toEqual(stored);
    });

    it("answers undefined for an unknown id", async () => {
      expect(await store.get(uniqueId("missing"))).toBeUndefined();
    });

    it("moves a notification along its lifecycle: ACCEPTED → STORED (by a channel) → DELIVERED", async () => {
      const notification = aNotification({ status: "ACCEPTED", channel: "pending" });
      await store.create(notification);

      expect(await store.changeStatus(notification.notificationId, { to: "STORED", channel: "email" })).toBe(
        true,
      );
      expect(await store.get(notification.notificationId)).toMatchObject({
        status: "STORED",
        channel: "email",
      });
      expect(
        await store.changeStatus(notification.notificationId, {
          to: "DELIVERED",
          deliveredAt: "2030-01-15T10:00:02.000Z",
        }),
      ).toBe(true);

      expect(await store.get(notification.notificationId)).toEqual({
        ...notification,
        status: "DELIVERED",
        channel: "email",
        deliveredAt: "2030-01-15T10:00:02.000Z",
      });
    });

    it("records why a notification failed", async () => {
      const notification = aNotification();
      await store.create(notification);

      const applied = await store.changeStatus(notification.notificationId, {
        to: "FAILED",
        failureReason: "address unknown",
      });

      expect(applied).toBe(true);
      expect(await store.get(notification.notificationId)).toEqual({
        ...notification,
        status: "FAILED",
        failureReason: "address unknown",
      });
    });

    it("never moves a status backwards or out of a final status: those changes answer false and change nothing", async () => {
      const delivered = aNotification();
      await store.create(delivered);
      await store.changeStatus(delivered.notificationId, {
        to: "DELIVERED",
        deliveredAt: "2030-01-15T10:00:01.000Z",
      });
      const before = await store.get(delivered.notificationId);

      expect(await store.changeStatus(delivered.notificationId, { to: "STORED", channel: "log" })).toBe(
        false,
      );
      expect(
        await store.changeStatus(delivered.notificationId, { to: "FAILED", failureReason: "late" }),
      ).toBe(false);
      expect(
        await store.changeStatus(delivered.notificationId, {
          to: "DELIVERED",
          deliveredAt: "2030-01-15T10:09:00.000Z",
        }),
      ).toBe(false);
      expect(await store.get(delivered.notificationId)).toEqual(before);

      const failed = aNotification();
      await store.create(failed);
      await store.changeStatus(failed.notificationId, { to: "FAILED", failureReason: "refused" });
      expect(
        await store.changeStatus(failed.notificationId, {
          to: "DELIVERED",
          deliveredAt: "2030-01-15T10:00:01.000Z",
        }),
      ).toBe(false);
      expect((await store.get(failed.notificationId))!.status).toBe("FAILED");
    });

    it("does not skip a status: ACCEPTED cannot become DELIVERED", async () => {
      const notification = aNotification({ status: "ACCEPTED" });
      await store.create(notification);

      const applied = await store.changeStatus(notification.notificationId, {
        to: "DELIVERED",
        deliveredAt: "2030-01-15T10:00:01.000Z",
      });

      expect(applied).toBe(false);
      expect(await store.get(notification.notificationId)).toEqual(notification);
    });

    it("answers false for a change to an unknown id and creates nothing", async () => {
      const id = uniqueId("missing");

      expect(await store.changeStatus(id, { to: "STORED", channel: "log" })).toBe(false);
      expect(await store.get(id)).toBeUndefined();
    });

    it("lets exactly one of two racing changes win", async () => {
      const notification = aNotification();
      await store.create(notification);

      const results = await Promise.all([
        store.changeStatus(notification.notificationId, {
          to: "DELIVERED",
          deliveredAt: "2030-01-15T10:00:01.000Z",
        }),
        store.changeStatus(notification.notificationId, { to: "FAILED", failureReason: "refused" }),
      ]);

      expect(results.filter(Boolean)).toHaveLength(1);
      const stored = (await store.get(notification.notificationId))!;
      expect(stored.status).toBe(results[0] ? "DELIVERED" : "FAILED");
    });

    it("lists one user's notifications newest first, each once across pages", async () => {
      const userId = uniqueId("user");
      const mine = notificationsOverTime(7, { userId });
      const sameTime = [1, 2, 3].map(() => aNotification({ userId, createdAt: mine[3]!.createdAt }));
      await createAll([...mine, ...sameTime, aNotification()]);

      const { items, pages } = await allPages((page) => store.listByUser(userId, page), 3);

      expect(idsOf(items)).toEqual(newestFirst([...mine, ...sameTime]));
      expect(pages).toBe(4);
      expect(items[0]).toEqual(mine[6]);
    });

    it("orders notifications of one instant by id in code-unit order, as a sort key compares bytes", async () => {
      const userId = uniqueId("user");
      const stem = uniqueId("case");
      const sameTime = [`${stem}-a`, `${stem}-B`, `${stem}-b`, `${stem}-A`].map((notificationId) =>
        aNotification({ userId, notificationId, createdAt: "2030-02-01T00:00:00.000Z" }),
      );
      await createAll(sameTime);

      const { items } = await allPages((page) => store.listByUser(userId, page), 2);

      expect(idsOf(items)).toEqual([`${stem}-b`, `${stem}-a`, `${stem}-B`, `${stem}-A`]);
    });

    it("filters one user's notifications by priority", async () => {
      const userId = uniqueId("user");
      const high = notificationsOverTime(3, { userId, priority: "high" });
      const low = notificationsOverTime(2, { userId, priority: "low" }, Date.parse("2030-01-15T11:00:00Z"));
      await createAll([...high, ...low]);

      const { items } = await allPages((page) => store.listByUser(userId, { ...page, priority: "high" }), 2);

      expect(idsOf(items)).toEqual(newestFirst(high));
      expect((await store.listByUser(userId, { priority: "medium" })).items).toEqual([]);
    });

    it("lists one priority across users, newest first", async () => {
      const start = Date.parse("2031-06-01T00:00:00Z") + Math.floor(Math.random() * 1e9) * 1_000;
      const highs = [0, 1, 2, 3, 4].map((i) =>
        aNotification({ priority: "high", createdAt: new Date(start + i * 60_000).toISOString() }),
      );
      const ours = new Set(idsOf(highs));
      await createAll([...highs, aNotification({ priority: "low", createdAt: highs[2]!.createdAt })]);

      const { items } = await allPages((page) => store.listByPriority("high", page), 2);

      expect(items.every((n) => n.priority === "high")).toBe(true);
      expect(idsOf(items).filter((id) => ours.has(id))).toEqual(newestFirst(highs));
    });

    it("pages 20 by default and at most 100 however many are asked for", async () => {
      const userId = uniqueId("user");
      await createAll(notificationsOverTime(101, { userId }));

      const byDefault = await store.listByUser(userId);
      const capped = await store.listByUser(userId, { limit: 500 });
      const rest = await store.listByUser(userId, { limit: 100, nextToken: capped.nextToken });

      expect(byDefault.items).toHaveLength(20);
      expect(byDefault.nextToken).toBeDefined();
      expect(capped.items).toHaveLength(100);
      expect(rest.items).toHaveLength(1);
      expect(rest.nextToken).toBeUndefined();
    });

    it("keeps paging right while newer notifications arrive", async () => {
      const userId = uniqueId("user");
      const older = notificationsOverTime(4, { userId });
      await createAll(older);

      const first = await store.listByUser(userId, { limit: 2 });
      await store.create(aNotification({ userId, createdAt: "2030-01-16T00:00:00.000Z" }));
      const second = await store.listByUser(userId, { limit: 2, nextToken: first.nextToken });

      expect(idsOf([...first.items, ...second.items])).toEqual(newestFirst(older));
    });

    it("answers an empty page for a user without notifications", async () => {
      expect(await store.listByUser(uniqueId("nobody"))).toEqual({ items: [] });
    });

    describe("refuses a cursor the listing did not issue, with INVALID_CURSOR", () => {
      async function aCursorOf(list: (page: PageRequest) => Promise<Page<Notification>>): Promise<string> {
        const page = await list({ limit: 1 });
        expect(page.nextToken).toBeDefined();
        return page.nextToken!;
      }

      it.each(["not a cursor", "eyJ4IjoxfQ", "", "%%%", "e30"])("the token %j", async (token) => {
        const userId = uniqueId("user");
        await createAll(notificationsOverTime(2, { userId }));

        const error = await rejectionOf(store.listByUser(userId, { nextToken: token }));

        expect(codeOf(error)).toBe("INVALID_CURSOR");
        expect(error).toBeInstanceOf(PortError);
      });

      it("another user's cursor, another priority's, or the other listing's", async () => {
        const userId = uniqueId("user");
        await createAll(notificationsOverTime(2, { userId, priority: "high" }));
        const userCursor = await aCursorOf((page) => store.listByUser(userId, page));
        const priorityCursor = await aCursorOf((page) => store.listByPriority("high", page));

        const refused = [
          store.listByUser(uniqueId("user"), { nextToken: userCursor }),
          store.listByPriority("high", { nextToken: userCursor }),
          store.listByPriority("low", { nextToken: priorityCursor }),
          store.listByUser(userId, { nextToken: priorityCursor }),
        ];

        for (const listing of refused) expect(codeOf(await rejectionOf(listing))).toBe("INVALID_CURSOR");
      });
    });
  });
}
