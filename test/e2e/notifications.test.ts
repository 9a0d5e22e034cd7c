import { describe, expect, it } from "vitest";
import type { ManualClock } from "../../src/adapters/memory/clocks.js";
import type { InMemoryLogger } from "../../src/adapters/memory/in-memory-logger.js";
import type { Notification } from "../../src/domain/notification.js";
import { handleHttpRequest } from "../../src/entrypoints/http/http-core.js";
import type { Caller, HttpRequest } from "../../src/entrypoints/http/http-types.js";
import { InMemoryOrderflow } from "../../src/entrypoints/in-memory/in-memory-orderflow.js";

const aPlaceOrder = (overrides: Record<string, unknown> = {}) => ({
  customerId: "c-1",
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 2, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
  ...overrides,
});

const JSON_TYPE = { "content-type": "application/json" };

function call(
  flow: InMemoryOrderflow,
  method: string,
  path: string,
  options: {
    body?: unknown;
    headers?: Record<string, string>;
    query?: Record<string, string>;
    caller?: Caller;
  } = {},
) {
  const request: HttpRequest = {
    method,
    path,
    headers: { ...JSON_TYPE, ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    query: options.query,
    caller: options.caller,
  };
  return handleHttpRequest(flow.http, request).then((response) => ({
    status: response.statusCode,
    headers: response.headers,
    body: JSON.parse(response.body) as Record<string, unknown>,
  }));
}

const post = (flow: InMemoryOrderflow, body: unknown, headers: Record<string, string> = {}) =>
  call(flow, "POST", "/notifications", { body, headers });

/** The ids of the notifications the log channel delivered, in order. */
function delivered(flow: InMemoryOrderflow): string[] {
  return (flow.logger as InMemoryLogger).entries
    .filter((entry) => entry.message === "notification delivered")
    .map((entry) => String(entry.fields.notificationId));
}

describe("POST /notifications → topic → priority queue → stored and delivered", () => {
  it("answers 202 ACCEPTED with a Location that reads ACCEPTED at once, then DELIVERED after the drain", async () => {
    const flow = new InMemoryOrderflow();

    const accepted = await post(flow, {
      userId: "u-1",
      message: "Your parcel left the warehouse",
      priority: "high",
    });

    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ notificationId: expect.any(String), status: "ACCEPTED" });
    const location = accepted.headers.Location!;
    expect(location).toBe(`/notifications/${accepted.body.notificationId}`);
    expect((await call(flow, "GET", location)).body).toMatchObject({
      status: "ACCEPTED",
      channel: "pending",
    });

    await flow.drain();

    const read = await call(flow, "GET", location);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      notificationId: accepted.body.notificationId,
      userId: "u-1",
      message: "Your parcel left the warehouse",
      priority: "high",
      status: "DELIVERED",
      createdAt: "2026-01-01T00:00:00.000Z",
      deliveredAt: "2026-01-01T00:00:00.000Z",
      channel: "log",
    });
    expect(delivered(flow)).toEqual([accepted.body.notificationId]);
  });

  it("puts each notification on exactly the queue of its priority", async () => {
    const flow = new InMemoryOrderflow();
    for (const priority of ["low", "high", "medium", "high"]) {
      await post(flow, { userId: "u-1", message: `m ${priority}`, priority });
    }
    expect(flow.notificationQueues.high.queue.size).toBe(2);
    expect(flow.notificationQueues.medium.queue.size).toBe(1);
    expect(flow.notificationQueues.low.queue.size).toBe(1);
  });

  it("under a backlog of all three priorities, delivers every high one before any medium, and medium before low", async () => {
    const flow = new InMemoryOrderflow();
    const ids: Record<string, string[]> = { high: [], medium: [], low: [] };
    // Interleaved, low first, so that arrival order alone would deliver them mixed.
    for (let i = 0; i < 25; i++) {
      for (const priority of ["low", "medium", "high"]) {
        const { body } = await post(flow, { userId: `u-${i % 4}`, message: `n ${i}`, priority });
        ids[priority]!.push(String(body.notificationId));
      }
    }

    await flow.drain();

    const order = delivered(flow);
    expect(order).toHaveLength(75);
    const priorityOf = (id: string) => Object.keys(ids).find((p) => ids[p]!.includes(id));
    expect(order.map(priorityOf)).toEqual([
      ...Array(25).fill("high"),
      ...Array(25).fill("medium"),
      ...Array(25).fill("low"),
    ]);
  });

  it("accepts a retried request once: same Idempotency-Key and body → same answer; another body → 409", async () => {
    const flow = new InMemoryOrderflow();
    const body = { userId: "u-1", message: "hello", priority: "medium" };
    const headers = { "Idempotency-Key": "key-1" };

    const first = await post(flow, body, headers);
    const again = await post(flow, body, headers);
    const other = await post(flow, { ...body, message: "bye" }, headers);
    await flow.drain();

    expect([again.status, again.body, again.headers.Location]).toEqual([
      first.status,
      first.body,
      first.headers.Location,
    ]);
    expect(other.status).toBe(409);
    expect((other.body.error as { code: string }).code).toBe("IDEMPOTENCY_KEY_CONFLICT");
    expect(delivered(flow)).toEqual([first.body.notificationId]);
  });

  it("takes a reused Idempotency-Key once it expired as a new request: a new notification, delivered", async () => {
    const flow = new InMemoryOrderflow();
    const headers = { "Idempotency-Key": "key-reused" };
    const first = await post(flow, { userId: "u-1", message: "first", priority: "low" }, headers);
    await flow.drain();
    (flow.clock as ManualClock).advance(25 * 60 * 60 * 1000);

    const second = await post(flow, { userId: "u-1", message: "second", priority: "low" }, headers);
    await flow.drain();

    expect(second.status).toBe(202);
    expect(second.body.notificationId).not.toBe(first.body.notificationId);
    expect((await call(flow, "GET", `/notifications/${second.body.notificationId}`)).body).toMatchObject({
      message: "second",
      status: "DELIVERED",
    });
  });

  it("keeps an order's and a notification's keys apart: one key may serve both", async () => {
    const flow = new InMemoryOrderflow();
    const headers = { "Idempotency-Key": "key-shared" };
    const order = await call(flow, "POST", "/orders", { body: aPlaceOrder(), headers });
    const notification = await post(flow, { userId: "u-1", message: "hi", priority: "low" }, headers);
    expect([order.status, notification.status]).toEqual([202, 202]);
  });

  it.each([
    ["a priority not in the three", { priority: "urgent" }, "priority"],
    ["a user id an order would refuse as its customerId", { userId: "u\u00001" }, "userId"],
    ["a user id over 64 characters", { userId: "u".repeat(65) }, "userId"],
    ["an empty message", { message: "" }, "message"],
    ["a message over 2,000 characters", { message: "x".repeat(2_001) }, "message"],
    ["undeliverable text", { message: "x\uffff" }, "message"],
  ])("refuses %s with a 400 naming the field, and publishes nothing", async (_what, change, path) => {
    const flow = new InMemoryOrderflow();

    const answer = await post(flow, { userId: "u-1", message: "hi", priority: "low", ...change });

    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({
      code: "VALIDATION_FAILED",
      issues: [expect.objectContaining({ path })],
    });
    expect(flow.notificationTopic.published).toHaveLength(0);
  });

  it("answers 404 for an unknown notification", async () => {
    const answer = await call(new InMemoryOrderflow(), "GET", "/notifications/n-unknown");
    expect(answer.status).toBe(404);
    expect((answer.body.error as { code: string }).code).toBe("NOTIFICATION_NOT_FOUND");
  });
});

