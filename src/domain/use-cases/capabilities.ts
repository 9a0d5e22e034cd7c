import type { Product } from "../business-rules.js";
import type { OrderEvent, OrderflowEvent } from "../events.js";
import type { Order } from "../order.js";

/**
 * What the use cases need from the outside world, in the domain's words and no
 * more. The ports in `src/ports` extend these interfaces (and add what adapters
 * and operators need), so the domain depends on nothing outside itself while
 * every port adapter is usable by the use cases as it is.
 */

/** An order as stored, with the events it recorded that are not yet known to be published. */
export interface StoredOrder {
  readonly order: Order;
  /** The transactional outbox: saved in the same write as the state, removed once published. */
  readonly outbox: readonly OrderEvent[];
}

export interface OrderStore {
  get(orderId: string): Promise<StoredOrder | undefined>;
  /**
   * Writes the order's state and appends its recorded (not yet pulled) events to
   * the outbox in one write that succeeds only if the stored version is still
   * `expectedVersion` (0: the order must not exist yet); otherwise it throws an
   * error whose `code` is `CONCURRENCY_CONFLICT`.
   */
  save(order: Order, expectedVersion: number): Promise<void>;
  /** Removes published events from the outbox. Idempotent; never changes the order's version. */
  markPublished(orderId: string, eventIds: readonly string[]): Promise<void>;
}

export interface EventPublisher {
  /**
   * At least once: a retry may publish an event twice, always with the same
   * `id`. When only some events could be published it throws an error whose
   * `failures` lists the ids of those that were not (`{ id }[]`, as the ports'
   * `DeliveryError` does), so that the others are not published again.
   */
  publish(events: readonly OrderflowEvent[]): Promise<void>;
}

/** The ids an {@link EventPublisher} reports as not published, when its error lists them. */
export function unpublishedIds(error: unknown): ReadonlySet<string> | undefined {
  const failures = (error as { failures?: unknown } | null | undefined)?.failures;
  if (!Array.isArray(failures)) return undefined;
  const ids = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { id?: unknown } | null | undefined)?.id;
    if (typeof id !== "string") return undefined;
    ids.add(id);
  }
  return ids;
}

export interface CatalogReader {
  /** The catalog entries of these SKUs; unknown SKUs are absent from the map. */
  getProducts(skus: readonly string[]): Promise<ReadonlyMap<string, Product>>;
}

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

export interface PaymentCharger {
  /** A decline is an outcome; an outage is a thrown error, so the message is retried. */
  charge(request: ChargeRequest): Promise<ChargeResult>;
}

export interface TimeSource {
  now(): Date;
}

export interface IdSource {
  /** A new unique id matching `[A-Za-z0-9_-]{1,64}`. */
  next(): string;
}
