import { describe, expect, it } from "vitest";
import { InMemoryLogger } from "../../../../src/adapters/memory/in-memory-logger.js";
import { DEMO_CATALOG } from "../../../../src/adapters/memory/in-memory-product-catalog.js";
import type { HttpApi } from "../../../../src/entrypoints/http/http-core.js";
import { handleHttpRequest } from "../../../../src/entrypoints/http/http-core.js";
import type { HttpRequest, HttpResponse } from "../../../../src/entrypoints/http/http-types.js";
import { InMemoryOrderflow } from "../../../../src/entrypoints/in-memory/in-memory-orderflow.js";
import { DeliveryError, ServiceUnavailableError } from "../../../../src/ports/errors.js";

const JSON_TYPE = { "Content-Type": "application/json" };

const placeOrderBody = (overrides: Record<string, unknown> = {}) => ({
  customerId: "c-1",
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 2, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
  ...overrides,
});

function setup() {
  const flow = new InMemoryOrderflow();
  const send = (request: Partial<HttpRequest> & { json?: unknown }) =>
    handleHttpRequest(flow.http, {
      method: request.method ?? "GET",
      path: request.path ?? "/",
      headers: request.headers ?? (request.json === undefined ? {} : JSON_TYPE),
      body: request.json === undefined ? request.body : JSON.stringify(request.json),
      isBase64Encoded: request.isBase64Encoded,
      basePath: request.basePath,
    });
  return { flow, send };
}

const bodyOf = (response: HttpResponse) => JSON.parse(response.body);
const errorOf = (response: HttpResponse) =>
  bodyOf(response).error as { code: string; message: string; issues?: { path: string; message: string }[] };

describe("POST /orders", () => {
  it("answers 202 with the order id, its status and a Location, and the order can be read", async () => {
    const { send } = setup();
    const response = await send({
      method: "POST",
      path: "/orders",
      json: placeOrderBody({ orderId: "o-1" }),
    });
    expect(response.statusCode).toBe(202);
    expect(bodyOf(response)).toEqual({ orderId: "o-1", status: "RECEIVED" });
    expect(response.headers.Location).toBe("/orders/o-1");
    expect(response.headers["Content-Type"]).toMatch(/^application\/json/);
    const read = await send({ path: response.headers.Location! });
    expect(read.statusCode).toBe(200);
    expect(bodyOf(read)).toMatchObject({
      orderId: "o-1",
      customerId: "c-1",
      status: "RECEIVED",
      total: 6980,
    });
  });

  it("prefixes Location with the base path of the public URL", async () => {
    const { send } = setup();
    const response = await send({
      method: "POST",
      path: "/orders",
      basePath: "/prod",
      json: placeOrderBody({ orderId: "o-2" }),
    });
    expect(response.headers.Location).toBe("/prod/orders/o-2");
  });

  it("lists every invalid field with its path", async () => {
    const { send, flow } = setup();
    const response = await send({
      method: "POST",
      path: "/orders",
      json: placeOrderBody({
        currency: "reais",
        items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 0, unitPrice: 12.5 }],
      }),
    });
    expect(response.statusCode).toBe(400);
    const error = errorOf(response);
    expect(error.code).toBe("VALIDATION_FAILED");
    expect(error.issues?.map((issue) => issue.path).sort()).toEqual([
      "currency",
      "items.0.quantity",
      "items.0.unitPrice",
    ]);
    expect(flow.events()).toEqual([]);
  });

  it("answers the same order to the same Idempotency-Key, and 409 to the same key with another body", async () => {
    const { send } = setup();
    const headers = { ...JSON_TYPE, "Idempotency-Key": "key-1" };
    const first = await send({
      method: "POST",
      path: "/orders",
      headers,
      body: JSON.stringify(placeOrderBody()),
    });
    const again = await send({
      method: "POST",
      path: "/orders",
      headers,
      body: JSON.stringify(placeOrderBody()),
    });
    expect(first.statusCode).toBe(202);
    expect(bodyOf(again)).toEqual(bodyOf(first));
    const other = await send({
      method: "POST",
      path: "/orders",
      headers,
      body: JSON.stringify(placeOrderBody({ customerId: "c-2" })),
    });
    expect(other.statusCode).toBe(409);
    expect(errorOf(other).code).toBe("IDEMPOTENCY_KEY_CONFLICT");
  });

  it("answers 409 when an order id is taken by another order", async () => {
    const { send } = setup();
    await send({ method: "POST", path: "/orders", json: placeOrderBody({ orderId: "o-1" }) });
    const clash = await send({
      method: "POST",
      path: "/orders",
      json: placeOrderBody({ orderId: "o-1", customerId: "c-9" }),
    });
    expect(clash.statusCode).toBe(409);
    expect(errorOf(clash).code).toBe("ORDER_ALREADY_EXISTS");
  });

  it.each([
    ["with a space", "key 1"],
    ["too long", "k".repeat(129)],
    ["non-ASCII", "chave-ção"],
    ["with a control character", "key\u0000"],
    ["empty", ""],
  ])("refuses an Idempotency-Key %s with 400 before placing anything", async (_, key) => {
    const { send, flow } = setup();
    const response = await send({
      method: "POST",
      path: "/orders",
      headers: { ...JSON_TYPE, "idempotency-key": key },
      body: JSON.stringify(placeOrderBody()),
    });
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).issues?.[0]?.path).toBe("headers.Idempotency-Key");
    expect(flow.events()).toEqual([]);
  });
});

