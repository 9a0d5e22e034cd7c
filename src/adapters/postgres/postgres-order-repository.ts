import type { OrderEvent } from "../../domain/events.js";
import type { OrderStatus } from "../../domain/lifecycle.js";
import { Order, type OrderSnapshot } from "../../domain/order.js";
import { ConcurrencyError } from "../../ports/errors.js";
import type { OrderRepository, StoredOrder } from "../../ports/order-repository.js";
import type { Page, PageRequest } from "../../ports/paging.js";
import { type PostgresEventBus, routeEventsCall } from "./postgres-event-bus.js";
import { decodeCursor, encodeCursor, pageSize, toPage } from "./postgres-paging.js";
import type { SqlClient } from "./sql-client.js";

/** Listing page sizes, as the other families page orders. */
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 100;

export interface PostgresOrderRepositoryOptions {
  /**
   * The family's bus: given, a save routes the order's new events to their
   * queues in the statement that writes the order (see the class). Without
   * it (orders here, events on another bus), they wait in the outbox for the
   * use case to publish them.
   */
  readonly bus?: PostgresEventBus | undefined;
}

interface SnapshotRow {
  readonly snapshot: OrderSnapshot;
}

/**
 * {@link OrderRepository} on the `orders` table (migration 9): one row per
 * order, the snapshot whole as jsonb beside the columns the writes condition
 * on (`version`) and the listings sort on (`customer_id, created_at` newest
 * first; `status, updated_at` oldest first), both keyset-paged on an index.
 *
 * **Versioned writes.** A new order is `INSERT … ON CONFLICT DO NOTHING`, a
 * change `UPDATE … WHERE version = expected`; no row written means another
 * writer got there first (`ConcurrencyError`). Two racing updates serialise on
 * the row lock and the second re-reads the version the first wrote, so one
 * wins.
 *
 * **A true transactional outbox.** With the family's bus, the statement that
 * writes the order also calls `route_events` on the events it recorded, only
 * when the write succeeded (`WITH written AS (…) SELECT route_events(…) FROM
 * written`): the state change, its events and the queue messages they become
 * commit together or not at all, in one round trip. The outbox is then always
 * empty (`get` answers none, `markPublished` has nothing to do), and the use
 * case's own publish of the same events is skipped by the bus without a round
 * trip (another process's publish of them finds their ids routed already and
 * changes nothing). Without the bus the events go to `order_outbox` in that
 * same statement instead, and leave it by `markPublished`, as on DynamoDB.
 */
export class PostgresOrderRepository implements OrderRepository {
  readonly #bus: PostgresEventBus | undefined;

  constructor(
    private readonly client: SqlClient,
    options: PostgresOrderRepositoryOptions = {},
  ) {
    this.#bus = options.bus;
  }

  async get(orderId: string): Promise<StoredOrder | undefined> {
    if (this.#bus) {
      const { rows } = await this.client.query<SnapshotRow>(
        "SELECT snapshot FROM orders WHERE order_id = $1",
        [orderId],
      );
      const row = rows[0];
      return row && { order: Order.fromSnapshot(row.snapshot), outbox: NO_EVENTS };
    }
    const { rows } = await this.client.query<SnapshotRow & { outbox: OrderEvent[] }>(
      `SELECT snapshot, coalesce(
         (SELECT jsonb_agg(event ORDER BY seq) FROM order_outbox WHERE order_outbox.order_id = orders.order_id),
         '[]'::jsonb) AS outbox
       FROM orders WHERE order_id = $1`,
      [orderId],
    );
    const row = rows[0];
    return row && { order: Order.fromSnapshot(row.snapshot), outbox: row.outbox };
  }

