import type { OrderView } from "../../domain/use-cases/get-order.js";

/** A failure the CLI reports in one line (plus details), with the exit code to use. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    readonly details: readonly string[] = [],
    /** The API's error code, when the failure is an HTTP error answer; `UNREACHABLE` when no answer came. */
    readonly code?: string,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** A dead-lettered message as the CLI prints it, wherever it came from. */
export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
  readonly groupId?: string | undefined;
  readonly deduplicationId?: string | undefined;
  readonly receiveCount?: number | undefined;
  readonly sentAt?: string | undefined;
  /** Where a redrive sends it. */
  readonly destination?: string | undefined;
}

export interface DeadLetterQueueSummary {
  readonly name: string;
  readonly messages: number;
  readonly source?: string | undefined;
}

export interface RedriveRequest {
  readonly to?: string | undefined;
  readonly dryRun: boolean;
  readonly max?: number | undefined;
  readonly keepDeduplicationId?: boolean | undefined;
}

export interface RedriveResult {
  readonly dryRun: boolean;
  /** The messages a dry run would move (what a real run moved is only counted). */
  readonly messages: readonly DeadLetter[];
  readonly moved: number;
  readonly failures: readonly { readonly messageId: string; readonly reason: string }[];
}

export interface HealthResult {
  readonly healthy: boolean;
  readonly lines: readonly string[];
  readonly details: unknown;
}

/** What the CLI commands need, from the local runner (HTTP) or from AWS (SDK). */
export interface OperatorBackend {
  getOrder(orderId: string): Promise<OrderView>;
  placeOrder(body: unknown, idempotencyKey?: string): Promise<unknown>;
  cancelOrder(orderId: string, reason: string): Promise<unknown>;
  modifyOrder(orderId: string, changes: unknown): Promise<unknown>;
  listProducts(): Promise<{ readonly products: readonly Record<string, unknown>[] }>;
  /** `POST /orders/{id}/fulfil`. */
  fulfilOrder(orderId: string): Promise<unknown>;
  /** `GET /store`, or `PUT /store` with `change`. */
  store(change?: { readonly open?: boolean; readonly capacity?: number }): Promise<unknown>;
  /** `POST /notifications`. */
  notify(body: unknown, idempotencyKey?: string): Promise<unknown>;
  /** `GET /users/{userId}/notifications`: one page. */
  listNotifications(userId: string, query: NotificationListQuery): Promise<NotificationPage>;
  /** `GET /metrics`: the business metrics of a range. */
  metrics(query: {
    readonly from: string;
    readonly to: string;
    readonly granularity: string;
  }): Promise<{ readonly buckets: readonly Record<string, unknown>[] }>;
  health(): Promise<HealthResult>;
  listDeadLetterQueues(): Promise<readonly DeadLetterQueueSummary[]>;
  peekDeadLetters(queue: string, max?: number): Promise<readonly DeadLetter[]>;
  redrive(queue: string, request: RedriveRequest): Promise<RedriveResult>;
  close(): void;
}

export interface NotificationListQuery {
  readonly priority?: string | undefined;
  readonly limit?: number | undefined;
  readonly cursor?: string | undefined;
}

export interface NotificationPage {
  readonly notifications: readonly Record<string, unknown>[];
  readonly nextCursor?: string | undefined;
}