describe("the listings", () => {
  async function seeded() {
    const flow = new InMemoryOrderflow();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      // One notification a minute, so that newest first is unambiguous.
      (flow.clock as ManualClock).advance(60_000);
      const { body } = await post(flow, {
        userId: "u-1",
        message: `n ${i}`,
        priority: i % 2 === 0 ? "high" : "low",
      });
      ids.push(String(body.notificationId));
    }
    await post(flow, { userId: "u-2", message: "someone else's", priority: "high" });
    await flow.drain();
    return { flow, ids };
  }

  it("pages a user's notifications newest first with an opaque cursor, optionally of one priority", async () => {
    const { flow, ids } = await seeded();

    const first = await call(flow, "GET", "/users/u-1/notifications", { query: { limit: "3" } });
    const second = await call(flow, "GET", "/users/u-1/notifications", {
      query: { limit: "3", cursor: String(first.body.nextCursor) },
    });
    const last = await call(flow, "GET", "/users/u-1/notifications", {
      query: { limit: "3", cursor: String(second.body.nextCursor) },
    });
    const high = await call(flow, "GET", "/users/u-1/notifications", { query: { priority: "high" } });

    const idsOf = (answer: { body: Record<string, unknown> }) =>
      (answer.body.notifications as Notification[]).map((n) => n.notificationId);
    expect([...idsOf(first), ...idsOf(second), ...idsOf(last)]).toEqual([...ids].reverse());
    expect(last.body).not.toHaveProperty("nextCursor");
    expect(idsOf(high)).toEqual([ids[6], ids[4], ids[2], ids[0]]);
    expect((high.body.notifications as Notification[]).every((n) => n.status === "DELIVERED")).toBe(true);
  });

  it("lists one priority across users, newest first", async () => {
    const { flow, ids } = await seeded();

    const answer = await call(flow, "GET", "/notifications", { query: { priority: "high", limit: "100" } });

    const listed = (answer.body.notifications as Notification[]).map((n) => [n.userId, n.notificationId]);
    expect(listed.slice(1)).toEqual([ids[6], ids[4], ids[2], ids[0]].map((id) => ["u-1", id]));
    expect(listed[0]![0]).toBe("u-2");
  });

  it.each([
    ["a cursor it did not issue", { cursor: "bm90LWEtY3Vyc29y" }, "INVALID_CURSOR"],
    ["a limit of 0", { limit: "0" }, "VALIDATION_FAILED"],
    ["a limit over 100", { limit: "101" }, "VALIDATION_FAILED"],
    ["a limit that is not a number", { limit: "ten" }, "VALIDATION_FAILED"],
    ["an unknown priority", { priority: "urgent" }, "VALIDATION_FAILED"],
    ["an unknown parameter", { sort: "asc" }, "VALIDATION_FAILED"],
  ])("answers 400, not 500, for %s", async (_what, query, code) => {
    const flow = new InMemoryOrderflow();
    const answer = await call(flow, "GET", "/users/u-1/notifications", { query });
    expect(answer.status).toBe(400);
    expect((answer.body.error as { code: string }).code).toBe(code);
    expect((answer.body.error as { issues: { path: string }[] }).issues.length).toBeGreaterThan(0);
  });

  it("refuses a user listing's cursor in the priority listing", async () => {
    const { flow } = await seeded();
    const page = await call(flow, "GET", "/users/u-1/notifications", { query: { limit: "1" } });
    const answer = await call(flow, "GET", "/notifications", {
      query: { priority: "high", cursor: String(page.body.nextCursor) },
    });
    expect(answer.status).toBe(400);
    expect((answer.body.error as { code: string }).code).toBe("INVALID_CURSOR");
  });

  it("requires the priority to list across users", async () => {
    const answer = await call(new InMemoryOrderflow(), "GET", "/notifications");
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ issues: [expect.objectContaining({ path: "priority" })] });
  });
});

