import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/adapters/memory/clocks.js";
import { SequentialIdGenerator } from "../../../src/adapters/memory/id-generators.js";
import { InMemoryNotificationStore } from "../../../src/adapters/memory/in-memory-notification-store.js";
import {
  type AcceptedNotification,
  canMoveNotification,
  NOTIFICATION_STATUSES,
  NOTIFICATION_TRANSITIONS,
  type Notification,
  notificationStatusesBefore,
} from "../../../src/domain/notification.js";
import {
  type NotifiedOrderEvent,
  orderOutcomeNotification,
} from "../../../src/domain/order-notifications.js";
import type { NotificationChannel, NotificationPublisher } from "../../../src/domain/ports.js";
import { AcceptedNotificationSchema, parseWith } from "../../../src/domain/schemas.js";
import { AcceptNotification } from "../../../src/domain/use-cases/accept-notification.js";
import { GetNotification } from "../../../src/domain/use-cases/get-notification.js";
import {
  ListNotificationsByPriority,
  ListUserNotifications,
} from "../../../src/domain/use-cases/list-notifications.js";
import {
  MAX_FAILURE_REASON_LENGTH,
  StoreAndDeliverNotification,
} from "../../../src/domain/use-cases/store-and-deliver-notification.js";
import { DeliveryError, ServiceUnavailableError } from "../../../src/ports/errors.js";
import { aNotification, anAcceptedNotification, notificationsOverTime } from "../../../src/testing.js";

/** Keeps what it is given; can refuse the next publish. */
class RecordingPublisher implements NotificationPublisher {
  readonly published: AcceptedNotification[] = [];
  failNext: Error | undefined;

  async publish(notifications: readonly AcceptedNotification[]): Promise<void> {
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    this.published.push(...notifications);
  }
}

/** Delivers by remembering; plays scripted failures first, one per call. */
class ScriptedChannel implements NotificationChannel {
  readonly name = "fake";
  readonly delivered: string[] = [];
  readonly failures: Error[] = [];

  async deliver(notification: Notification): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.delivered.push(notification.notificationId);
  }
}

const permanent = (reason: string) => new DeliveryError("fake", [{ id: "n", reason, retryable: false }]);

describe("the notification lifecycle table", () => {
  it("leads only forwards: ACCEPTED → STORED → DELIVERED | FAILED, and nothing leaves a final status", () => {
    expect(NOTIFICATION_STATUSES).toEqual(["ACCEPTED", "STORED", "DELIVERED", "FAILED"]);
    const moves = NOTIFICATION_STATUSES.flatMap((from) =>
      NOTIFICATION_STATUSES.filter((to) => canMoveNotification(from, to)).map((to) => `${from}→${to}`),
    );
    expect(moves).toEqual(["ACCEPTED→STORED", "STORED→DELIVERED", "STORED→FAILED"]);
    expect(notificationStatusesBefore("DELIVERED")).toEqual(["STORED"]);
    expect(notificationStatusesBefore("ACCEPTED")).toEqual([]);
    for (const from of NOTIFICATION_STATUSES) {
      for (const to of NOTIFICATION_TRANSITIONS[from]) {
        expect(NOTIFICATION_STATUSES.indexOf(to)).toBeGreaterThan(NOTIFICATION_STATUSES.indexOf(from));
      }
    }
  });
});

describe("InMemoryNotificationStore under any sequence of status changes", () => {
  it("never moves a notification backwards, and applies exactly the changes the table allows", async () => {
    const change = fc.oneof(
      fc.constant({ to: "STORED", channel: "log" } as const),
      fc.constant({ to: "DELIVERED", deliveredAt: "2030-01-15T10:00:01.000Z" } as const),
      fc.constant({ to: "FAILED", failureReason: "refused" } as const),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("ACCEPTED", "STORED"),
        fc.array(change, { maxLength: 8 }),
        async (start, changes) => {
          const store = new InMemoryNotificationStore();
          const notification = aNotification({ status: start });
          await store.create(notification);
          let status: string = start;
          for (const next of changes) {
            const allowed = canMoveNotification(status as Notification["status"], next.to);
            expect(await store.changeStatus(notification.notificationId, next)).toBe(allowed);
            const stored = (await store.get(notification.notificationId))!.status;
            expect(NOTIFICATION_STATUSES.indexOf(stored)).toBeGreaterThanOrEqual(
              NOTIFICATION_STATUSES.indexOf(status as Notification["status"]),
            );
            if (allowed) status = next.to;
            expect(stored).toBe(status);
          }
        },
      ),
    );
  });
});

