import * as z from "zod/mini";
import { ORDER_STATUSES, type OrderStatus } from "../../domain/lifecycle.js";
import { parseOrThrow } from "../../domain/schemas.js";
import { toOrderView } from "../../domain/use-cases/get-order.js";
import { fileOrderIds } from "../consumers/file-messages.js";
import { normalizeHeaders, readJsonBody, splitPath } from "../http/http-core.js";
import { errorResponse, HttpRequestError, jsonResponse } from "../http/http-errors.js";
import type { HttpRequest, HttpResponse } from "../http/http-types.js";
import type { LocalBackend } from "./local-backend.js";

/** Prefix of the operator routes: served by the local runner only, not part of the public contract. */
export const OPERATOR_PREFIX = "/_local/";

const RedriveSchema = z.strictObject({
  to: z.optional(z.string().check(z.minLength(1), z.maxLength(80))),
  dryRun: z.optional(z.boolean()),
  max: z.optional(z.number().check(z.int(), z.minimum(1))),
});

const LIMIT = /^(?:[1-9]\d{0,2})$/;

/** A batch file's name as an upload gives it: what the inbox would take (`.json` or `.jsonl`). */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.jsonl?$/;

/** The largest batch file the console uploads in one request; larger files go in the inbox. */
export const MAX_UPLOAD_BYTES = 16 * 1024 * 1024;

/**
 * The operator routes of the local runner (what the `orderflow` CLI calls with
 * `--endpoint`):
 * - `GET /_local/queues`: every queue of the flows with its depth;
 * - `GET /_local/dlqs`: every dead-letter queue with its message count;
 * - `GET /_local/dlqs/{name}/messages`: the messages of one, left in place;
 * - `POST /_local/dlqs/{name}/redrive` `{ to?, dryRun?, max? }`: moves them back;
 * - `GET /_local/alerts?limit=`: the latest alerts (what SNS would mail on AWS), newest first;
 * - `GET /_local/files?limit=`: the batch files' history records, newest first;
 * - `POST /_local/files?name=` (the file as the body, up to {@link MAX_UPLOAD_BYTES}): stores it
 *   under `incoming/` as an upload to the bucket would, 202 `{ key, fileVersion }`;
 * - `GET /_local/files/orders?key=&version=&limit=`: the ids of a file's valid orders (at most 100);
 * - `GET /_local/orders?status=&limit=&cursor=`: the orders in one status, for the board;
 * - `GET /_local/orders/{id}/events`: the events the flows published for one order in this process;
 * - `GET /_local/inbox`: the inbox folder (where `orderflow ingest --endpoint` puts a file).
 *
 * `GET /_local/events` (the live feed, server-sent events) is streamed by the runner itself.
 *
 * Meant to run inside `answerRequest` (http-core), which turns what it throws
 * into error answers, adds the correlation id and logs the request.
 */