describe("body checks", () => {
  it.each([
    ["text/plain", "text/plain"],
    ["form data", "application/x-www-form-urlencoded"],
    ["JSON in Latin-1", "application/json; charset=ISO-8859-1"],
  ])("answers 415 to %s", async (_, contentType) => {
    const { send } = setup();
    const response = await send({
      method: "POST",
      path: "/orders",
      headers: { "content-type": contentType },
      body: JSON.stringify(placeOrderBody()),
    });
    expect(response.statusCode).toBe(415);
    expect(errorOf(response).code).toBe("UNSUPPORTED_MEDIA_TYPE");
  });

  it("answers 415 when the Content-Type is missing", async () => {
    const { send } = setup();
    const response = await send({
      method: "POST",
      path: "/orders",
      headers: {},
      body: JSON.stringify(placeOrderBody()),
    });
    expect(response.statusCode).toBe(415);
  });

  it.each([
    "application/json; charset=UTF-8",
    'application/json;charset="utf-8"',
    "Application/JSON",
    "application/merge-patch+json",
  ])("accepts %s", async (contentType) => {
    const { send } = setup();
    const response = await send({
      method: "POST",
      path: "/orders",
      headers: { "Content-Type": contentType },
      body: JSON.stringify(placeOrderBody()),
    });
    expect(response.statusCode).toBe(202);
  });

  it("answers 413 to a body above 64 KiB, before looking at it", async () => {
    const { send } = setup();
    const response = await send({
      method: "POST",
      path: "/orders",
      headers: { "content-type": "text/plain" },
      body: "x".repeat(100 * 1024),
    });
    expect(response.statusCode).toBe(413);
    expect(errorOf(response)).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
  });

  it("names the documented limit in every 413, carries the correlation id and logs the request", async () => {
    const logger = new InMemoryLogger();
    const flow = new InMemoryOrderflow();
    const oversized = (path: string) =>
      handleHttpRequest(
        flow.http,
        {
          method: path === "/orders/o-1" ? "PATCH" : "POST",
          path,
          headers: { ...JSON_TYPE, "x-correlation-id": `big-${path.length}` },
          body: JSON.stringify({ reason: "x".repeat(64 * 1024) }),
        },
        { logger },
      );
    for (const path of ["/orders", "/orders/o-1/cancel", "/orders/o-1"]) {
      const response = await oversized(path);
      expect(response.statusCode).toBe(413);
      expect(errorOf(response).message).toBe(
        "the request body is larger than 64 KiB, the most a request may carry",
      );
      expect(response.headers["X-Correlation-Id"]).toBe(`big-${path.length}`);
    }
    expect(
      logger.entries.map((entry) => [entry.level, entry.fields.statusCode, entry.fields.correlationId]),
    ).toEqual([
      ["info", 413, "big-7"],
      ["info", 413, "big-18"],
      ["info", 413, "big-11"],
    ]);
  });

  it("answers 413 to a body of one byte over the limit and takes one of exactly the limit", async () => {
    const { send } = setup();
    const atLimit = (extra: number) => {
      const json = JSON.stringify(placeOrderBody({ orderId: `edge-${extra}` }));
      // Whitespace after the document keeps it valid JSON while it grows to the size wanted.
      return `${json}${" ".repeat(64 * 1024 - Buffer.byteLength(json) + extra)}`;
    };
    expect(
      (await send({ method: "POST", path: "/orders", headers: JSON_TYPE, body: atLimit(0) })).statusCode,
    ).toBe(202);
    expect(
      (await send({ method: "POST", path: "/orders", headers: JSON_TYPE, body: atLimit(1) })).statusCode,
    ).toBe(413);
  });

  it("counts the decoded size of a base64 body, in bytes", async () => {
    const { send } = setup();
    const bytes = Buffer.from(JSON.stringify({ ...placeOrderBody(), pad: "é".repeat(33_000) }));
    const response = await send({
      method: "POST",
      path: "/orders",
      headers: JSON_TYPE,
      body: bytes.toString("base64"),
      isBase64Encoded: true,
    });
    expect(response.statusCode).toBe(413);
  });

  it("answers 400 with the parser's message to malformed JSON", async () => {
    const { send } = setup();
    const response = await send({
      method: "POST",
      path: "/orders",
      headers: JSON_TYPE,
      body: '{"customerId": "c-1",',
    });
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).code).toBe("INVALID_JSON");
    expect(errorOf(response).message).toMatch(/^the request body is not valid JSON: /);
  });

  it.each([undefined, "", "   "])("answers 400 to an empty body (%j)", async (body) => {
    const { send } = setup();
    const response = await send({ method: "POST", path: "/orders", headers: JSON_TYPE, body });
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).code).toBe("INVALID_JSON");
  });

  it("answers 400 to a base64 body that is not UTF-8", async () => {
    const { send } = setup();
    const response = await send({
      method: "POST",
      path: "/orders",
      headers: JSON_TYPE,
      body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]).toString("base64"),
      isBase64Encoded: true,
    });
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).message).toMatch(/UTF-8/);
  });

  it("reads a JSON body that starts with a byte order mark", async () => {
    const { send } = setup();
    const response = await send({
      method: "POST",
      path: "/orders",
      headers: JSON_TYPE,
      body: `\uFEFF${JSON.stringify(placeOrderBody())}`,
    });
    expect(response.statusCode).toBe(202);
  });
});

