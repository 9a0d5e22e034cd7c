import type { OrderEvent } from "../events.js";
import type { CommandContext, Order } from "../order.js";
import type { EventPublisher, OrderStore, StoredOrder, TimeSource } from "./capabilities.js";

export interface UnitOfWorkDeps {
  readonly orders: OrderStore;
  readonly bus: EventPublisher;
  readonly clock: TimeSource;
}

/** Identifies the message that carries a command, so a redelivery is recognised. */
export interface CommandMeta {
  readonly commandId: string;
  readonly correlationId: string;
  readonly causationId?: string | undefined;
}

export function contextFor(meta: CommandMeta, clock: TimeSource, suffix?: string): CommandContext {
  return {
    commandId: suffix ? `${meta.commandId}:${suffix}` : meta.commandId,
    correlationId: meta.correlationId,
    causationId: meta.causationId ?? meta.commandId,
    at: clock.now(),
  };
}

/** How many times a change is re-applied on a fresh copy after losing a version race. */
export const MAX_CONFLICT_ATTEMPTS = 5;

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
  await deps.bus.publish(events);
  const ids: string[] = [];
  for (const event of events) ids.push(event.id);
  await deps.orders.markPublished(orderId, ids);
}

export type ChangeResult<T> =
  | { readonly found: false }
  | { readonly found: true; readonly order: Order; readonly result: T; readonly changed: boolean };

/**
 * The order as its caller holds it right after reading or writing it, handed
 * to the next step so that it need not read the order again. A stale copy is
 * safe: the save is conditional on its version, and a lost race re-reads.
 */
export interface LoadedOrder {
  readonly stored: StoredOrder | undefined;
}

/**
 * The one way use cases change an existing order: load it (or take the copy
 * the caller just had), first finish publishing anything an earlier attempt
 * left in its outbox, apply `change`, save with the version it was loaded at
 * (state and events in one write), then publish. On a lost version race the
 * change is re-applied to a freshly read copy.
 * `change` must be deterministic given the order (it may read other ports).
 * The order in the result is stored as it is, its outbox published: a next
 * step may take it as its `loaded` copy.
 */
export async function changeOrder<T>(
  deps: UnitOfWorkDeps,
  orderId: string,
  change: (order: Order) => T | Promise<T>,
  loaded?: LoadedOrder,
): Promise<ChangeResult<T>> {
  for (let attempt = 1; ; attempt++) {
    const stored = attempt === 1 && loaded ? loaded.stored : await deps.orders.get(orderId);
    if (!stored) return { found: false };
    // Checked here as well as in publishOutbox: an empty outbox (the usual case) then costs no await.
    if (stored.outbox.length > 0) await publishOutbox(deps, orderId, stored.outbox);

    const { order } = stored;
    const loadedVersion = order.version;
    const changing = change(order);
    // A synchronous change (most are) is not awaited: an await costs a turn of the microtask queue.
    const result = isThenable(changing) ? await changing : changing;
    if (order.version === loadedVersion) return { found: true, order, result, changed: false };

    try {
      await deps.orders.save(order, loadedVersion);
    } catch (error) {
      if (isConcurrencyConflict(error) && attempt < MAX_CONFLICT_ATTEMPTS) continue;
      throw error;
    }
    const events = order.pullEvents();
    if (events.length > 0) await publishOutbox(deps, orderId, events);
    return { found: true, order, result, changed: true };
  }
}

/** The order a {@link changeOrder} left, as the `loaded` copy of a next step on the same order. */
export function asLoaded(order: Order): LoadedOrder {
  return { stored: { order, outbox: NOTHING_PENDING } };
}

const NOTHING_PENDING: readonly OrderEvent[] = Object.freeze([]);

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}
