import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InMemoryLogger } from "../../../../src/adapters/memory/in-memory-logger.js";
import {
  callerOf,
  createApiHandler,
  fromApiGatewayV1,
  fromApiGatewayV2,
} from "../../../../src/entrypoints/http/api-gateway.js";
import type {
  ApiGatewayProxyEventV1,
  ApiGatewayProxyEventV2,
} from "../../../../src/entrypoints/http/api-gateway-events.js";
import type { HttpApi } from "../../../../src/entrypoints/http/http-core.js";
import { InMemoryOrderflow } from "../../../../src/entrypoints/in-memory/in-memory-orderflow.js";

const fixture = <T>(name: string): T =>
  JSON.parse(readFileSync(join(import.meta.dirname, "../../../fixtures/apigateway", name), "utf8")) as T;

const restPost = () => fixture<ApiGatewayProxyEventV1>("rest-v1-post-orders.json");
const restGet = () => fixture<ApiGatewayProxyEventV1>("rest-v1-get-order.json");
const httpPost = () => fixture<ApiGatewayProxyEventV2>("http-v2-post-orders.json");
const httpCancel = () => fixture<ApiGatewayProxyEventV2>("http-v2-cancel-order-staged.json");
const context = { awsRequestId: "lambda-req-1", functionName: "orderflow-api" };

function setup() {
  const flow = new InMemoryOrderflow();
  const logger = new InMemoryLogger();
  return { flow, logger, handler: createApiHandler(() => flow.http, { logger }) };
}

describe("REST API (v1) proxy events", () => {
  it("places an order and answers in the v1 result format, Location under the stage", async () => {
    const { handler, flow } = setup();
    const result = await handler(restPost(), context);
    expect(result).toEqual({
      statusCode: 202,
      headers: expect.objectContaining({
        "Content-Type": "application/json; charset=utf-8",
        Location: "/prod/orders/o-rest-1",
        "X-Correlation-Id": "corr-rest-0001",
      }),
      body: JSON.stringify({ orderId: "o-rest-1", status: "RECEIVED" }),
      isBase64Encoded: false,
    });
    expect((await flow.api.getOrder("o-rest-1")).customerId).toBe("c-123");
  });

  it("reads an order", async () => {
    const { handler } = setup();
    await handler(restPost(), context);
    const result = await handler(restGet(), context);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ orderId: "o-rest-1", status: "RECEIVED", total: 6980 });
  });

  it("reads headers from multiValueHeaders when headers is null", async () => {
    const { handler } = setup();
    const event = { ...restPost(), headers: null };
    const result = await handler(event, context);
    expect(result.statusCode).toBe(202);
  });

  it("logs with the Lambda and API Gateway request ids", async () => {
    const { handler, logger } = setup();
    await handler(restGet(), context);
    expect(logger.entries[0]?.fields).toMatchObject({
      awsRequestId: "lambda-req-1",
      apiRequestId: "b5d2f2a3-4c5e-4f6a-9b0c-1d2e3f4a5b6c",
    });
  });

  it("maps the event to the HTTP core's request", () => {
    expect(fromApiGatewayV1(restGet())).toEqual({
      method: "GET",
      path: "/orders/o-rest-1",
      headers: restGet().headers,
      body: null,
      isBase64Encoded: false,
      basePath: "/prod",
      query: null,
      caller: undefined,
    });
  });
});

describe("HTTP API (v2) events", () => {
  it("places an order from a base64 body and answers in the v2 result format", async () => {
    const { handler, flow } = setup();
    const result = await handler(httpPost(), context);
    expect(result).toEqual({
      statusCode: 202,
      headers: expect.objectContaining({ Location: "/orders/o-http-1" }),
      body: JSON.stringify({ orderId: "o-http-1", status: "RECEIVED" }),
      isBase64Encoded: false,
    });
    expect((await flow.api.getOrder("o-http-1")).shippingAddress.city).toBe("São Paulo");
  });

  it("strips a named stage from rawPath and keeps it in Location", async () => {
    const { handler, flow } = setup();
    await handler(httpPost(), context);
    const result = await handler(httpCancel(), context);
    expect(result.statusCode).toBe(202);
    expect(result.headers.Location).toBe("/live/orders/o-http-1");
    expect(result.headers["X-Correlation-Id"]).toBe("corr-http-0002");
    await flow.drain();
    expect((await flow.api.getOrder("o-http-1")).status).toBe("CANCELLED");
  });

  it("maps the event to the HTTP core's request", () => {
    expect(fromApiGatewayV2(httpCancel())).toMatchObject({
      method: "POST",
      path: "/orders/o-http-1/cancel",
      basePath: "/live",
      isBase64Encoded: false,
    });
  });

  it("answers an oversized body with 413 and text with 415", async () => {
    const { handler } = setup();
    const big = await handler(
      { ...httpPost(), body: "x".repeat(100 * 1024), isBase64Encoded: false },
      context,
    );
    expect(big.statusCode).toBe(413);
    const text = await handler(
      { ...httpPost(), headers: { ...httpPost().headers, "content-type": "text/plain" } },
      context,
    );
    expect(text.statusCode).toBe(415);
  });
});