describe("reading, cancelling and modifying orders", () => {
  it("answers 404 for an unknown order and 400 for an id that cannot be one", async () => {
    const { send } = setup();
    const unknown = await send({ path: "/orders/nope" });
    expect(unknown.statusCode).toBe(404);
    expect(errorOf(unknown).code).toBe("ORDER_NOT_FOUND");
    const invalid = await send({ path: "/orders/%3Cscript%3E" });
    expect(invalid.statusCode).toBe(400);
    expect(errorOf(invalid).issues).toEqual([{ path: "orderId", message: expect.any(String) }]);
  });

  it("accepts a cancel with 202 and the order ends CANCELLED", async () => {
    const { send, flow } = setup();
    await send({ method: "POST", path: "/orders", json: placeOrderBody({ orderId: "o-1" }) });
    const response = await send({
      method: "POST",
      path: "/orders/o-1/cancel",
      json: { reason: "changed my mind" },
    });
    expect(response.statusCode).toBe(202);
    expect(response.headers.Location).toBe("/orders/o-1");
    expect(bodyOf(response)).toMatchObject({ orderId: "o-1", requestId: expect.any(String) });
    await flow.drain();
    expect(bodyOf(await send({ path: "/orders/o-1" })).status).toBe("CANCELLED");
  });

  it("refuses a cancel without a reason, and a cancel of an unknown order", async () => {
    const { send } = setup();
    await send({ method: "POST", path: "/orders", json: placeOrderBody({ orderId: "o-1" }) });
    const noReason = await send({ method: "POST", path: "/orders/o-1/cancel", json: {} });
    expect(noReason.statusCode).toBe(400);
    expect(errorOf(noReason).issues?.[0]?.path).toBe("reason");
    const unknown = await send({ method: "POST", path: "/orders/o-404/cancel", json: { reason: "x" } });
    expect(unknown.statusCode).toBe(404);
  });

  it("accepts a modification with 202 and applies it before payment", async () => {
    const { send, flow } = setup();
    await send({ method: "POST", path: "/orders", json: placeOrderBody({ orderId: "o-1" }) });
    const items = [{ sku: "CAFE-COADO-500G", quantity: 1, unitPrice: 4290 }];
    const response = await send({ method: "PATCH", path: "/orders/o-1", json: { items } });
    expect(response.statusCode).toBe(202);
    await flow.drain({ only: ["modify"] });
    expect(bodyOf(await send({ path: "/orders/o-1" })).total).toBe(4290);
  });
});

