import { randomUUID } from "node:crypto";
import { describeInvalidJson } from "../../domain/files/json-syntax.js";
import { ORDER_ID_PATTERN } from "../../domain/schemas.js";
import type { Logger } from "../../ports/logger.js";
import { errorResponse, errorToResponse, HttpRequestError, jsonResponse } from "./http-errors.js";
import type { HttpRequest, HttpResponse } from "./http-types.js";
import type { MetricsApi } from "./metrics-api.js";
import type { NotificationApi } from "./notification-api.js";
import type { OrderApi } from "./order-api.js";
import type { StoreApi } from "./store-api.js";

/** The operations the public HTTP API serves: orders, customer notifications, the store. */
export interface HttpApi {
  readonly orders: OrderApi;
  readonly notifications: NotificationApi;
  readonly store: StoreApi;
  readonly metrics: MetricsApi;
}

/** One group of the API's operations; each route calls one. */
export type HttpApiGroup = keyof HttpApi;

/**
 * What the routes call: the API itself, or a function that makes each group
 * when a request first needs it, so that a Lambda function builds only the
 * operations (and their use cases, adapters and clients) of the routes it is
 * asked for.
 */
export type HttpApiProvider = HttpApi | (<G extends HttpApiGroup>(group: G) => Promise<HttpApi[G]>);

/** Bodies above this many bytes are refused with 413 (an order of 100 items fits in a fraction of it). */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * What an `Idempotency-Key` may look like: UUIDs, ULIDs and base64 tokens fit;
 * whitespace, control characters, non-ASCII and anything longer than 128
 * characters are refused, because the key is stored and logged.
 */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:+/=-]{1,128}$/;

/** A client's `X-Correlation-Id` is kept when it matches; otherwise a fresh one replaces it. */
export const CORRELATION_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export const CORRELATION_ID_HEADER = "X-Correlation-Id";

export interface HttpHandlerOptions {
  /** Default {@link DEFAULT_MAX_BODY_BYTES}. */
  readonly maxBodyBytes?: number;
  /** Receives one line per request (method, path, status, duration) and the details of every 5xx. */
  readonly logger?: Logger;
  /** Makes correlation ids for requests that bring none (default: random UUIDs). */
  readonly newCorrelationId?: () => string;
}

/** Header names lower-cased; the last value wins when a name appears in several cases. */
export type NormalizedHeaders = Readonly<Record<string, string>>;

/** The request as the core read it. */
interface RequestScope {
  readonly request: HttpRequest;
  readonly headers: NormalizedHeaders;
  readonly params: Readonly<Record<string, string>>;
  readonly correlationId: string;
  readonly maxBodyBytes: number;
}

/** What a route's handler gets: the request, and the operations of its route's group. */
type RouteContext<G extends HttpApiGroup> = RequestScope & Pick<HttpApi, G>;

type RouteHandler<G extends HttpApiGroup> = (context: RouteContext<G>) => Promise<HttpResponse>;

interface Route<G extends HttpApiGroup = HttpApiGroup> {
  /** Literal segments, or `:name` for a parameter. */
  readonly pattern: readonly string[];
  /** The operations its handlers call (none for `/health`). */
  readonly group?: G;
  readonly methods: Readonly<Record<string, RouteHandler<G>>>;
}

/** A route of `group`'s operations (typed so that its handlers see that group only). */
const defineRoute = <G extends HttpApiGroup>(route: Route<G>): Route => route as unknown as Route;