describe("AcceptNotification", () => {
  function setup() {
    const publisher = new RecordingPublisher();
    const clock = new ManualClock(new Date("2030-03-01T12:00:00.000Z"));
    const store = new InMemoryNotificationStore();
    const accept = new AcceptNotification({
      publisher,
      store,
      clock,
      ids: new SequentialIdGenerator("ntf-"),
    });
    return { publisher, store, accept };
  }

  it("gives the notification an id and its time, publishes it with its priority and answers ACCEPTED", async () => {
    const { publisher, accept } = setup();

    const result = await accept.execute({
      userId: "u-1",
      message: "  Your order shipped  ",
      priority: "high",
    });

    const notification = {
      notificationId: "ntf-000001",
      userId: "u-1",
      message: "Your order shipped",
      priority: "high",
      createdAt: "2030-03-01T12:00:00.000Z",
    };
    expect(result).toEqual({ notificationId: "ntf-000001", status: "ACCEPTED", notification });
    expect(publisher.published).toEqual([notification]);
  });

  it("records the notification ACCEPTED after publishing it, so that it can be read at once", async () => {
    const { store, accept } = setup();

    await accept.execute({ userId: "u-1", message: "hi", priority: "low" });

    expect(await store.get("ntf-000001")).toMatchObject({
      status: "ACCEPTED",
      channel: "pending",
      userId: "u-1",
    });
  });

  it("leaves a notification the consumer stored first as it is, and publishes the same id again on a retry", async () => {
    const { publisher, store, accept } = setup();
    const first = await accept.execute(
      { userId: "u-1", message: "hi", priority: "low" },
      { notificationId: "k-1" },
    );
    await store.changeStatus("k-1", { to: "STORED", channel: "log" });

    await accept.execute({ userId: "u-1", message: "hi", priority: "low" }, { notificationId: "k-1" });

    expect(publisher.published.map((n) => n.notificationId)).toEqual(["k-1", "k-1"]);
    expect(first.notificationId).toBe("k-1");
    expect(await store.get("k-1")).toMatchObject({ status: "STORED" });
  });

  it("takes a message of 2,000 characters of any deliverable text", async () => {
    const { publisher, accept } = setup();
    const message = `✅𝄞${"é".repeat(1_997)}`;

    await accept.execute({ userId: "u-1", message, priority: "low" });

    expect(publisher.published[0]!.message).toBe(message);
  });

  it.each([
    ["a user id an order would refuse as its customerId", { userId: "u\u00071" }, "userId"],
    ["an empty message", { message: "   " }, "message"],
    ["a message over 2,000 characters", { message: "x".repeat(2_001) }, "message"],
    ["a control character", { message: "ring\u0007" }, "message"],
    ["a line break", { message: "one\ntwo" }, "message"],
    ["an unpaired surrogate", { message: "broken \ud800 text" }, "message"],
    ["another priority", { priority: "urgent" }, "priority"],
    ["a missing priority", { priority: undefined }, "priority"],
    ["an unknown field", { orderId: "o-1" }, ""],
  ])("refuses %s with the field's path and publishes nothing", async (_what, change, path) => {
    const { publisher, accept } = setup();

    const error = await accept
      .execute({ userId: "u-1", message: "hello", priority: "medium", ...change })
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "VALIDATION_FAILED" });
    expect((error as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([path]);
    expect(publisher.published).toEqual([]);
  });

  it("fails when the notification cannot be published, so the caller can answer an error", async () => {
    const { publisher, accept } = setup();
    publisher.failNext = new DeliveryError("notifications", [{ id: "message", reason: "throttled" }]);

    await expect(accept.execute({ userId: "u-1", message: "hi", priority: "low" })).rejects.toMatchObject({
      code: "DELIVERY_FAILED",
    });
    expect(publisher.published).toEqual([]);
    expect(await setup().store.get("ntf-000001")).toBeUndefined();
  });
});

