import { Buffer } from "node:buffer";
import { randomUUID } from "node:crypto";
import type { OrderflowEvent } from "../../domain/events.js";
import type { Clock } from "../../ports/clock.js";
import { DeliveryError, type DeliveryFailure } from "../../ports/errors.js";
import type { EventBus } from "../../ports/event-bus.js";
import { EVENT_ROUTES, EVENT_SOURCE } from "../../ports/routing.js";
import type { SqlClient } from "./sql-client.js";

/** The largest event the bus takes, serialised (the limit EventBridge puts on an entry, kept for every family). */
export const MAX_EVENT_BYTES = 256 * 1024;

/** Where each event type goes: the names of the queues (rows of `queue_messages`) that receive it. */
export type EventQueueRoutes = Readonly<Partial<Record<OrderflowEvent["type"], readonly string[]>>>;

/** {@link EVENT_ROUTES} as queue routes: each route feeds the queue of its own name. */
export function flowQueueRoutes(): EventQueueRoutes {
  const routes: Partial<Record<OrderflowEvent["type"], string[]>> = {};
  for (const [route, types] of Object.entries(EVENT_ROUTES)) {
    for (const type of types as readonly OrderflowEvent["type"][]) {
      const queues = routes[type] ?? [];
      queues.push(route);
      routes[type] = queues;
    }
  }
  return routes;
}

/** Events as `route_events` takes them: one entry per (event, queue) pair, in order. */
export interface RoutedEvents {
  readonly eventIds: string[];
  readonly queues: string[];
  readonly bodies: string[];
}

export interface PostgresEventBusOptions {
  readonly clock: Clock;
  /** Default {@link flowQueueRoutes}: the flows' routes, each to the queue of its name. */
  readonly routes?: EventQueueRoutes | undefined;
}

/**
 * {@link EventBus} on the family's queue table: publishing an event is
 * inserting its envelope (EventBridge's shape, so the same consumers read it)
 * into the queue of every route that takes its type, in one statement
 * (`route_events`, migration 9). No delivery can fail after the bus accepted
 * an event, so the routes need no dead-letter queues of their own.
 *
 * **Once per event id.** `bus_events` remembers the ids routed, and
 * `route_events` routes only ids it did not know: an event published again
 * (a retried outbox, or one the {@link PostgresOrderRepository} routed in the
 * transaction that saved it) changes nothing, in one statement; when this
 * process's repository routed it, in none. The ids are
 * kept until {@link prune} removes those older than a retention; a repeat
 * after that is delivered again, which the consumers' idempotency absorbs.
 *
 * An event over {@link MAX_EVENT_BYTES} is refused (a `DeliveryError` naming
 * it), the others of the call are published.
 */
export class PostgresEventBus implements EventBus {
  readonly #clock: Clock;
  readonly #routes: EventQueueRoutes;
  /**
   * Ids of events this process's repository routed in a committed save, not
   * yet published again by the use case: their publish needs no round trip.
   * Bounded, oldest forgotten first (a forgotten id costs one statement that
   * routes nothing).
   */
  readonly #routedAtSave = new Set<string>();

  constructor(
    private readonly client: SqlClient,
    options: PostgresEventBusOptions,
  ) {
    this.#clock = options.clock;
    this.#routes = options.routes ?? flowQueueRoutes();
  }

  async publish(events: readonly OrderflowEvent[]): Promise<void> {
    const unrouted = events.filter((event) => !this.#routedAtSave.delete(event.id));
    if (unrouted.length === 0) return;
    const { routed, failures } = this.route(unrouted);
    if (routed.eventIds.length > 0) await this.client.query(...routeEventsStatement(routed, this.now()));
    if (failures.length > 0) throw new DeliveryError("the event bus", failures);
  }

  /**
   * The envelopes of `events` for each queue their type is routed to, and
   * the events refused for their size. What the repository hands to
   * `route_events` inside the transaction of a save.
   */
  route(events: readonly OrderflowEvent[]): { routed: RoutedEvents; failures: DeliveryFailure[] } {
    const routed: RoutedEvents = { eventIds: [], queues: [], bodies: [] };
    const failures: DeliveryFailure[] = [];
    const time = this.#clock
      .now()
      .toISOString()
      .replace(/\.\d{3}Z$/, "Z");
    for (const event of events) {
      const body = envelope(event, time);
      if (Buffer.byteLength(body, "utf8") > MAX_EVENT_BYTES) {
        failures.push({ id: event.id, reason: `event over ${MAX_EVENT_BYTES} bytes`, retryable: false });
        continue;
      }
      for (const queue of this.#routes[event.type] ?? []) {
        routed.eventIds.push(event.id);
        routed.queues.push(queue);
        routed.bodies.push(body);
      }
    }
    return { routed, failures };
  }

  /** Called by the repository once a save that routed these events committed. */
  routedAtSave(eventIds: readonly string[]): void {
    for (const id of eventIds) this.#routedAtSave.add(id);
    for (const oldest of this.#routedAtSave) {
      if (this.#routedAtSave.size <= MAX_REMEMBERED_ROUTED_IDS) break;
      this.#routedAtSave.delete(oldest);
    }
  }

  /** Forgets the ids of events routed before `before` (they may then be routed again). Answers how many. */
  async prune(before: Date): Promise<number> {
    const { rowCount } = await this.client.query("DELETE FROM bus_events WHERE published_at < $1", [
      before.getTime(),
    ]);
    return rowCount;
  }

  now(): number {
    return this.#clock.now().getTime();
  }
}

/** How many ids of events routed at save a bus remembers (a few batches' worth). */
const MAX_REMEMBERED_ROUTED_IDS = 10_000;

/**
 * The `route_events` call for `routed` at `at` (epoch ms), as query text and
 * parameters starting at `$first`: the bus sends it alone, the repository
 * inside the statement that saves an order.
 */
export function routeEventsCall(first: number): string {
  return `route_events($${first}::text[], $${first + 1}::text[], $${first + 2}::text[], $${first + 3}::bigint)`;
}

function routeEventsStatement(routed: RoutedEvents, at: number): [string, unknown[]] {
  return [`SELECT ${routeEventsCall(1)}`, [routed.eventIds, routed.queues, routed.bodies, at]];
}

/** The event as EventBridge delivers it to a queue (the shape the consumers parse). */
function envelope(event: OrderflowEvent, time: string): string {
  return JSON.stringify({
    version: "0",
    id: randomUUID(),
    "detail-type": event.type,
    source: EVENT_SOURCE,
    time,
    resources: [],
    detail: event,
  });
}