const ROUTES: readonly Route[] = [
  defineRoute({
    pattern: ["orders"],
    group: "orders",
    methods: {
      POST: async ({ orders, request, headers, correlationId, maxBodyBytes }) => {
        const idempotencyKey = idempotencyKeyOf(headers);
        const body = readJsonBody(request, headers, maxBodyBytes);
        const placed = await orders.placeOrder(body, { idempotencyKey, correlationId });
        return jsonResponse(202, placed, { Location: orderLocation(request, placed.orderId) });
      },
    },
  }),
  defineRoute({
    pattern: ["orders", ":orderId"],
    group: "orders",
    methods: {
      GET: async ({ orders, params }) => jsonResponse(200, await orders.getOrder(orderIdOf(params))),
      PATCH: async ({ orders, request, headers, params, correlationId, maxBodyBytes }) => {
        const orderId = orderIdOf(params);
        const body = readJsonBody(request, headers, maxBodyBytes);
        const accepted = await orders.modifyOrder(orderId, body, { correlationId });
        return jsonResponse(202, accepted, { Location: orderLocation(request, orderId) });
      },
    },
  }),
  defineRoute({
    pattern: ["orders", ":orderId", "cancel"],
    group: "orders",
    methods: {
      POST: async ({ orders, request, headers, params, correlationId, maxBodyBytes }) => {
        const orderId = orderIdOf(params);
        const body = readJsonBody(request, headers, maxBodyBytes);
        const accepted = await orders.cancelOrder(orderId, body, { correlationId });
        return jsonResponse(202, accepted, { Location: orderLocation(request, orderId) });
      },
    },
  }),
  defineRoute({
    pattern: ["orders", ":orderId", "fulfil"],
    group: "orders",
    methods: {
      POST: async ({ orders, request, params, correlationId }) => {
        const orderId = orderIdOf(params);
        const fulfilled = await orders.fulfilOrder(orderId, { correlationId }, request.caller);
        return jsonResponse(202, fulfilled, { Location: orderLocation(request, orderId) });
      },
    },
  }),
  defineRoute({
    pattern: ["store"],
    group: "store",
    methods: {
      GET: async ({ store }) => jsonResponse(200, await store.status()),
      PUT: async ({ store, request, headers, maxBodyBytes }) =>
        jsonResponse(200, await store.change(readJsonBody(request, headers, maxBodyBytes), request.caller)),
    },
  }),
  defineRoute({
    pattern: ["notifications"],
    group: "notifications",
    methods: {
      POST: async ({ notifications, request, headers, correlationId, maxBodyBytes }) => {
        const idempotencyKey = idempotencyKeyOf(headers);
        const body = readJsonBody(request, headers, maxBodyBytes);
        const accepted = await notifications.accept(body, { idempotencyKey, correlationId }, request.caller);
        return jsonResponse(202, accepted, {
          Location: locationOf(request, "notifications", accepted.notificationId),
        });
      },
      GET: async ({ notifications, request }) =>
        jsonResponse(200, await notifications.listByPriority(queryOf(request), request.caller)),
    },
  }),
  defineRoute({
    pattern: ["notifications", ":notificationId"],
    group: "notifications",
    methods: {
      GET: async ({ notifications, request, params }) =>
        jsonResponse(200, await notifications.get(params.notificationId ?? "", request.caller)),
    },
  }),
  defineRoute({
    pattern: ["users", ":userId", "notifications"],
    group: "notifications",
    methods: {
      GET: async ({ notifications, request, params }) =>
        jsonResponse(
          200,
          await notifications.listForUser(params.userId ?? "", queryOf(request), request.caller),
        ),
    },
  }),
  defineRoute({
    pattern: ["metrics"],
    group: "metrics",
    methods: {
      GET: async ({ metrics, request }) =>
        jsonResponse(200, await metrics.get(queryOf(request), request.caller)),
    },
  }),
  defineRoute({
    pattern: ["products"],
    group: "orders",
    methods: { GET: async ({ orders }) => jsonResponse(200, await orders.listProducts()) },
  }),
  { pattern: ["health"], methods: { GET: async () => jsonResponse(200, { status: "ok" }) } },
];

/**
 * Serves the public HTTP contract of ARCHITECTURE.md on top of {@link OrderApi},
 * independent of what carried the request. It never throws: every outcome,
 * hostile input and internal failures included, is a JSON answer (errors in the
 * contract's `{ "error": { code, message, issues } }` shape), and every answer
 * carries the request's `X-Correlation-Id`.
 */
export function handleHttpRequest(
  api: HttpApiProvider,
  request: HttpRequest,
  options: HttpHandlerOptions = {},
): Promise<HttpResponse> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return answerRequest(request, options, ({ headers, correlationId, method, path }) =>
    dispatch(api, { request, headers, params: {}, correlationId, maxBodyBytes }, method, path),
  );
}

/** What every request handed to {@link answerRequest} is known by. */
export interface RequestContext {
  readonly headers: NormalizedHeaders;
  readonly correlationId: string;
  /** Upper-cased; empty when the request had none. */
  readonly method: string;
  readonly path: string;
}

/**
 * Answers a request the way every answer is given, whoever produces it (the
 * public routes, the local runner's operator routes, or the runner refusing a
 * body it stopped reading): whatever `produce` throws becomes the contract's
 * error answer, the answer carries the request's `X-Correlation-Id`, and one
 * line is logged (method, path, status, duration).
 */
