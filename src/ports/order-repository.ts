import type { OrderStatus } from "../domain/lifecycle.js";
import type { Order, OrderSnapshot } from "../domain/order.js";
import type { OrderStore, StoredOrder } from "../domain/use-cases/capabilities.js";
import { token } from "./token.js";

export type { StoredOrder };

export interface PageRequest {
  /** At most this many items (adapters may cap it). */
  readonly limit?: number;
  /** The `nextToken` of the previous page. */
  readonly nextToken?: string | undefined;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Present when more items follow. */
  readonly nextToken?: string | undefined;
}

/**
 * Orders, written with optimistic concurrency. The outbox lives in the order's
 * own record, so a state change and the events it causes are one atomic write
 * on every backend (no cross-item transaction needed).
 */
export interface OrderRepository extends OrderStore {
  get(orderId: string): Promise<StoredOrder | undefined>;

  /**
   * Writes the order's state and appends its recorded (not yet pulled) events to
   * the outbox, in one write that succeeds only if the stored version is still
   * `expectedVersion` (0: the order must not exist yet).
   * @throws ConcurrencyError when another writer got there first.
   */
  save(order: Order, expectedVersion: number): Promise<void>;

  /** Removes published events from the outbox. Idempotent; never changes the order's version. */
  markPublished(orderId: string, eventIds: readonly string[]): Promise<void>;

  /** Orders of one customer, newest first. */
  listByCustomer(customerId: string, page?: PageRequest): Promise<Page<OrderSnapshot>>;

  /** Orders currently in one status, oldest update first (what an operator sweeps). */
  listByStatus(status: OrderStatus, page?: PageRequest): Promise<Page<OrderSnapshot>>;
}

export const ORDER_REPOSITORY = token<OrderRepository>("OrderRepository");