describe("catalog, health and routing", () => {
  it("serves the catalog business validation uses", async () => {
    const { send } = setup();
    const response = await send({ path: "/products" });
    expect(response.statusCode).toBe(200);
    expect(bodyOf(response)).toEqual({ products: DEMO_CATALOG.map((p) => ({ ...p })) });
  });

  it("answers GET /health with 200", async () => {
    const { send } = setup();
    expect((await send({ path: "/health" })).statusCode).toBe(200);
  });

  it("ignores a trailing slash and a query string", async () => {
    const { send } = setup();
    expect((await send({ path: "/products/?page=2" })).statusCode).toBe(200);
  });

  it("answers 404 to an unknown route and 405 with Allow to a wrong method", async () => {
    const { send } = setup();
    const unknown = await send({ path: "/admin" });
    expect(unknown.statusCode).toBe(404);
    expect(errorOf(unknown).code).toBe("ROUTE_NOT_FOUND");
    const wrong = await send({ method: "DELETE", path: "/orders/o-1" });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.Allow).toBe("GET, PATCH, HEAD");
  });

  it("answers HEAD wherever GET is answered (as GET; the transport drops the body)", async () => {
    const { send } = setup();
    expect((await send({ method: "HEAD", path: "/health" })).statusCode).toBe(200);
    expect((await send({ method: "HEAD", path: "/orders" })).statusCode).toBe(405);
  });
});

describe("text no transport carries", () => {
  // U+FFFE, U+FFFF and unpaired surrogates pass JSON.parse but SQS refuses them: refused here, with the path.
  const BAD = ["x\uFFFF", "x\uFFFE", "x\uD800", "\uDC00x"];

  it.each(BAD)("POST /orders answers 400 naming the field, for %j", async (bad) => {
    const { send } = setup();
    const address = { line1: bad, city: "São Paulo", postalCode: "01000-000", country: "BR" };
    const response = await send({
      method: "POST",
      path: "/orders",
      json: placeOrderBody({ shippingAddress: address }),
    });
    expect(response.statusCode).toBe(400);
    expect(errorOf(response).issues?.map((i) => i.path)).toEqual(["shippingAddress.line1"]);
  });

  it.each(BAD)("cancel and modify answer 400 and leave the order as it was, for %j", async (bad) => {
    const { send, flow } = setup();
    const placed = bodyOf(await send({ method: "POST", path: "/orders", json: placeOrderBody() }));
    await flow.drain();
    const path = `/orders/${placed.orderId}`;
    const cancel = await send({ method: "POST", path: `${path}/cancel`, json: { reason: bad } });
    const address = { line1: bad, city: "São Paulo", postalCode: "01000-000", country: "BR" };
    const modify = await send({ method: "PATCH", path, json: { shippingAddress: address } });
    expect([cancel.statusCode, modify.statusCode]).toEqual([400, 400]);
    expect(errorOf(cancel).issues?.map((i) => i.path)).toEqual(["reason"]);
    expect(errorOf(modify).issues?.map((i) => i.path)).toEqual(["shippingAddress.line1"]);
    await flow.drain();
    expect(bodyOf(await send({ path })).status).toBe("CONFIRMED");
  });
});

