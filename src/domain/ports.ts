import type { Product } from "./business-rules.js";
import type { OrderEvent, OrderflowEvent } from "./events.js";
import type { OrderStatus } from "./lifecycle.js";
import type { MetricCounters, MetricsGranularity, StoredMetricsBucket } from "./metrics.js";
import type {
  AcceptedNotification,
  Notification,
  NotificationPriority,
  NotificationStatusChange,
} from "./notification.js";
import type { Order, OrderSnapshot } from "./order.js";
import type { Page, PageRequest } from "./paging.js";
import type { StoreSettings } from "./store-settings.js";

/**
 * The ports the use cases call, declared once, in the domain's words: the
 * domain depends on nothing outside itself, so what it needs from outside is
 * written here. `src/ports` gives each its DI token (and holds the ports no use
 * case calls, such as the logger); every adapter implements these interfaces
 * as they are. The errors named by `@throws` are the ports' (`src/ports/errors.ts`):
 * use cases recognise them by their `code`.
 */

// ─── Orders ─────────────────────────────────────────────────────────────────

/** An order as stored, with the events it recorded that are not yet known to be published. */
export interface StoredOrder {
  readonly order: Order;
  /** The transactional outbox: saved in the same write as the state, removed once published. */
  readonly outbox: readonly OrderEvent[];
}

/**
 * Orders, written with optimistic concurrency. The outbox lives in the order's
 * own record, so a state change and the events it causes are one atomic write
 * on every backend (no cross-item transaction needed).
 */
export interface OrderRepository {
  get(orderId: string): Promise<StoredOrder | undefined>;

  /**
   * Writes the order's state and appends its recorded (not yet pulled) events to
   * the outbox, in one write that succeeds only if the stored version is still
   * `expectedVersion` (0: the order must not exist yet).
   * @throws ConcurrencyError (`CONCURRENCY_CONFLICT`) when another writer got there first.
   */
  save(order: Order, expectedVersion: number): Promise<void>;

  /** Removes published events from the outbox. Idempotent; never changes the order's version. */
  markPublished(orderId: string, eventIds: readonly string[]): Promise<void>;

  /** Orders of one customer, newest first. */
  listByCustomer(customerId: string, page?: PageRequest): Promise<Page<OrderSnapshot>>;

  /** Orders currently in one status, oldest update first (what an operator sweeps). */
  listByStatus(status: OrderStatus, page?: PageRequest): Promise<Page<OrderSnapshot>>;

  /**
   * How many orders are in `status`, counted up to `atMost` when given (a
   * capacity check needs no more): keys only, never the orders themselves.
   */
  countByStatus(status: OrderStatus, options?: { readonly atMost?: number }): Promise<number>;
}

/**
 * Publishes events to the bus that routes them to the queues of the flows.
 * Delivery is at least once: an event may be published twice (after a crash),
 * always with the same `id`.
 */
export interface EventBus {
  /**
   * @throws DeliveryError whose `failures` name (by `id`) every event that
   * could not be published, so that the others are not published again.
   */
  publish(events: readonly OrderflowEvent[]): Promise<void>;
}

/** The products business validation checks orders against (`GET /products`). */
export interface ProductCatalog {
  /** The catalog entries of these SKUs; unknown SKUs are absent from the map. */
  getProducts(skus: readonly string[]): Promise<ReadonlyMap<string, Product>>;
  listProducts(): Promise<readonly Product[]>;
}

// ─── Payment ────────────────────────────────────────────────────────────────

export interface ChargeRequest {
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
  /** The same key always yields the same outcome and charges at most once. */
  readonly idempotencyKey: string;
}

export type ChargeResult =
  | { readonly status: "SUCCEEDED"; readonly paymentId: string }
  | { readonly status: "DECLINED"; readonly reason: string };

export interface RefundRequest {
  readonly orderId: string;
  readonly paymentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly idempotencyKey: string;
}

/** Takes money. A decline is an outcome; an outage is a thrown error, so the message is retried. */
export interface PaymentGateway {
  /** @throws ServiceUnavailableError when the provider cannot be reached. */
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /**
   * Gives back (part of) a payment. The same key refunds at most once and
   * answers the same refund id again.
   * @throws ServiceUnavailableError when the provider cannot be reached (a retry may succeed).
   * @throws an error with code `REFUND_REFUSED` (`RefundRefusedError`) when the provider refuses for good.
   */
  refund(request: RefundRequest): Promise<{ readonly refundId: string }>;
}

// ─── Time and ids ───────────────────────────────────────────────────────────

export interface Clock {
  now(): Date;
  /**
   * Now, in milliseconds since the epoch, without making a Date: what adapters
   * that only store or compare times call, many times per message. Optional;
   * when present it must agree with `now()`.
   */
  epochMs?(): number;
}

/** New unique ids (order ids when the client gives none, command ids). */
export interface IdGenerator {
  /** A new unique id matching `[A-Za-z0-9_-]{1,64}`. */
  next(): string;
}

// ─── Messaging ──────────────────────────────────────────────────────────────

