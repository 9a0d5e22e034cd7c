import type { OrderView } from "../../domain/use-cases/get-order.js";
import type { FileRecord } from "../../ports/file-history.js";
import {
  CliError,
  type DeadLetter,
  type DeadLetterQueueSummary,
  type HealthResult,
  type NotificationListQuery,
  type NotificationPage,
  type OperatorBackend,
  type RedriveRequest,
  type RedriveResult,
} from "./backends.js";

interface ErrorBody {
  readonly error?: {
    readonly code?: string;
    readonly message?: string;
    readonly issues?: readonly { path: string; message: string }[];
  };
}

const INGEST_NEEDS_A_RUNNER =
  "ingest --endpoint needs the local runner's GET /_local/inbox (an API Gateway stage has no inbox: " +
  "upload the file to the bucket's incoming/ prefix)";

/**
 * The CLI against an orderflow HTTP API: the local runner (every command, DLQ
 * commands through its `/_local/` routes) or an API Gateway stage URL (the
 * public routes only).
 */
export class HttpOperatorBackend implements OperatorBackend {
  private readonly base: string;

  constructor(
    endpoint: string,
    private readonly fetchFn: typeof fetch = fetch,
  ) {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      throw new CliError(`--endpoint must be a URL such as http://127.0.0.1:3000, got ${endpoint}`, 2);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new CliError(`--endpoint must be an http(s) URL, got ${endpoint}`, 2);
    }
    this.base = url.href.replace(/\/+$/, "");
  }

  getOrder(orderId: string): Promise<OrderView> {
    return this.call("GET", `/orders/${encodeURIComponent(orderId)}`) as Promise<OrderView>;
  }

  placeOrder(body: unknown, idempotencyKey?: string): Promise<unknown> {
    return this.call("POST", "/orders", body, idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {});
  }

  cancelOrder(orderId: string, reason: string): Promise<unknown> {
    return this.call("POST", `/orders/${encodeURIComponent(orderId)}/cancel`, { reason });
  }

  modifyOrder(orderId: string, changes: unknown): Promise<unknown> {
    return this.call("PATCH", `/orders/${encodeURIComponent(orderId)}`, changes);
  }

  fulfilOrder(orderId: string): Promise<unknown> {
    return this.call("POST", `/orders/${encodeURIComponent(orderId)}/fulfil`);
  }

  store(change?: { readonly open?: boolean; readonly capacity?: number }): Promise<unknown> {
    return change === undefined ? this.call("GET", "/store") : this.call("PUT", "/store", change);
  }

  notify(body: unknown, idempotencyKey?: string): Promise<unknown> {
    return this.call(
      "POST",
      "/notifications",
      body,
      idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {},
    );
  }

  listNotifications(userId: string, query: NotificationListQuery): Promise<NotificationPage> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query))
      if (value !== undefined) params.set(name, String(value));
    const search = params.size > 0 ? `?${params}` : "";
    return this.call(
      "GET",
      `/users/${encodeURIComponent(userId)}/notifications${search}`,
    ) as Promise<NotificationPage>;
  }

  metrics(query: { from: string; to: string; granularity: string }) {
    return this.call("GET", `/metrics?${new URLSearchParams(query)}`) as Promise<{
      buckets: Record<string, unknown>[];
    }>;
  }

  listProducts() {
    return this.call("GET", "/products") as Promise<{ products: Record<string, unknown>[] }>;
  }

  async health(): Promise<HealthResult> {
    const health = await this.call("GET", "/health");
    const lines = [`${this.base}/health: ${JSON.stringify(health)}`];
    let queues: unknown;
    let healthy = true;
    try {
      const local = (await this.call("GET", "/_local/queues")) as {
        queues: {
          name: string;
          visible: number;
          inFlight: number;
          deadLetterQueue: string;
          deadLettered: number;
        }[];
      };
      queues = local.queues;
      for (const q of local.queues) {
        lines.push(
          `${q.name}: ${q.visible} waiting, ${q.inFlight} in flight; ${q.deadLetterQueue}: ${q.deadLettered}`,
        );
        if (q.deadLettered > 0) healthy = false;
      }
      // Every other dead-letter queue too: the file flows', the notification queues', the bus rules'.
      const shown = new Set(local.queues.map((q) => q.deadLetterQueue));
      for (const dlq of await this.listDeadLetterQueues()) {
        if (shown.has(dlq.name) || dlq.messages === 0) continue;
        lines.push(`${dlq.name}: ${dlq.messages}`);
        healthy = false;
      }
    } catch (error) {
      // An API Gateway endpoint has no operator routes: its /health is all there is.
      if (!(error instanceof CliError && error.code === "ROUTE_NOT_FOUND")) throw error;
    }
    if (!healthy) lines.push("dead-letter queues hold messages: see `orderflow dlq list`");
    return { healthy, lines, details: { health, queues } };
  }

  async listDeadLetterQueues(): Promise<readonly DeadLetterQueueSummary[]> {
    const out = (await this.operator("GET", "/_local/dlqs")) as {
      deadLetterQueues: DeadLetterQueueSummary[];
    };
    return out.deadLetterQueues;
  }

  async peekDeadLetters(queue: string, max?: number): Promise<readonly DeadLetter[]> {
    const out = (await this.operator("GET", `/_local/dlqs/${encodeURIComponent(queue)}/messages`)) as {
      messages: (DeadLetter & { deadLetteredFrom?: string })[];
    };
    return out.messages
      .slice(0, max ?? Number.POSITIVE_INFINITY)
      .map((m) => ({ ...m, destination: m.deadLetteredFrom }));
  }

  async redrive(queue: string, request: RedriveRequest): Promise<RedriveResult> {
    const out = (await this.operator("POST", `/_local/dlqs/${encodeURIComponent(queue)}/redrive`, {
      ...(request.to ? { to: request.to } : {}),
      dryRun: request.dryRun,
      ...(request.max ? { max: request.max } : {}),
    })) as { dryRun: boolean; moved?: number; messages?: DeadLetter[] };
    return { dryRun: out.dryRun, moved: out.moved ?? 0, messages: out.messages ?? [], failures: [] };
  }

  /** `GET /_local/inbox`: the absolute path of the runner's inbox folder (local runner only). */
  async inbox(): Promise<string> {
    const out = (await this.operator("GET", "/_local/inbox", undefined, INGEST_NEEDS_A_RUNNER)) as {
      inbox?: unknown;
    };
    if (typeof out?.inbox !== "string") throw new CliError(`GET /_local/inbox: no inbox in the answer`);
    return out.inbox;
  }

  /** `GET /_local/files?limit=`: the batch files' history records, newest first (local runner only). */
  async files(limit: number): Promise<readonly FileRecord[]> {
    const out = (await this.operator(
      "GET",
      `/_local/files?limit=${limit}`,
      undefined,
      INGEST_NEEDS_A_RUNNER,
    )) as {
      files: FileRecord[];
    };
    return out.files;
  }

  close(): void {}

  private async operator(
    method: string,
    path: string,
    body?: unknown,
    notARunner = "dead-letter commands work on the runner, or on AWS without --endpoint",
  ): Promise<unknown> {
    try {
      return await this.call(method, path, body);
    } catch (error) {
      if (error instanceof CliError && error.code === "ROUTE_NOT_FOUND") {
        throw new CliError(`${this.base} is not a local runner: ${notARunner}`);
      }
      throw error;
    }
  }

  private async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<unknown> {
    let response: Response;
    try {
      response = await this.fetchFn(`${this.base}${path}`, {
        method,
        headers: {
          Accept: "application/json",
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new CliError(
        `cannot reach ${this.base}${cause ? ` (${cause})` : ""}; is the local runner started (npm start)?`,
        1,
        [],
        "UNREACHABLE",
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      throw new CliError(
        `${method} ${path}: ${response.status}, and the answer is not JSON: ${text.slice(0, 200)}`,
      );
    }
    if (!response.ok) {
      const error = (json as ErrorBody | undefined)?.error;
      throw new CliError(
        `${method} ${path}: ${response.status} ${error?.code ?? ""}: ${error?.message ?? response.statusText}`,
        1,
        (error?.issues ?? []).map((issue) => `${issue.path || "(body)"}: ${issue.message}`),
        error?.code,
      );
    }
    return json;
  }
}