  async save(order: Order, expectedVersion: number): Promise<void> {
    const snapshot = order.snapshot();
    const write =
      expectedVersion === 0
        ? `INSERT INTO orders (order_id, customer_id, status, version, created_at, updated_at, snapshot)
           VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb) ON CONFLICT (order_id) DO NOTHING RETURNING order_id`
        : `UPDATE orders SET customer_id = $2, status = $3, version = $4, created_at = $5, updated_at = $6,
             snapshot = $7::jsonb
           WHERE order_id = $1 AND version = $8 RETURNING order_id`;
    const params: unknown[] = [
      snapshot.orderId,
      snapshot.customerId,
      snapshot.status,
      snapshot.version,
      snapshot.createdAt,
      snapshot.updatedAt,
      JSON.stringify(snapshot),
    ];
    if (expectedVersion !== 0) params.push(expectedVersion);
    const next = params.length + 1;
    const events = order.peekEvents();
    let text: string;
    let routedIds: readonly string[] = [];
    if (this.#bus) {
      // Refused events (over the bus's size limit) are left to the use case's publish, which names them.
      const { routed, failures } = this.#bus.route(events);
      params.push(routed.eventIds, routed.queues, routed.bodies, this.#bus.now());
      const refused = new Set(failures.map((failure) => failure.id));
      routedIds = events.filter((event) => !refused.has(event.id)).map((event) => event.id);
      text = `WITH written AS (${write}) SELECT ${routeEventsCall(next)} FROM written`;
    } else {
      params.push(
        events.map((event) => event.id),
        events.map((event) => JSON.stringify(event)),
      );
      text = `WITH written AS (${write}), queued AS (
                INSERT INTO order_outbox (order_id, event_id, event)
                SELECT written.order_id, e.id, e.event::jsonb
                FROM written, unnest($${next}::text[], $${next + 1}::text[]) WITH ORDINALITY AS e(id, event, n)
                ORDER BY e.n
              )
              SELECT 1 FROM written`;
    }
    const { rowCount } = await this.client.query(text, params);
    if (rowCount === 0) throw new ConcurrencyError("Order", order.id, expectedVersion);
    this.#bus?.routedAtSave(routedIds);
  }

  async markPublished(orderId: string, eventIds: readonly string[]): Promise<void> {
    // With the bus, nothing ever waits in the outbox.
    if (this.#bus || eventIds.length === 0) return;
    await this.client.query("DELETE FROM order_outbox WHERE order_id = $1 AND event_id = ANY($2::text[])", [
      orderId,
      eventIds,
    ]);
  }

  async listByCustomer(customerId: string, page: PageRequest = {}): Promise<Page<OrderSnapshot>> {
    const listing = `customer:${customerId}`;
    const limit = pageSize(page.limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const below = page.nextToken === undefined ? undefined : decodeCursor(page.nextToken, listing, 2);
    const { rows } = await this.client.query<SnapshotRow & { created_at: string; order_id: string }>(
      `SELECT snapshot, created_at, order_id FROM orders
       WHERE customer_id = $2${below ? " AND (created_at, order_id) < ($3, $4)" : ""}
       ORDER BY created_at DESC, order_id DESC LIMIT $1`,
      [limit + 1, customerId, ...(below ?? [])],
    );
    return toPage(
      rows,
      limit,
      (row) => row.snapshot,
      (last) => encodeCursor(listing, [last.created_at, last.order_id]),
    );
  }

  async listByStatus(status: OrderStatus, page: PageRequest = {}): Promise<Page<OrderSnapshot>> {
    const listing = `status:${status}`;
    const limit = pageSize(page.limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const after = page.nextToken === undefined ? undefined : decodeCursor(page.nextToken, listing, 2);
    const { rows } = await this.client.query<SnapshotRow & { updated_at: string; order_id: string }>(
      `SELECT snapshot, updated_at, order_id FROM orders
       WHERE status = $2${after ? " AND (updated_at, order_id) > ($3, $4)" : ""}
       ORDER BY updated_at, order_id LIMIT $1`,
      [limit + 1, status, ...(after ?? [])],
    );
    return toPage(
      rows,
      limit,
      (row) => row.snapshot,
      (last) => encodeCursor(listing, [last.updated_at, last.order_id]),
    );
  }

  async countByStatus(status: OrderStatus, options: { readonly atMost?: number } = {}): Promise<number> {
    const { rows } = await this.client.query<{ count: number }>(
      options.atMost === undefined
        ? "SELECT count(*) AS count FROM orders WHERE status = $1"
        : "SELECT count(*) AS count FROM (SELECT 1 FROM orders WHERE status = $1 LIMIT $2) AS bounded",
      options.atMost === undefined ? [status] : [status, options.atMost],
    );
    return Number(rows[0]?.count ?? 0);
  }
}

const NO_EVENTS: readonly OrderEvent[] = Object.freeze([]);