export async function answerRequest(
  request: HttpRequest,
  options: Pick<HttpHandlerOptions, "logger" | "newCorrelationId">,
  produce: (context: RequestContext) => Promise<HttpResponse>,
): Promise<HttpResponse> {
  const started = performance.now();
  const headers = normalizeHeaders(request.headers);
  const correlationId = correlationIdOf(headers, options.newCorrelationId);
  const log = options.logger?.child({ correlationId });
  const method = typeof request.method === "string" ? request.method.toUpperCase() : "";
  const path = typeof request.path === "string" ? request.path : "";
  let response: HttpResponse;
  try {
    response = await produce({ headers, correlationId, method, path });
  } catch (error) {
    response = errorToResponse(error, log);
  }
  const errorCode = response.statusCode >= 400 ? errorCodeOf(response.body) : undefined;
  log?.info(`${method} ${printablePath(path)} → ${response.statusCode}${errorCode ? ` ${errorCode}` : ""}`, {
    method,
    path: printablePath(path),
    statusCode: response.statusCode,
    ...(errorCode ? { errorCode } : {}),
    durationMs: Math.round(performance.now() - started),
  });
  return { ...response, headers: { ...response.headers, [CORRELATION_ID_HEADER]: correlationId } };
}

/** The contract's error code in an error answer's body, for its log line. */
function errorCodeOf(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The one 413 every transport gives: it names the limit (the README's 64 KiB
 * by default), not the size received, which a transport that stops reading
 * early does not know.
 */
export function payloadTooLarge(maxBodyBytes: number): HttpRequestError {
  return new HttpRequestError(
    413,
    "PAYLOAD_TOO_LARGE",
    `the request body is larger than ${formatBytes(maxBodyBytes)}, the most a request may carry`,
  );
}

/** `65536` → `64 KiB`; sizes that are not whole KiB stay in bytes. */
function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

async function dispatch(
  api: HttpApiProvider,
  scope: RequestScope,
  method: string,
  path: string,
): Promise<HttpResponse> {
  const segments = splitPath(path);
  for (const route of ROUTES) {
    const params = matchRoute(route.pattern, segments);
    if (!params) continue;
    // HEAD is GET without the body (node and API Gateway drop a HEAD answer's body).
    const handler = route.methods[method] ?? (method === "HEAD" ? route.methods.GET : undefined);
    if (!handler) {
      const methods = Object.keys(route.methods);
      const allow = (methods.includes("GET") ? [...methods, "HEAD"] : methods).join(", ");
      throw new HttpRequestError(
        405,
        "METHOD_NOT_ALLOWED",
        `${method || "this method"} is not allowed here; use ${allow}`,
        undefined,
        {
          Allow: allow,
        },
      );
    }
    const { group } = route;
    if (group === undefined) return handler({ ...scope, params } as RouteContext<HttpApiGroup>);
    const operations = typeof api === "function" ? await api(group) : api[group];
    return handler({ ...scope, params, [group]: operations } as RouteContext<HttpApiGroup>);
  }
  return errorResponse(
    404,
    "ROUTE_NOT_FOUND",
    "no such route; try POST /orders, GET /orders/{id}, POST /orders/{id}/cancel, PATCH /orders/{id}, POST /orders/{id}/fulfil, GET /products, GET or PUT /store, POST /notifications, GET /notifications/{id}, GET /users/{userId}/notifications, GET /notifications?priority= or GET /health",
  );
}

/**
 * Path segments, percent-decoded (API Gateway hands some paths over encoded);
 * a trailing slash is ignored, a query string dropped.
 */
export function splitPath(path: string): string[] {
  const withoutQuery = path.split("?", 1)[0] ?? "";
  if (!withoutQuery.startsWith("/")) return [""];
  const segments = withoutQuery.slice(1).split("/");
  if (segments.length > 1 && segments[segments.length - 1] === "") segments.pop();
  return segments.map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      // Malformed escapes stay as they are; no route parameter accepts a bare `%`.
      return segment;
    }
  });
}

function matchRoute(
  pattern: readonly string[],
  segments: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i]!;
    const actual = segments[i]!;
    if (expected.startsWith(":")) {
      if (actual === "") return undefined;
      params[expected.slice(1)] = actual;
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}

function orderIdOf(params: Readonly<Record<string, string>>): string {
  const orderId = params.orderId ?? "";
  if (!ORDER_ID_PATTERN.test(orderId)) {
    throw new HttpRequestError(400, "VALIDATION_FAILED", "the order id in the path is invalid", [
      { path: "orderId", message: "must match [A-Za-z0-9_-]{1,64}" },
    ]);
  }
  return orderId;
}

function orderLocation(request: HttpRequest, orderId: string): string {
  return locationOf(request, "orders", orderId);
}

/** Where the client finds a resource: `<basePath>/<collection>/<id>`. */
function locationOf(request: HttpRequest, collection: string, id: string): string {
  const base = typeof request.basePath === "string" ? request.basePath.replace(/\/+$/, "") : "";
  return `${base}/${collection}/${encodeURIComponent(id)}`;
}