/** A message to put on a queue. */
export interface QueueMessage {
  /** Identifies the message within one `send` call (and in errors). Defaults to its index. */
  readonly id?: string | undefined;
  readonly body: string;
  /** FIFO queues: messages of one group are delivered in order, one at a time. */
  readonly groupId?: string | undefined;
  /** FIFO queues: a second message with the same id within 5 minutes is dropped. */
  readonly deduplicationId?: string | undefined;
  /** String attributes a consumer (or a filter) can read without parsing the body. */
  readonly attributes?: Readonly<Record<string, string>> | undefined;
  readonly delaySeconds?: number | undefined;
}

/**
 * Sends commands to a queue. Implementations batch as the service allows and
 * retry only the entries that failed.
 */
export interface CommandQueue {
  /** Name of the queue, for logs and errors. */
  readonly name: string;
  /** @throws DeliveryError naming every message that could not be sent. */
  send(messages: readonly QueueMessage[]): Promise<void>;
}

export type AlertSeverity = "INFO" | "WARNING" | "ERROR";

/** A message for operators (a rejected file, a stuck order). */
export interface Alert {
  /** What kind of alert this is, e.g. `FILE_REJECTED`; subscriptions filter on it. */
  readonly kind: string;
  readonly severity: AlertSeverity;
  /** One line, fewer than 100 characters (an e-mail subject; SNS refuses longer). */
  readonly subject: string;
  readonly message: string;
  /** Extra string attributes subscriptions can filter on. */
  readonly attributes?: Readonly<Record<string, string>> | undefined;
}

export interface AlertPublisher {
  publish(alerts: readonly Alert[]): Promise<void>;
}

// ─── Files ──────────────────────────────────────────────────────────────────

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly versionId?: string | undefined;
  readonly lastModified: Date;
  readonly contentType?: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
}

/** An object whose content is read as a stream: never buffered whole. */
export interface ObjectContent extends ObjectInfo {
  readonly body: AsyncIterable<Uint8Array>;
}

export interface PutOptions {
  readonly contentType?: string | undefined;
  readonly metadata?: Readonly<Record<string, string>> | undefined;
}

export interface GetOptions {
  /** Reads from this byte offset to the end (to resume a partly processed file). */
  readonly fromByte?: number | undefined;
}

/** Files (batch order files). Keys are `/`-separated paths such as `incoming/orders.jsonl`. */
export interface ObjectStore {
  /** @returns undefined when the object does not exist. */
  get(key: string, options?: GetOptions): Promise<ObjectContent | undefined>;
  head(key: string): Promise<ObjectInfo | undefined>;
  put(
    key: string,
    body: Uint8Array | string | AsyncIterable<Uint8Array>,
    options?: PutOptions,
  ): Promise<{ etag: string; versionId?: string | undefined }>;
  /** @throws ObjectNotFoundError when `from` does not exist. */
  copy(from: string, to: string): Promise<void>;
  /** Copy then delete; @throws ObjectNotFoundError when `from` does not exist. */
  move(from: string, to: string): Promise<void>;
  /** Deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  list(prefix: string, page?: PageRequest): Promise<Page<ObjectInfo>>;
}

export type FileStatus = "VALIDATING" | "VALID" | "PARTIALLY_VALID" | "REJECTED" | "EXTRACTING" | "EXTRACTED";

export interface FileError {
  /** Index of the order in the file (0-based), absent for a file-level error. */
  readonly index?: number | undefined;
  readonly path: string;
  readonly message: string;
}

/** One record per version of each file that reached the pipeline. */
export interface FileRecord {
  readonly fileKey: string;
  /** The object version id, or its ETag when the bucket is not versioned. */
  readonly fileVersion: string;
  readonly status: FileStatus;
  readonly format?: "json" | "jsonl" | undefined;
  readonly size?: number | undefined;
  readonly counts: { readonly total: number; readonly valid: number; readonly invalid: number };
  /** The first errors found (bounded), each with the order index and field path. */
  readonly errors: readonly FileError[];
  readonly startedAt: string;
  readonly finishedAt?: string | undefined;
  /** Extraction progress, so a long file continues where it stopped. */
  readonly checkpoint?:
    | { readonly byteOffset: number; readonly index: number; readonly sent: number }
    | undefined;
  /** Incremented by every write; updates are conditional on it. */
  readonly revision: number;
  readonly location?: string | undefined;
}

export interface FileHistory {
  get(fileKey: string, fileVersion: string): Promise<FileRecord | undefined>;
  /**
   * Creates the record (revision 1) unless one exists for this file version.
   * @returns false when it already existed (a duplicate notification).
   */
  create(record: Omit<FileRecord, "revision">): Promise<boolean>;
  /**
   * Replaces the record if its stored revision is still `record.revision - 1`.
   * @throws ConcurrencyError otherwise.
   */
  update(record: FileRecord): Promise<void>;
  list(page?: PageRequest): Promise<Page<FileRecord>>;
}

// ─── The store ──────────────────────────────────────────────────────────────

/**
 * The store's settings, one record. Each change sets only the fields it
 * names (two operators changing different fields both win).
 */
