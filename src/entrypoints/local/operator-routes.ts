import * as z from "zod/mini";
import { parseOrThrow } from "../../domain/schemas.js";
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

/**
 * The operator routes of the local runner (what the `orderflow` CLI calls with
 * `--endpoint`):
 * - `GET /_local/queues`: every queue of the flows with its depth;
 * - `GET /_local/dlqs`: every dead-letter queue with its message count;
 * - `GET /_local/dlqs/{name}/messages`: the messages of one, left in place;
 * - `POST /_local/dlqs/{name}/redrive` `{ to?, dryRun?, max? }`: moves them back;
 * - `GET /_local/alerts?limit=`: the latest alerts (what SNS would mail on AWS), newest first;
 * - `GET /_local/files?limit=`: the batch files' history records, newest first;
 * - `GET /_local/inbox`: the inbox folder (where `orderflow ingest --endpoint` puts a file).
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
        requireMethod(method, "GET");
        const page = await backend.fileHistory.list({ limit: limitOf(request) });
        return jsonResponse(200, { files: page.items });
      }
      case "inbox":
        requireMethod(method, "GET");
        return jsonResponse(200, { inbox: options.inbox });
    }
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
    "no such operator route; see GET /_local/queues, /_local/dlqs, /_local/alerts, /_local/files, /_local/inbox",
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

function requireMethod(method: string, allowed: string): void {
  if (method === "HEAD" && allowed === "GET") return;
  if (method !== allowed) {
    throw new HttpRequestError(405, "METHOD_NOT_ALLOWED", `use ${allowed}`, undefined, { Allow: allowed });
  }
}