describe("who may read which notifications (the authorizer's caller, on AWS)", () => {
  const alice: Caller = { userId: "alice", groups: [] };
  const operator: Caller = { userId: "op-1", groups: ["staff", "operators"] };

  async function withNotificationOf(user: string) {
    const flow = new InMemoryOrderflow();
    const { body } = await post(flow, { userId: user, message: "a private message", priority: "low" });
    await flow.drain();
    return { flow, id: String(body.notificationId) };
  }

  it("lets a user read their own notifications, and an operator anyone's", async () => {
    const { flow, id } = await withNotificationOf("alice");
    for (const caller of [alice, operator]) {
      expect((await call(flow, "GET", `/notifications/${id}`, { caller })).status).toBe(200);
      expect((await call(flow, "GET", "/users/alice/notifications", { caller })).status).toBe(200);
    }
    expect(
      (await call(flow, "GET", "/notifications", { caller: operator, query: { priority: "low" } })).status,
    ).toBe(200);
  });

  it("lets a user notify themselves, an operator anyone, and answers 403 to a user notifying another", async () => {
    const flow = new InMemoryOrderflow();
    const send = (caller: Caller, userId: string) =>
      call(flow, "POST", "/notifications", {
        caller,
        body: { userId, message: "Urgent: click here", priority: "high" },
      });

    expect((await send(alice, "alice")).status).toBe(202);
    expect((await send(operator, "bob")).status).toBe(202);
    const refused = await send(alice, "bob");
    expect(refused.status).toBe(403);
    expect((refused.body.error as { code: string }).code).toBe("FORBIDDEN");
    await flow.drain();
    expect((await flow.notifications.listByUser("bob")).items).toHaveLength(1);
  });

  it("answers 403 to a user reading another user's notifications, or every user's", async () => {
    const { flow, id } = await withNotificationOf("bob");
    const answers = [
      await call(flow, "GET", `/notifications/${id}`, { caller: alice }),
      await call(flow, "GET", "/users/bob/notifications", { caller: alice }),
      await call(flow, "GET", "/notifications", { caller: alice, query: { priority: "low" } }),
      await call(flow, "GET", "/users/bob/notifications", {
        caller: { userId: "alice", groups: ["Operators"] },
      }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(403);
      expect((answer.body.error as { code: string }).code).toBe("FORBIDDEN");
      expect(JSON.stringify(answer.body)).not.toContain("private");
    }
  });
});

describe("order lifecycle notifications", () => {
  it("tells the customer once per outcome, with the order id, whatever the duplicates", async () => {
    const flow = new InMemoryOrderflow({ duplicateDeliveryRate: 1 });
    const { orderId } = await flow.api.placeOrder(aPlaceOrder({ customerId: "c-9" }));
    await flow.drain();
    (flow.clock as ManualClock).advance(60_000);
    await flow.api.cancelOrder(orderId, { reason: "changed my mind" });
    await flow.drain();

    const listed = await call(flow, "GET", "/users/c-9/notifications");
    const notifications = listed.body.notifications as Notification[];
    // Confirmed first; then, at the cancel's time, the cancellation and the refund it led to.
    expect(notifications.map((n) => [n.priority, n.status, n.orderId]).sort()).toEqual([
      ["high", "DELIVERED", orderId],
      ["medium", "DELIVERED", orderId],
      ["medium", "DELIVERED", orderId],
    ]);
    const messages = notifications.map((n) => n.message);
    expect(messages.at(-1)).toContain(`Your order ${orderId} is confirmed`);
    expect(messages).toContainEqual(
      `Your order ${orderId} was cancelled: changed my mind. 6980 BRL (minor units) will be refunded.`,
    );
    expect(messages).toContainEqual(`Your order ${orderId}: 6980 BRL (minor units) was refunded.`);
    expect(delivered(flow).sort()).toEqual(notifications.map((n) => n.notificationId).sort());
  });

  it("tells a customer whose id is any text an order accepts (an e-mail address, say)", async () => {
    const flow = new InMemoryOrderflow();
    await flow.api.placeOrder(aPlaceOrder({ customerId: "alice@example.com" }));
    await flow.drain();

    const listed = await call(flow, "GET", `/users/${encodeURIComponent("alice@example.com")}/notifications`);
    expect(listed.body.notifications).toEqual([
      expect.objectContaining({ priority: "medium", status: "DELIVERED" }),
    ]);
    expect(Object.values(flow.deadLetterQueues()).every((dlq) => dlq.size === 0)).toBe(true);
  });

  it("tells the customer of a rejected order, with the reasons' codes, at high priority", async () => {
    const flow = new InMemoryOrderflow();
    const order = aPlaceOrder({ customerId: "c-7" });
    await flow.api.placeOrder({ ...order, items: [{ sku: "NOPE", quantity: 1, unitPrice: 100 }] });
    await flow.drain();

    const [notification] = (await call(flow, "GET", "/users/c-7/notifications")).body
      .notifications as Notification[];
    expect(notification).toMatchObject({ priority: "high", status: "DELIVERED" });
    expect(notification!.message).toMatch(/was rejected \(UNKNOWN_SKU\)/);
  });
});