/** The query parameters that are strings (a hostile or malformed event may hold anything). */
function queryOf(request: HttpRequest): Record<string, string> {
  const query: Record<string, string> = {};
  if (!request.query || typeof request.query !== "object") return query;
  for (const [name, value] of Object.entries(request.query)) {
    if (typeof value === "string") query[name] = value;
  }
  return query;
}

/** Lower-cases header names and drops values that are not strings (hostile or malformed events). */
export function normalizeHeaders(headers: HttpRequest["headers"]): NormalizedHeaders {
  const normalized: Record<string, string> = {};
  if (!headers || typeof headers !== "object") return normalized;
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value === "string") normalized[name.toLowerCase()] = value;
  }
  return normalized;
}

/** The request's own `X-Correlation-Id` when it is acceptable, otherwise a fresh one. */
export function correlationIdOf(headers: NormalizedHeaders, newId?: () => string): string {
  const given = headers["x-correlation-id"]?.trim();
  if (given !== undefined && CORRELATION_ID_PATTERN.test(given)) return given;
  return (newId ?? randomUUID)();
}

function idempotencyKeyOf(headers: NormalizedHeaders): string | undefined {
  const key = headers["idempotency-key"];
  if (key === undefined) return undefined;
  const trimmed = key.trim();
  if (!IDEMPOTENCY_KEY_PATTERN.test(trimmed)) {
    throw new HttpRequestError(400, "VALIDATION_FAILED", "the Idempotency-Key header is invalid", [
      {
        path: "headers.Idempotency-Key",
        message: "must be 1 to 128 characters among A-Z a-z 0-9 . _ : + / = - (a UUID fits)",
      },
    ]);
  }
  return trimmed;
}

/**
 * The request body as a JSON value, after the checks that protect the service:
 * size (413), media type (415), encoding and syntax (400).
 * @throws HttpRequestError describing the first check that failed.
 */
export function readJsonBody(
  request: HttpRequest,
  headers: NormalizedHeaders,
  maxBodyBytes: number,
): unknown {
  const raw = request.body ?? "";
  if (typeof raw !== "string") {
    throw new HttpRequestError(400, "INVALID_JSON", "the request body must be a JSON document", [
      { path: "", message: "expected a JSON document" },
    ]);
  }
  const bytes = request.isBase64Encoded === true ? Buffer.from(raw, "base64") : undefined;
  const size = bytes ? bytes.length : Buffer.byteLength(raw, "utf8");
  if (size > maxBodyBytes) throw payloadTooLarge(maxBodyBytes);
  const contentType = headers["content-type"];
  const problem = jsonMediaTypeProblem(contentType);
  if (problem) throw new HttpRequestError(415, "UNSUPPORTED_MEDIA_TYPE", problem);

  let text = raw;
  if (bytes) {
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      throw new HttpRequestError(400, "INVALID_JSON", "the request body is not valid UTF-8", [
        { path: "", message: "expected UTF-8" },
      ]);
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") {
    throw new HttpRequestError(400, "INVALID_JSON", "the request body is empty; send a JSON object", [
      { path: "", message: "expected a JSON object" },
    ]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The parser's message quotes the body (an address, perhaps) into logs: report the position only.
    const detail = describeInvalidJson(text, "request body");
    throw new HttpRequestError(400, "INVALID_JSON", `the request body is not valid JSON: ${detail}`, [
      { path: "", message: detail },
    ]);
  }
}

/** Why a `Content-Type` is not JSON in UTF-8, or undefined when it is. */
export function jsonMediaTypeProblem(contentType: string | undefined): string | undefined {
  const expected = "send the body as JSON with Content-Type: application/json";
  if (contentType === undefined || contentType.trim() === "") return `no Content-Type; ${expected}`;
  const [mediaType = "", ...parameters] = contentType.split(";");
  const type = mediaType.trim().toLowerCase();
  if (type !== "application/json" && !/^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type)) {
    return `${printable(type, 100)} is not supported; ${expected}`;
  }
  for (const parameter of parameters) {
    const [name = "", value = ""] = parameter.split("=");
    if (name.trim().toLowerCase() !== "charset") continue;
    const charset = value
      .trim()
      .replace(/^"(.*)"$/, "$1")
      .toLowerCase();
    if (charset !== "utf-8" && charset !== "utf8") {
      return `charset ${printable(charset, 40)} is not supported; JSON bodies must be UTF-8`;
    }
  }
  return undefined;
}

/** Paths go to logs: control characters escaped, length bounded. */
export function printablePath(path: string): string {
  return printable(path.split("?", 1)[0] ?? "", 200);
}

function printable(text: string, max: number): string {
  const escaped = text.replace(
    CONTROL_CHARACTERS,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`,
  );
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;