describe("StoreAndDeliverNotification", () => {
  function setup() {
    const store = new InMemoryNotificationStore();
    const channel = new ScriptedChannel();
    const clock = new ManualClock(new Date("2030-03-01T12:00:05.000Z"));
    const consume = new StoreAndDeliverNotification({ store, channel, clock });
    return { store, channel, clock, consume };
  }

  it("stores the notification, delivers it through the channel and records it DELIVERED", async () => {
    const { store, channel, consume } = setup();
    const accepted = anAcceptedNotification({ orderId: "o-7" });

    const result = await consume.execute(accepted);

    const expected = {
      ...accepted,
      status: "DELIVERED",
      channel: "fake",
      deliveredAt: "2030-03-01T12:00:05.000Z",
    };
    expect(result).toEqual({ outcome: "DELIVERED", notification: expected });
    expect(await store.get(accepted.notificationId)).toEqual(expected);
    expect(channel.delivered).toEqual([accepted.notificationId]);
  });

  it("stores a redelivered message once and delivers it once", async () => {
    const { store, channel, clock, consume } = setup();
    const accepted = anAcceptedNotification();
    await consume.execute(accepted);
    const stored = await store.get(accepted.notificationId);
    clock.advance(60_000);

    const again = await consume.execute(accepted);

    expect(again).toEqual({ outcome: "ALREADY_DONE", notification: stored });
    expect(await store.get(accepted.notificationId)).toEqual(stored);
    expect(channel.delivered).toEqual([accepted.notificationId]);
    expect((await store.listByUser(accepted.userId)).items).toHaveLength(1);
  });

  it("throws a transient channel failure so the queue retries, leaving the notification STORED; the retry delivers", async () => {
    const { store, channel, consume } = setup();
    const accepted = anAcceptedNotification();
    const outage = new ServiceUnavailableError("e-mail");
    channel.failures.push(outage, new Error("socket hang up"));

    await expect(consume.execute(accepted)).rejects.toBe(outage);
    expect((await store.get(accepted.notificationId))!.status).toBe("STORED");
    await expect(consume.execute(accepted)).rejects.toThrow("socket hang up");
    const retried = await consume.execute(accepted);

    expect(retried.outcome).toBe("DELIVERED");
    expect((await store.get(accepted.notificationId))!.status).toBe("DELIVERED");
    expect(channel.delivered).toEqual([accepted.notificationId]);
  });

  it("records FAILED with the reason when the channel refuses for good, and a redelivery changes nothing", async () => {
    const { store, channel, consume } = setup();
    const accepted = anAcceptedNotification();
    channel.failures.push(permanent("mailbox does not exist"));

    const result = await consume.execute(accepted);
    const again = await consume.execute(accepted);

    const stored = await store.get(accepted.notificationId);
    expect(result).toEqual({ outcome: "FAILED", notification: stored });
    expect(stored).toMatchObject({ status: "FAILED", channel: "fake" });
    expect(stored!.failureReason).toContain("mailbox does not exist");
    expect(stored!.deliveredAt).toBeUndefined();
    expect(again.outcome).toBe("ALREADY_DONE");
    expect(channel.delivered).toEqual([]);
  });

  it("keeps a failure reason short and deliverable", async () => {
    const { store, channel, consume } = setup();
    const accepted = anAcceptedNotification();
    channel.failures.push(permanent(`bad \ud800 ${"x".repeat(1_000)}`));

    await consume.execute(accepted);

    const reason = (await store.get(accepted.notificationId))!.failureReason!;
    expect(reason).toHaveLength(MAX_FAILURE_REASON_LENGTH);
    expect(reason).toContain("\\ud800");
  });

  it("moves a notification recorded ACCEPTED to STORED before delivering it", async () => {
    const { store, channel, consume } = setup();
    const recorded = aNotification({ status: "ACCEPTED", channel: "fake" });
    await store.create(recorded);
    const { status: _status, channel: _channel, ...accepted } = recorded;

    const result = await consume.execute(accepted);

    expect(result.outcome).toBe("DELIVERED");
    expect((await store.get(recorded.notificationId))!.status).toBe("DELIVERED");
    expect(channel.delivered).toEqual([recorded.notificationId]);
  });
});

describe("GetNotification", () => {
  it("answers the stored notification, and undefined for an unknown or impossible id", async () => {
    const store = new InMemoryNotificationStore();
    const notification = aNotification({ orderId: "o-1" });
    await store.create(notification);
    const get = new GetNotification({ store });

    expect(await get.execute(notification.notificationId)).toEqual(notification);
    expect(await get.execute("ntf-unknown")).toBeUndefined();
    expect(await get.execute("../etc/passwd")).toBeUndefined();
  });
});

