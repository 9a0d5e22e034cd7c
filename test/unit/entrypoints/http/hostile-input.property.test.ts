import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createApiHandler } from "../../../../src/entrypoints/http/api-gateway.js";
import { handleHttpRequest } from "../../../../src/entrypoints/http/http-core.js";
import type { HttpResponse } from "../../../../src/entrypoints/http/http-types.js";
import { InMemoryOrderflow } from "../../../../src/entrypoints/in-memory/in-memory-orderflow.js";

/** Every answer is JSON; every error answer has the contract's shape; nothing is a 5xx. */
function expectWellFormed(response: {
  statusCode: number;
  headers: Readonly<Record<string, string>>;
  body: string;
}) {
  expect(response.statusCode).toBeGreaterThanOrEqual(200);
  expect(response.statusCode).toBeLessThan(500);
  expect(response.headers["Content-Type"]).toBe("application/json; charset=utf-8");
  const body = JSON.parse(response.body) as unknown;
  if (response.statusCode >= 400) {
    expect(body).toEqual({
      error: expect.objectContaining({
        code: expect.stringMatching(/^[A-Z_]+$/),
        message: expect.any(String),
      }),
    });
    const issues = (body as { error: { issues?: unknown } }).error.issues;
    if (issues !== undefined) {
      expect(issues).toEqual(
        (issues as unknown[]).map(() =>
          expect.objectContaining({ path: expect.any(String), message: expect.any(String) }),
        ),
      );
    }
  }
}

const segment = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom(
    "orders",
    "products",
    "health",
    "cancel",
    "o-1",
    "%",
    "%2F",
    "..",
    "%00",
    "\u0000",
    "ﬃ",
    "🦄",
  ),
);
const path = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.webPath(),
  fc.array(segment, { maxLength: 5 }).map((segments) => `/${segments.join("/")}`),
  segment.map((id) => `/orders/${id}`),
  segment.map((id) => `/orders/${id}/cancel`),
);
const method = fc.oneof(
  fc.constantFrom("GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS", "HEAD", "get", ""),
  fc.string({ maxLength: 10 }),
);

/** Bodies close to a PlaceOrder, so some pass validation and reach the pipeline. */
const nearlyAnOrder = fc.record(
  {
    orderId: fc.oneof(fc.string({ maxLength: 70 }), fc.constant("o-1")),
    customerId: fc.oneof(fc.string({ maxLength: 70 }), fc.constant("c-1"), fc.integer()),
    currency: fc.oneof(fc.constant("BRL"), fc.string({ maxLength: 4 })),
    items: fc.array(
      fc.record({
        sku: fc.oneof(fc.constant("CAFE-ESPRESSO-250G"), fc.string({ maxLength: 70 })),
        quantity: fc.oneof(fc.integer({ min: -2, max: 20_000 }), fc.double(), fc.string()),
        unitPrice: fc.oneof(
          fc.constant(3490),
          fc.integer(),
          fc.double(),
          fc.constant(Number.MAX_SAFE_INTEGER * 4),
        ),
      }),
      { maxLength: 3 },
    ),
    shippingAddress: fc.oneof(
      fc.constant({ line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" }),
      fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 2 })),
    ),
    reason: fc.string({ maxLength: 600 }),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 300 }),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  nearlyAnOrder.map((value) => JSON.stringify(value)),
  fc.nat({ max: 3000 }).map((depth) => "[".repeat(depth) + "]".repeat(depth)),
  fc.constant('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"x": 1}}}'),
);

const headers = fc.record(
  {
    "content-type": fc.oneof(
      fc.constantFrom(
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "application/json; charset=",
        ";;;",
      ),
      fc.string({ maxLength: 60 }),
    ),
    "idempotency-key": fc.oneof(fc.uuid(), fc.string({ maxLength: 200 })),
    "x-correlation-id": fc.string({ maxLength: 200 }),
  },
  { requiredKeys: [] },
);

describe("hostile requests", () => {
  it("arbitrary methods, paths, headers and bodies get a well-formed answer, never a 5xx", async () => {
    const flow = new InMemoryOrderflow();
    await fc.assert(
      fc.asyncProperty(method, path, headers, body, fc.boolean(), async (m, p, h, b, base64) => {
        let response: HttpResponse | undefined;
        try {
          response = await handleHttpRequest(flow.http, {
            method: m,
            path: p,
            headers: h,
            body: base64 && b !== undefined ? Buffer.from(b).toString("base64") : b,
            isBase64Encoded: base64,
          });
        } catch (error) {
          expect.fail(`threw ${String(error)}`);
        }
        expectWellFormed(response);
        expect(response.headers["X-Correlation-Id"]).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
      }),
      { numRuns: 400 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("malformed API Gateway events of either version never make the handler throw or answer 5xx", async () => {
    const flow = new InMemoryOrderflow();
    const handler = createApiHandler(() => flow.http);
    const anything = fc.anything({ maxDepth: 2 });
    const v1 = fc.record(
      {
        httpMethod: fc.oneof(method, anything),
        path: fc.oneof(path, anything),
        headers: fc.oneof(headers, fc.constant(null), anything),
        multiValueHeaders: fc.oneof(fc.constant(null), anything),
        body: fc.oneof(body, fc.constant(null), anything),
        isBase64Encoded: fc.oneof(fc.boolean(), anything),
        requestContext: fc.oneof(fc.record({ path: fc.oneof(path, anything), stage: anything }), anything),
      },
      { requiredKeys: [] },
    );
    const v2 = fc.record(
      {
        version: fc.constant("2.0"),
        rawPath: fc.oneof(path, anything),
        headers: fc.oneof(headers, anything),
        body: fc.oneof(body, anything),
        isBase64Encoded: fc.oneof(fc.boolean(), anything),
        requestContext: fc.oneof(
          fc.record({
            http: fc.oneof(fc.record({ method: fc.oneof(method, anything) }), anything),
            stage: fc.oneof(fc.string(), anything),
          }),
          anything,
        ),
      },
      { requiredKeys: ["version"] },
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(v1, v2, anything), async (event) => {
        let result: Awaited<ReturnType<typeof handler>> | undefined;
        try {
          result = await handler(event as unknown, { awsRequestId: "r-1" });
        } catch (error) {
          expect.fail(`threw ${String(error)}`);
        }
        expectWellFormed(result);
        expect(result.isBase64Encoded).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});