export async function handleOperatorRequest(
  backend: LocalBackend,
  request: HttpRequest,
  options: { readonly maxBodyBytes: number; readonly inbox: string },
): Promise<HttpResponse> {
  const method = request.method.toUpperCase();
  const segments = splitPath(request.path).slice(1);
  const [first, name, action, ...rest] = segments;
  if (name === undefined) {
    switch (first) {
      case "queues":
        requireMethod(method, "GET");
        return jsonResponse(200, { queues: await backend.queues() });
      case "dlqs":
        requireMethod(method, "GET");
        return jsonResponse(200, { deadLetterQueues: await backend.deadLetterQueues() });
      case "alerts":
        requireMethod(method, "GET");
        return jsonResponse(200, { alerts: await backend.alerts(limitOf(request)) });
      case "files": {
        if (method === "POST") return jsonResponse(202, await uploadFile(backend, request));
        requireMethod(method, "GET", "POST");
        const page = await backend.fileHistory.list({ limit: limitOf(request) });
        return jsonResponse(200, { files: page.items });
      }
      case "orders": {
        requireMethod(method, "GET");
        const status = request.query?.status;
        if (!ORDER_STATUSES.includes(status as OrderStatus))
          throw new HttpRequestError(
            400,
            "VALIDATION_FAILED",
            `status must be one of ${ORDER_STATUSES.join(", ")}`,
          );
        const page = await backend.orders.listByStatus(status as OrderStatus, {
          limit: limitOf(request),
          nextToken: request.query?.cursor,
        });
        return jsonResponse(200, {
          orders: page.items.map(toOrderView),
          ...(page.nextToken ? { nextCursor: page.nextToken } : {}),
        });
      }
      case "inbox":
        requireMethod(method, "GET");
        return jsonResponse(200, { inbox: options.inbox });
    }
  }
  if (first === "files" && name === "orders" && action === undefined) {
    requireMethod(method, "GET");
    return jsonResponse(200, { orderIds: await fileOrders(backend, request) });
  }
  if (first === "orders" && name !== undefined && action === "events" && rest.length === 0) {
    requireMethod(method, "GET");
    return jsonResponse(200, { orderId: name, events: backend.events.ofOrder(name) });
  }
  if (first === "dlqs" && name !== undefined && rest.length === 0) {
    if (action === "messages") {
      requireMethod(method, "GET");
      return jsonResponse(200, { queue: name, messages: await backend.deadLetters(name) });
    }
    if (action === "redrive") {
      requireMethod(method, "POST");
      const headers = normalizeHeaders(request.headers);
      const hasBody = typeof request.body === "string" && request.body.length > 0;
      const body = parseOrThrow(
        RedriveSchema,
        hasBody ? readJsonBody(request, headers, options.maxBodyBytes) : {},
        "redrive request",
      );
      // The runner works the queues after every successful write, so the moved messages go at once.
      return jsonResponse(200, await backend.redrive(name, body));
    }
  }
  return errorResponse(
    404,
    "ROUTE_NOT_FOUND",
    "no such operator route; see GET /_local/queues, /_local/dlqs, /_local/alerts, /_local/files, /_local/orders, /_local/events, /_local/inbox",
  );
}

/** Whether a request is for the operator routes rather than the public API. */
export function isOperatorRequest(request: HttpRequest): boolean {
  return typeof request.path === "string" && request.path.startsWith(OPERATOR_PREFIX);
}

function limitOf(request: HttpRequest): number {
  const limit = request.query?.limit;
  if (limit === undefined) return 20;
  if (!LIMIT.test(limit) || Number(limit) > 100)
    throw new HttpRequestError(400, "VALIDATION_FAILED", "limit must be an integer in 1..100");
  return Number(limit);
}

function requireMethod(method: string, ...allowed: string[]): void {
  if (method === "HEAD" && allowed.includes("GET")) return;
  if (!allowed.includes(method)) {
    const names = allowed.join(", ");
    throw new HttpRequestError(405, "METHOD_NOT_ALLOWED", `use ${names}`, undefined, { Allow: names });
  }
}

/** An uploaded batch file through the file flows, as a file dropped in the inbox goes. */
async function uploadFile(backend: LocalBackend, request: HttpRequest) {
  const name = request.query?.name ?? "";
  if (!FILE_NAME.test(name))
    throw new HttpRequestError(
      400,
      "VALIDATION_FAILED",
      "name must be a file name ending in .json or .jsonl (letters, digits, '.', '_', '-'; at most 100)",
    );
  const body = Buffer.from(request.body ?? "", request.isBase64Encoded ? "base64" : "utf8");
  const stored = await backend.upload(
    name,
    (async function* () {
      yield body;
    })(),
  );
  return stored;
}

/** The ids of a stored file's valid orders (at most `limit`), read back from where it is kept. */
async function fileOrders(backend: LocalBackend, request: HttpRequest): Promise<string[]> {
  const { key = "", version = "" } = request.query ?? {};
  const record = await backend.fileHistory.get(key, version);
  if (!record)
    throw new HttpRequestError(404, "FILE_NOT_FOUND", "no history record for this key and version");
  // A file rejected whole placed nothing (and may not even parse).
  if (record.status === "REJECTED") return [];
  // Where it is kept now: moved out of `incoming/` once handled.
  const stored = await backend.objects.get(record.location ?? record.fileKey);
  if (!stored) throw new HttpRequestError(404, "FILE_NOT_FOUND", "the file is no longer stored");
  return fileOrderIds(stored.body, record, limitOf(request));
}