describe("ListUserNotifications and ListNotificationsByPriority", () => {
  async function setup() {
    const store = new InMemoryNotificationStore();
    const mine = notificationsOverTime(25, { userId: "u-1", priority: "high" });
    const myLow = notificationsOverTime(
      3,
      { userId: "u-1", priority: "low" },
      Date.parse("2030-02-01T00:00:00Z"),
    );
    const theirs = notificationsOverTime(
      2,
      { userId: "u-2", priority: "high" },
      Date.parse("2030-03-01T00:00:00Z"),
    );
    for (const n of [...mine, ...myLow, ...theirs]) await store.create(n);
    const ids = (list: readonly Notification[]) => list.map((n) => n.notificationId);
    return {
      store,
      mine,
      myLow,
      theirs,
      ids,
      byUser: new ListUserNotifications({ store }),
      byPriority: new ListNotificationsByPriority({ store }),
    };
  }

  it("lists a user's notifications newest first, 20 by default, with a cursor to the rest", async () => {
    const { mine, myLow, ids, byUser } = await setup();
    const all = ids([...mine, ...myLow].reverse());

    const first = await byUser.execute({ userId: "u-1" });
    const second = await byUser.execute({ userId: "u-1", cursor: first.nextCursor, limit: 100 });

    expect(ids(first.notifications)).toEqual(all.slice(0, 20));
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(ids(second.notifications)).toEqual(all.slice(20));
    expect(second).not.toHaveProperty("nextCursor");
  });

  it("filters a user's notifications by priority", async () => {
    const { myLow, ids, byUser } = await setup();

    const low = await byUser.execute({ userId: "u-1", priority: "low", limit: 10 });

    expect(ids(low.notifications)).toEqual(ids([...myLow].reverse()));
  });

  it("lists one priority across users, newest first", async () => {
    const { mine, theirs, ids, byPriority } = await setup();

    const high = await byPriority.execute({ priority: "high", limit: 3 });

    expect(ids(high.notifications)).toEqual(ids([theirs[1]!, theirs[0]!, mine[24]!]));
    expect(high.nextCursor).toBeDefined();
  });

  it.each([
    [{ userId: "u-1", limit: 0 }, "limit"],
    [{ userId: "u-1", limit: 101 }, "limit"],
    [{ userId: "u-1", limit: 2.5 }, "limit"],
    [{ userId: "u-1", priority: "urgent" }, "priority"],
    [{ userId: "x".repeat(65) }, "userId"],
  ])("refuses the user query %j at %s", async (query, path) => {
    const { byUser } = await setup();

    await expect(byUser.execute(query)).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      issues: [expect.objectContaining({ path })],
    });
  });

  it("refuses a listing across users without a priority", async () => {
    const { byPriority } = await setup();

    await expect(byPriority.execute({ limit: 5 })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      issues: [expect.objectContaining({ path: "priority" })],
    });
  });

  it("refuses a cursor the listing did not issue with INVALID_CURSOR (a 400 for the caller)", async () => {
    const { byUser, byPriority } = await setup();
    const userCursor = (await byUser.execute({ userId: "u-1", limit: 1 })).nextCursor;

    await expect(byUser.execute({ userId: "u-1", cursor: "forged" })).rejects.toMatchObject({
      code: "INVALID_CURSOR",
    });
    await expect(byPriority.execute({ priority: "high", cursor: userCursor })).rejects.toMatchObject({
      code: "INVALID_CURSOR",
    });
  });
});

describe("orderOutcomeNotification", () => {
  const event = (data: unknown): NotifiedOrderEvent =>
    ({
      id: "o-1:4:0",
      type: "OrderPaymentFailed",
      schemaVersion: 1,
      occurredAt: "2030-03-01T12:00:00.000Z",
      orderId: "o-1",
      orderVersion: 4,
      correlationId: "c",
      causationId: "c",
      data,
    }) as NotifiedOrderEvent;

  it("makes a message the API would accept from any reason a gateway gives", () => {
    const notification = orderOutcomeNotification(
      event({ reason: "card\u007f declined\r\n\tby\u0000 bank\ud800" }),
      "c-1",
    );

    expect(parseWith(AcceptedNotificationSchema, notification).ok).toBe(true);
    expect(notification.message).toBe("Your order o-1 could not be paid: card declined by bank\\ud800.");
  });

  it("makes the same notification from every copy of one event, whatever its data's shape", () => {
    expect(orderOutcomeNotification(event({ reason: "x" }), "c-1")).toEqual(
      orderOutcomeNotification(event({ reason: "x" }), "c-1"),
    );
    expect(orderOutcomeNotification(event(null), "c-1").message).toBe("Your order o-1 could not be paid.");
  });
});