describe("the handler", () => {
  it.each([
    ["null", null],
    ["a string", "GET /orders"],
    ["an empty object", {}],
    ["a v2 event without requestContext", { version: "2.0", rawPath: "/health" }],
    ["an SQS event", { Records: [{ eventSource: "aws:sqs", body: "{}" }] }],
  ])("answers %s with a structured 400 instead of throwing", async (_, event) => {
    const { handler } = setup();
    const result = await handler(event as unknown, context);
    expect(result.statusCode).toBe(400);
    expect(JSON.parse(result.body)).toEqual({ error: { code: "BAD_EVENT", message: expect.any(String) } });
  });

  it("builds the api once, and again after a failed build", async () => {
    const flow = new InMemoryOrderflow();
    let builds = 0;
    const handler = createApiHandler(() => {
      builds++;
      if (builds === 1) throw new Error("ORDERS_TABLE is missing");
      return flow.http as HttpApi;
    });
    const failed = await handler(restGet(), context);
    expect(failed.statusCode).toBe(500);
    expect(failed.body).not.toContain("ORDERS_TABLE");
    expect((await handler(restGet(), context)).statusCode).toBe(404);
    expect((await handler(restGet(), context)).statusCode).toBe(404);
    expect(builds).toBe(2);
  });

  it("makes a group of operations only when a request first needs it", async () => {
    const flow = new InMemoryOrderflow();
    const made: string[] = [];
    const handler = createApiHandler(() => async (group) => {
      made.push(group);
      return flow.http[group];
    });
    expect((await handler({ ...restGet(), path: "/health" }, context)).statusCode).toBe(200);
    expect(made).toEqual([]);
    expect((await handler(httpPost(), context)).statusCode).toBe(202);
    expect(made).toEqual(["orders"]);
  });
});

describe("the Cognito JWT authorizer's caller (notifications)", () => {
  const asUser = (user: string, groups: string, path = `/users/${user}/notifications`) => {
    const event = fixture<ApiGatewayProxyEventV2>("http-v2-get-user-notifications-jwt.json");
    const jwt = (event.requestContext.authorizer as { jwt: { claims: Record<string, string> } }).jwt;
    jwt.claims = { ...jwt.claims, sub: user, "cognito:groups": groups };
    return { ...event, rawPath: path };
  };

  it("reads a user's own notifications, and answers 403 for another user's without the operators group", async () => {
    const { handler, flow } = setup();
    await flow.notificationApi.accept({ userId: "bob", message: "for bob only", priority: "high" });
    await flow.drain();

    const own = await handler(asUser("alice", "[customers]"), context);
    const other = await handler(asUser("alice", "[customers]", "/users/bob/notifications"), context);
    const everyone = await handler(asUser("alice", "[customers]", "/notifications"), context);
    const operator = await handler(asUser("op-1", "[staff operators]", "/users/bob/notifications"), context);

    expect(own.statusCode).toBe(200);
    expect([other.statusCode, everyone.statusCode]).toEqual([403, 403]);
    expect(other.body).not.toContain("for bob only");
    expect(operator.statusCode).toBe(200);
    expect(JSON.parse(operator.body).notifications).toEqual([
      expect.objectContaining({ userId: "bob", priority: "high" }),
    ]);
  });

  it("fails closed: a request no authorizer vouched for reads and sends no notification", async () => {
    const { handler, flow } = setup();
    await flow.notificationApi.accept({ userId: "bob", message: "for bob only", priority: "high" });
    const event = asUser("bob", "[operators]", "/users/bob/notifications");
    const { authorizer: _authorizer, ...requestContext } = event.requestContext;

    const answer = await handler({ ...event, requestContext }, context);

    expect(answer.statusCode).toBe(403);
    expect(answer.body).not.toContain("for bob only");
  });

  it("reads sub and cognito:groups as each authorizer hands them over", () => {
    const claims = (value: unknown) => ({
      authorizer: { jwt: { claims: { sub: "u-1", "cognito:groups": value } } },
    });
    expect(callerOf(claims("[operators admin]"))).toEqual({ userId: "u-1", groups: ["operators", "admin"] });
    expect(callerOf(claims(["operators"]))).toEqual({ userId: "u-1", groups: ["operators"] });
    expect(callerOf(claims(undefined))).toEqual({ userId: "u-1", groups: [] });
    // REST API (v1) Cognito user pool authorizer: claims under authorizer.claims, groups comma-separated.
    expect(callerOf({ authorizer: { claims: { sub: "u-2", "cognito:groups": "operators,admin" } } })).toEqual(
      {
        userId: "u-2",
        groups: ["operators", "admin"],
      },
    );
    // No authorizer (the local runner, or a route without one): no caller.
    expect(callerOf({})).toBeUndefined();
    expect(callerOf({ authorizer: { jwt: { claims: { sub: "" } } } })).toBeUndefined();
  });
});
