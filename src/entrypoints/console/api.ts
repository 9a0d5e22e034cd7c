/**
 * The console's only way out: same-origin calls to the public HTTP API and the
 * local runner's operator routes (`/_local/`), answered as JSON. A refusal
 * becomes an {@link ApiError} with the contract's code, message and issues.
 */

export interface Issue {
  readonly path: string;
  readonly message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: readonly Issue[] = [],
  ) {
    super(message);
  }
}

export interface CallOptions {
  readonly body?: unknown;
  /** Sent as is (a batch file's bytes) instead of JSON. */
  readonly raw?: { readonly text: string; readonly contentType: string };
  readonly idempotencyKey?: string;
}

export async function call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  let body: string | undefined;
  if (options.raw) {
    headers["Content-Type"] = options.raw.contentType;
    body = options.raw.text;
  } else if (method !== "GET") {
    // Every write says JSON, even without a body: the runner refuses operator writes that do not.
    headers["Content-Type"] = "application/json";
    body = options.body === undefined ? undefined : JSON.stringify(options.body);
  }
  if (options.idempotencyKey) headers["Idempotency-Key"] = options.idempotencyKey;
  const response = await fetch(path, { method, headers, body, credentials: "same-origin" });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string; issues?: Issue[] } } | undefined)
      ?.error;
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? response.statusText,
      error?.issues,
    );
  }
  return json as T;
}

export const get = <T>(path: string) => call<T>("GET", path);

/** `/a/b?x=1`: each part percent-encoded, empty query values left out. */
export function path(
  parts: readonly string[],
  query: Record<string, string | number | undefined> = {},
): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query))
    if (value !== undefined && value !== "") search.set(name, String(value));
  const text = search.toString();
  return `/${parts.map(encodeURIComponent).join("/")}${text ? `?${text}` : ""}`;
}

// ── The contract's shapes, as far as the console reads them ────────────────

export interface Product {
  readonly sku: string;
  readonly unitPrice: number;
  readonly currency: string;
  readonly stock: number;
}

export interface OrderLine {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

export interface Address {
  readonly line1: string;
  readonly city: string;
  readonly postalCode: string;
  readonly country: string;
}

export interface Order {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly items: readonly OrderLine[];
  readonly total: number;
  readonly status: string;
  readonly version: number;
  readonly shippingAddress: Address;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly reasons?: readonly { readonly code?: string; readonly path?: string; readonly message: string }[];
  readonly cancellation?: { readonly reason: string; readonly previousStatus: string };
  readonly refund?: { readonly amount: number; readonly currency: string; readonly status: string };
  readonly lastRejectedRequest?: {
    readonly request: "cancel" | "modify";
    readonly reasons: readonly { readonly code?: string; readonly message: string }[];
    readonly at: string;
  };
}

export interface OrderEvent {
  readonly id: string;
  readonly type: string;
  readonly orderId: string;
  readonly occurredAt: string;
  readonly correlationId?: string;
  readonly data?: Record<string, unknown>;
}

export interface Notification {
  readonly notificationId: string;
  readonly userId: string;
  readonly message: string;
  readonly priority: string;
  readonly status: string;
  readonly createdAt: string;
  readonly orderId?: string;
}

export interface FileRecord {
  readonly fileKey: string;
  readonly fileVersion: string;
  readonly status: string;
  readonly counts: { readonly total: number; readonly valid: number; readonly invalid: number };
  readonly errors: readonly { readonly index?: number; readonly path?: string; readonly message: string }[];
  readonly startedAt: string;
}

export interface DeadLetterQueue {
  readonly name: string;
  readonly messages: number;
  readonly source?: string;
}

export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
  readonly receiveCount: number;
  readonly sentAt: string;
  readonly deadLetteredFrom?: string;
}

export interface Alert {
  readonly kind: string;
  readonly severity: string;
  readonly subject: string;
  readonly message: string;
  readonly raisedAt: string;
}

export interface Store {
  readonly open: boolean;
  readonly capacity: number;
  readonly awaitingFulfilment: number;
}

export interface MetricsBucket {
  readonly start: string;
  readonly orders: Readonly<Record<string, number>>;
  readonly revenue: Readonly<Record<string, number>>;
}
