import type { OrderEvent } from "../../domain/events.js";
import type { OrderStatus } from "../../domain/lifecycle.js";
import type { OrderSnapshot } from "../../domain/order.js";
import { Order } from "../../domain/order.js";
import { ConcurrencyError } from "../../ports/errors.js";
import type { OrderRepository, StoredOrder } from "../../ports/order-repository.js";
import type { Page, PageRequest } from "../../ports/paging.js";
import { paginate } from "./paging.js";

interface Row {
  /** Deep-frozen: the aggregate never mutates a snapshot (each change makes a new one), and nobody else can. */
  readonly snapshot: OrderSnapshot;
  readonly outbox: readonly OrderEvent[];
}

/**
 * Orders in a Map, with the semantics of the DynamoDB adapter: a save is a
 * conditional write on the version, the outbox lives in the order's row, and
 * nobody can change stored state by keeping a reference. Snapshots are deep-frozen instead of copied:
 * the aggregate replaces its state on every change rather than mutating it, so
 * sharing a frozen snapshot is safe and spares a deep copy on every access.
 */
export class InMemoryOrderRepository implements OrderRepository {
  private readonly rows = new Map<string, Row>();

  async get(orderId: string): Promise<StoredOrder | undefined> {
    const row = this.rows.get(orderId);
    if (!row) return undefined;
    return {
      order: Order.fromSnapshot(row.snapshot),
      outbox: row.outbox,
    };
  }

  async save(order: Order, expectedVersion: number): Promise<void> {
    const current = this.rows.get(order.id);
    const storedVersion = current?.snapshot.version ?? 0;
    if (storedVersion !== expectedVersion) {
      throw new ConcurrencyError("Order", order.id, expectedVersion);
    }
    // Checked and written in one synchronous step: no await in between, so racing saves cannot both win.
    const recorded = order.peekEvents();
    const outbox = current?.outbox ?? EMPTY_OUTBOX;
    this.rows.set(order.id, {
      snapshot: deepFreeze(order.snapshot()),
      outbox:
        recorded.length === 0
          ? outbox
          : deepFreeze(outbox.length === 0 ? recorded.slice() : [...outbox, ...recorded]),
    });
  }

  async markPublished(orderId: string, eventIds: readonly string[]): Promise<void> {
    const row = this.rows.get(orderId);
    if (!row || row.outbox.length === 0 || eventIds.length === 0) return;
    // Outboxes and id lists hold a handful of events: a linear search beats building a Set.
    // A loop rather than `filter`, which takes a slow path on a frozen array.
    const published = eventIds.length > 16 ? new Set(eventIds) : undefined;
    const remaining: OrderEvent[] = [];
    for (const event of row.outbox) {
      if (!(published ? published.has(event.id) : eventIds.includes(event.id))) remaining.push(event);
    }
    if (remaining.length === row.outbox.length) return;
    this.rows.set(orderId, {
      snapshot: row.snapshot,
      outbox: remaining.length === 0 ? EMPTY_OUTBOX : Object.freeze(remaining),
    });
  }

  async listByCustomer(customerId: string, page?: PageRequest): Promise<Page<OrderSnapshot>> {
    const orders = this.snapshots()
      .filter((s) => s.customerId === customerId)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.orderId.localeCompare(a.orderId));
    return paginate(orders, page);
  }

  async listByStatus(status: OrderStatus, page?: PageRequest): Promise<Page<OrderSnapshot>> {
    const orders = this.snapshots()
      .filter((s) => s.status === status)
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.orderId.localeCompare(b.orderId));
    return paginate(orders, page);
  }

  async countByStatus(status: OrderStatus, options: { readonly atMost?: number } = {}): Promise<number> {
    let count = 0;
    for (const row of this.rows.values()) {
      if (row.snapshot.status === status && ++count === options.atMost) break;
    }
    return count;
  }

  /** Every order with the events still waiting in its outbox (for tests and the local runner's relay). */
  pending(): { orderId: string; events: readonly OrderEvent[] }[] {
    return [...this.rows.entries()]
      .filter(([, row]) => row.outbox.length > 0)
      .map(([orderId, row]) => ({ orderId, events: row.outbox }));
  }

  /** How many orders are stored. */
  get size(): number {
    return this.rows.size;
  }

  private snapshots(): OrderSnapshot[] {
    return [...this.rows.values()].map((row) => row.snapshot);
  }
}

const EMPTY_OUTBOX: readonly OrderEvent[] = Object.freeze([]);

/** Freezes an object graph, skipping parts already frozen (unchanged since an earlier save). */
function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return value;
  freezeGraph(value);
  return value;
}

/** Freezes `value` (an unfrozen object) and every unfrozen object under it; primitives need no call. */
function freezeGraph(value: object): void {
  Object.freeze(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child: unknown = value[i];
      if (child !== null && typeof child === "object" && !Object.isFrozen(child)) freezeGraph(child);
    }
  } else {
    for (const key in value) {
      const child: unknown = (value as Record<string, unknown>)[key];
      if (child !== null && typeof child === "object" && !Object.isFrozen(child)) freezeGraph(child);
    }
  }
}
