import { describeError, type Issue, OrderflowError } from "../../domain/errors.js";
import type { Logger } from "../../ports/logger.js";
import type { HttpResponse } from "./http-types.js";

/** One problem of the request, as the public contract shows it. */
export interface HttpIssue {
  readonly path: string;
  readonly message: string;
  readonly code?: string;
}

/** The error body of every non-2xx answer: `{ "error": { code, message, issues? } }`. */
export interface HttpErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly issues?: readonly HttpIssue[];
  };
}

/**
 * A request the HTTP layer refuses before (or instead of) calling the API:
 * a bad header, an oversized or non-JSON body, an unknown route.
 */
export class HttpRequestError extends OrderflowError {
  readonly code: string;

  constructor(
    readonly statusCode: number,
    code: string,
    message: string,
    readonly issues?: readonly HttpIssue[],
    /** Extra response headers (`Allow`, `Retry-After`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message, { details: { statusCode, ...(issues ? { issues } : {}) } });
    this.code = code;
  }
}

/** Status codes of the error codes the API raises; anything else is a 500 unless retryable (503). */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  VALIDATION_FAILED: 400,
  ORDER_NOT_FOUND: 404,
  NOTIFICATION_NOT_FOUND: 404,
  INVALID_CURSOR: 400,
  FORBIDDEN: 403,
  ORDER_ALREADY_EXISTS: 409,
  IDEMPOTENCY_KEY_CONFLICT: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  ILLEGAL_TRANSITION: 409,
};

export const JSON_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": "application/json; charset=utf-8",
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
};

/** A JSON answer with the headers every answer carries. */
export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): HttpResponse {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** An answer in the contract's error shape. */
export function errorResponse(
  statusCode: number,
  code: string,
  message: string,
  issues?: readonly HttpIssue[],
  headers: Readonly<Record<string, string>> = {},
): HttpResponse {
  const body: HttpErrorBody = { error: { code, message, ...(issues ? { issues } : {}) } };
  return jsonResponse(statusCode, body, headers);
}

/**
 * Maps what an API call threw to an answer. Known codes keep their message (it
 * was written for clients); anything unexpected becomes a 500 whose message
 * reveals nothing, and is logged with its details.
 */
export function errorToResponse(error: unknown, logger?: Logger): HttpResponse {
  if (error instanceof HttpRequestError) {
    return errorResponse(error.statusCode, error.code, error.message, error.issues, error.headers);
  }
  const coded = error as { code?: unknown; message?: unknown; issues?: unknown; retryable?: unknown } | null;
  const code = typeof coded?.code === "string" ? coded.code : undefined;
  const message = typeof coded?.message === "string" ? coded.message : "request failed";
  const status = code === undefined ? undefined : STATUS_BY_CODE[code];
  if (status !== undefined) {
    // Every 400 names the fields at fault (a cursor's error names the cursor).
    const issues = status === 400 ? toHttpIssues(coded?.issues) : undefined;
    const headers: Record<string, string> = code === "IDEMPOTENCY_IN_PROGRESS" ? { "Retry-After": "1" } : {};
    return errorResponse(status, code!, message, issues, headers);
  }
  if (coded?.retryable === true) {
    logger?.warn("request failed on a temporary error", { error: describeError(error) });
    return errorResponse(
      503,
      "SERVICE_UNAVAILABLE",
      "the service is temporarily unavailable; try again",
      undefined,
      {
        "Retry-After": "1",
      },
    );
  }
  logger?.error("request failed on an unexpected error", { error: describeError(error) });
  return errorResponse(500, "INTERNAL_ERROR", "the request could not be completed");
}

function toHttpIssues(issues: unknown): HttpIssue[] {
  if (!Array.isArray(issues)) return [];
  return (issues as Issue[]).map((issue) => ({
    path: String(issue.path),
    message: String(issue.message),
    ...(typeof issue.code === "string" ? { code: issue.code } : {}),
  }));
}