describe("correlation ids and failures", () => {
  it("echoes a client's X-Correlation-Id and passes it to the messages the request causes", async () => {
    const { send, flow } = setup();
    const response = await send({
      method: "POST",
      path: "/orders",
      headers: { ...JSON_TYPE, "x-correlation-id": "corr-42" },
      body: JSON.stringify(placeOrderBody()),
    });
    expect(response.headers["X-Correlation-Id"]).toBe("corr-42");
    // OrderPlaced waits in the order's outbox; the intake consumer publishes it with OrderValidated.
    await flow.drain({ only: ["intake"] });
    expect(flow.events("OrderPlaced")[0]?.correlationId).toBe("corr-42");
  });

  it("replaces a missing or hostile correlation id with a fresh one", async () => {
    const { send } = setup();
    const missing = await send({ path: "/health" });
    const hostile = await send({ path: "/health", headers: { "X-Correlation-Id": "a\r\nSet-Cookie: x=1" } });
    expect(missing.headers["X-Correlation-Id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(hostile.headers["X-Correlation-Id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(hostile.headers["X-Correlation-Id"]).not.toBe(missing.headers["X-Correlation-Id"]);
  });

  it("answers 503 with Retry-After when a service is unavailable, and 500 revealing nothing on a bug", async () => {
    const logger = new InMemoryLogger();
    const failing = (error: Error) =>
      ({ orders: { getOrder: async () => Promise.reject(error) } }) as unknown as HttpApi;
    const request = { method: "GET", path: "/orders/o-1", headers: {}, body: undefined };

    const unavailable = await handleHttpRequest(failing(new ServiceUnavailableError("DynamoDB")), request, {
      logger,
    });
    expect(unavailable.statusCode).toBe(503);
    expect(unavailable.headers["Retry-After"]).toBe("1");

    const bug = await handleHttpRequest(failing(new TypeError("secret table name xyz")), request, { logger });
    expect(bug.statusCode).toBe(500);
    expect(bug.body).not.toContain("secret");
    expect(errorOf(bug).code).toBe("INTERNAL_ERROR");
    expect(logger.at("error").map((e) => e.fields.error)).toEqual([
      expect.objectContaining({ message: "secret table name xyz" }),
    ]);
  });

  it("answers 500, not 503, when a dependency refused what it was sent for good (a retry cannot help)", async () => {
    const logger = new InMemoryLogger();
    const refused = new DeliveryError("orders.fifo", [
      { id: "m-1", reason: "the body holds characters SQS does not allow", retryable: false },
    ]);
    const throttled = new DeliveryError("orders.fifo", [{ id: "m-1", reason: "ThrottlingException" }]);
    const failing = (error: Error) =>
      ({ orders: { getOrder: async () => Promise.reject(error) } }) as unknown as HttpApi;
    const request = { method: "GET", path: "/orders/o-1", headers: {}, body: undefined };
    expect((await handleHttpRequest(failing(refused), request, { logger })).statusCode).toBe(500);
    expect((await handleHttpRequest(failing(throttled), request, { logger })).statusCode).toBe(503);
  });

  it("logs one line per request with its status and correlation id", async () => {
    const logger = new InMemoryLogger();
    const flow = new InMemoryOrderflow();
    await handleHttpRequest(
      flow.http,
      { method: "GET", path: "/health", headers: { "x-correlation-id": "c-7" }, body: undefined },
      { logger },
    );
    expect(logger.entries).toEqual([
      expect.objectContaining({
        level: "info",
        fields: expect.objectContaining({ statusCode: 200, correlationId: "c-7", path: "/health" }),
      }),
    ]);
  });
});
