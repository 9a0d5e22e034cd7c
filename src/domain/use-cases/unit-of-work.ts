import type { OrderEvent } from "../events.js";
import type { CommandContext, Order } from "../order.js";
import type { Clock, EventBus, OrderRepository, StoredOrder } from "../ports.js";

export interface UnitOfWorkDeps {
  readonly orders: Pick<OrderRepository, "get" | "save" | "markPublished">;
  readonly bus: EventBus;
  readonly clock: Clock;
}

/** Identifies the message that carries a command, so a redelivery is recognised. */
export interface CommandMeta {
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId?: string | undefined;
}

export function contextFor(meta: CommandMeta, clock: Clock, suffix?: string): CommandContext {
  return {
    commandId: suffix ? `${meta.commandId}:${suffix}` : meta.commandId,
    correlationId: meta.correlationId,
    causationId: meta.causationId ?? meta.commandId,
    at: clock.now(),
  };
}

/** How many times a change is re-applied on a fresh copy after losing a version race. */
const MAX_CONFLICT_ATTEMPTS = 5;

export function isConcurrencyConflict(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "CONCURRENCY_CONFLICT";
}

/**
 * Publishes events, then removes them from the order's outbox. A crash between
 * the two leaves them in the outbox; the next command on the order publishes
 * them again (same ids: consumers drop the duplicate).
 */
export async function publishOutbox(deps: UnitOfWorkDeps, orderId: string, events: readonly OrderEvent[]) {
  if (events.length === 0) return;
  const ids: string[] = [];
  for (const event of events) ids.push(event.id);
  try {
    await deps.bus.publish(events);
  } catch (error) {
    // Some went out: those leave the outbox, so that the retry publishes only the others. Only when
    // the error names the refused events by their ids: anything else keeps the whole outbox.
    const unpublished = unpublishedIds(error);
    if (unpublished && unpublished.size > 0 && [...unpublished].every((id) => ids.includes(id))) {
      const published = ids.filter((id) => !unpublished.has(id));
      if (published.length > 0) await deps.orders.markPublished(orderId, published).catch(() => undefined);
    }
    throw error;
  }
  await deps.orders.markPublished(orderId, ids);
}

type ChangeResult<T> =
  | { readonly found: false }
  | {
      readonly found: true;
      readonly order: Order;
      readonly result: T;
      readonly changed: boolean;
      /** Saved events left unpublished for the caller's next change (`publish: "with-next-change"`). */
      readonly pending: readonly OrderEvent[];
    };

/** When the events of a change are published. */
interface PublishOptions {
  /**
   * `"now"` (the default): once saved. `"with-next-change"`: they stay in the
   * outbox and the caller's next change of the same order (`asLoaded(order,
   * pending)`) publishes them with its own, in one call and one outbox update.
   * Only for a step that another step of the same use case always follows
   * (payment: started, then settled), or a retry.
   */
  readonly publish?: "now" | "with-next-change" | undefined;
}

/**
 * The order as its caller holds it right after reading or writing it, handed
 * to the next step so that it need not read the order again. A stale copy is
 * safe: the save is conditional on its version, and a lost race re-reads.
 */
interface LoadedOrder {
  readonly stored: StoredOrder | undefined;
}

/**
 * The one way use cases change an existing order: load it (or take the copy
 * the caller just had), apply `change`, save with the version it was loaded at
 * (state and events in one write), then publish what an earlier step or
 * attempt left in the outbox and the new events, in one call (or, unchanged,
 * what was left). On a lost version race the change is re-applied to a freshly
 * read copy. `change` must be deterministic given the order (it may read other
 * ports). The order in the result is stored as it is, with `pending` its
 * unpublished events: a next step may take `asLoaded(order, pending)`.
 */
export async function changeOrder<T>(
  deps: UnitOfWorkDeps,
  orderId: string,
  change: (order: Order) => T | Promise<T>,
  loaded?: LoadedOrder,
  options: PublishOptions = {},
): Promise<ChangeResult<T>> {
  const later = options.publish === "with-next-change";
  for (let attempt = 1; ; attempt++) {
    const stored = attempt === 1 && loaded ? loaded.stored : await deps.orders.get(orderId);
    if (!stored) return { found: false };

    const { order } = stored;
    const loadedVersion = order.version;
    const changing = change(order);
    // A synchronous change (most are) is not awaited: an await costs a turn of the microtask queue.
    const result = isThenable(changing) ? await changing : changing;
    if (order.version === loadedVersion) {
      // Nothing to save; what an earlier step or attempt left goes out now (or with the next change).
      if (later) return { found: true, order, result, changed: false, pending: stored.outbox };
      if (stored.outbox.length > 0) await publishOutbox(deps, orderId, stored.outbox);
      return { found: true, order, result, changed: false, pending: NOTHING_PENDING };
    }

    try {
      await deps.orders.save(order, loadedVersion);
    } catch (error) {
      if (isConcurrencyConflict(error) && attempt < MAX_CONFLICT_ATTEMPTS) continue;
      throw error;
    }
    const events = order.pullEvents();
    // The outbox now holds what was left in it, then the new events: all go out in one call, in that order.
    const unpublished = stored.outbox.length === 0 ? events : [...stored.outbox, ...events];
    if (later) return { found: true, order, result, changed: true, pending: unpublished };
    if (unpublished.length > 0) await publishOutbox(deps, orderId, unpublished);
    return { found: true, order, result, changed: true, pending: NOTHING_PENDING };
  }
}

/** The order a step left (with the events it left unpublished), as the `loaded` copy of a next step. */
export function asLoaded(order: Order, pending: readonly OrderEvent[] = NOTHING_PENDING): LoadedOrder {
  return { stored: { order, outbox: pending } };
}

/**
 * The ids of the events a publication refused, when its error names them (the
 * ports' `DeliveryError` lists `failures` as `{ id }`); undefined otherwise.
 */
function unpublishedIds(error: unknown): ReadonlySet<string> | undefined {
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

export const NOTHING_PENDING: readonly OrderEvent[] = Object.freeze([]);

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}
