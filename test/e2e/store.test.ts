import { describe, expect, it } from "vitest";
import { handleHttpRequest } from "../../src/entrypoints/http/http-core.js";
import type { Caller, HttpRequest } from "../../src/entrypoints/http/http-types.js";
import { InMemoryOrderflow } from "../../src/entrypoints/in-memory/in-memory-orderflow.js";

const order = (overrides: Record<string, unknown> = {}) => ({
  customerId: "c-store",
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 1, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
  ...overrides,
});

async function call(flow: InMemoryOrderflow, method: string, path: string, body?: unknown, caller?: Caller) {
  const request: HttpRequest = {
    method,
    path,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    caller,
  };
  const response = await handleHttpRequest(flow.http, request);
  return { status: response.statusCode, body: JSON.parse(response.body) as Record<string, any> };
}

const customer: Caller = { userId: "c-store", groups: [] };
const operator: Caller = { userId: "op-1", groups: ["operators"] };

describe("the store: GET and PUT /store", () => {
  it("is open with room for 50 until changed, and counts the orders awaiting fulfilment", async () => {
    const flow = new InMemoryOrderflow();
    expect((await call(flow, "GET", "/store")).body).toEqual({
      open: true,
      capacity: 50,
      awaitingFulfilment: 0,
    });

    await flow.api.placeOrder(order());
    await flow.api.placeOrder(order());
    await flow.drain();

    expect((await call(flow, "GET", "/store")).body).toMatchObject({ awaitingFulfilment: 2 });
  });

  it("opens, closes and sizes the store, changing only what the body names", async () => {
    const flow = new InMemoryOrderflow();

    expect(await call(flow, "PUT", "/store", { open: false })).toEqual({
      status: 200,
      body: { open: false, capacity: 50, awaitingFulfilment: 0 },
    });
    expect((await call(flow, "PUT", "/store", { capacity: 3 })).body).toEqual({
      open: false,
      capacity: 3,
      awaitingFulfilment: 0,
    });
  });

  it.each([
    ["nothing to change", {}, ""],
    ["a negative capacity", { capacity: -1 }, "capacity"],
    ["a fractional capacity", { capacity: 1.5 }, "capacity"],
    ["open as text", { open: "yes" }, "open"],
    ["an unknown field", { open: true, paused: true }, ""],
  ])("refuses %s with a 400 naming the field", async (_what, body, path) => {
    const answer = await call(new InMemoryOrderflow(), "PUT", "/store", body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.issues.map((i: { path: string }) => i.path)).toContain(path);
  });

  it("lets only operators change it on AWS (403 for a customer's token)", async () => {
    const flow = new InMemoryOrderflow();
    expect((await call(flow, "PUT", "/store", { open: false }, customer)).status).toBe(403);
    expect((await call(flow, "PUT", "/store", { open: false }, operator)).status).toBe(200);
    expect((await call(flow, "GET", "/store", undefined, customer)).body.open).toBe(false);
  });
});

describe("POST /orders/{id}/fulfil", () => {
  it("fulfils a confirmed order once, however often asked, and the customer is told", async () => {
    const flow = new InMemoryOrderflow();
    const { orderId } = await flow.api.placeOrder(order());
    await flow.drain();

    const first = await call(flow, "POST", `/orders/${orderId}/fulfil`);
    const again = await call(flow, "POST", `/orders/${orderId}/fulfil`);
    await flow.drain();

    expect(first).toEqual({ status: 202, body: { orderId, status: "FULFILLED" } });
    expect(again).toEqual(first);
    expect(flow.events("OrderFulfilled")).toHaveLength(1);
    expect((await call(flow, "GET", "/store")).body.awaitingFulfilment).toBe(0);
    const { items } = await flow.notifications.listByUser("c-store", { priority: "low" });
    expect(items.map((n) => n.message)).toEqual([`Your order ${orderId} has been fulfilled.`]);
  });

  it("answers 404 for an unknown order, 409 for one not confirmed, 403 for a customer's token", async () => {
    const flow = new InMemoryOrderflow();
    const { orderId } = await flow.api.placeOrder(order());

    expect((await call(flow, "POST", "/orders/nope/fulfil")).status).toBe(404);
    const early = await call(flow, "POST", `/orders/${orderId}/fulfil`);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe("ILLEGAL_TRANSITION");
    await flow.drain();
    expect((await call(flow, "POST", `/orders/${orderId}/fulfil`, undefined, customer)).status).toBe(403);
    expect((await call(flow, "POST", `/orders/${orderId}/fulfil`, undefined, operator)).status).toBe(202);
  });
});