export interface StoreSettingsRepository {
  /** The settings, or `DEFAULT_STORE_SETTINGS` when none were ever set. */
  get(): Promise<StoreSettings>;
  /** Applies `change` and answers the settings after it. */
  update(change: Partial<StoreSettings>): Promise<StoreSettings>;
}

/**
 * The task token of each order's fulfilment wait: saved when the workflow
 * starts waiting, taken when the operator fulfils the order (the token then
 * completes the wait). Taking is atomic: of two fulfils, one gets the token.
 */
export interface TaskTokenStore {
  /** Keeps `token` for the order, in place of any earlier one (a retried wait has a new token). */
  save(orderId: string, token: string, options: { readonly expiresAt: Date }): Promise<void>;
  /** The order's token, removed; undefined when none is kept (never saved, taken, or expired). */
  take(orderId: string): Promise<string | undefined>;
}

/**
 * The order workflow's executions, one per order, as the orchestrator runs
 * them (Step Functions on AWS, the definition in process locally).
 */
export interface OrderWorkflows {
  /** Starts the order's execution, named by the order id, unless it has one (a duplicate start starts nothing). */
  start(orderId: string, correlationId: string): Promise<void>;
  /**
   * Ends the fulfilment wait that `taskToken` names, so the execution goes on.
   * @returns false when that wait is over already (completed, or timed out).
   */
  completeFulfilment(taskToken: string): Promise<boolean>;
}

// ─── Notifications ──────────────────────────────────────────────────────────

/** A listing of one user's notifications, optionally of one priority only. */
export interface UserNotificationsQuery extends PageRequest {
  readonly priority?: NotificationPriority | undefined;
}

/**
 * Notifications, keyed by id, listed by user and by priority, newest first
 * (`createdAt`, then id, descending). Every write is conditional, so an at
 * least once delivery stores one record and a status never moves backwards.
 * Listings take `limit` 1–100 (more is capped at 100) and answer an opaque
 * `nextToken` that only the same listing accepts.
 */
export interface NotificationStore {
  /**
   * Stores the notification unless one with its id exists.
   * @returns `created: false` and the stored notification, unchanged, when it existed (a duplicate).
   */
  create(
    notification: Notification,
  ): Promise<{ readonly created: boolean; readonly notification: Notification }>;

  get(notificationId: string): Promise<Notification | undefined>;

  /**
   * Applies `change` only if the stored status may move to `change.to`
   * (`NOTIFICATION_TRANSITIONS`): a conditional write, so of two racing
   * writers one wins and a late redelivery changes nothing.
   * @returns false when it was not applied (the status had moved on, or the id is unknown).
   */
  changeStatus(notificationId: string, change: NotificationStatusChange): Promise<boolean>;

  /** @throws InvalidCursorError (`INVALID_CURSOR`) for a `nextToken` this listing did not issue. */
  listByUser(userId: string, query?: UserNotificationsQuery): Promise<Page<Notification>>;

  /** Every user's notifications of one priority. @throws InvalidCursorError as {@link listByUser}. */
  listByPriority(priority: NotificationPriority, page?: PageRequest): Promise<Page<Notification>>;
}

/**
 * Publishes accepted notifications to the consumers, with their priority as an
 * attribute subscribers filter on (one queue per priority). At least once: a
 * notification may be published twice, always with the same id.
 */
export interface NotificationPublisher {
  /**
   * Publishes each notification (a burst in as few calls as the technology allows).
   * @throws DeliveryError naming by index the notifications that were not
   * published (`retryable` says whether trying again may help); the others were.
   */
  publish(notifications: readonly AcceptedNotification[]): Promise<void>;
}

/** Delivers a notification to its user (a log line, an e-mail, …). */
export interface NotificationChannel {
  /** The channel's name, stored with each notification it delivers (e.g. `log`). */
  readonly name: string;
  /**
   * Delivers one notification. At least once: after a crash it may be asked
   * again for a notification it delivered.
   * @throws a PortError with `retryable: false` (e.g. DeliveryError) when the
   * notification can never be delivered; any other error is transient.
   */
  deliver(notification: Notification): Promise<void>;
}

// ─── Business metrics ───────────────────────────────────────────────────────

/** Buckets of one granularity whose start lies in `[from, to)` (ISO 8601 times). */
export interface MetricsQuery {
  readonly from: string;
  readonly to: string;
  readonly granularity: MetricsGranularity;
}

/**
 * Business metrics aggregated per hour and per day (UTC), each event **counted
 * once**: the store applies an event's counters to its hour and its day
 * bucket exactly once per event id, however often, however concurrently and
 * after whatever crash it is asked again.
 */
export interface MetricsStore {
  /**
   * Adds `counters` to the hour and the day buckets of `at`, unless the event
   * `eventId` was applied to them already (each bucket checks for itself, so a
   * retry after a crash between the two completes the one that is missing).
   * @returns true when it added to at least one bucket, false for a duplicate.
   * @throws ServiceUnavailableError when the store cannot be reached; retrying is safe.
   */
  record(eventId: string, at: string, counters: MetricCounters): Promise<boolean>;

  /** The non-empty buckets of the query, oldest first. */
  query(query: MetricsQuery): Promise<StoredMetricsBucket[]>;
}
