import { OrderAlreadyExistsError } from "../errors.js";
import type { OrderEvent } from "../events.js";
import { isSamePlacement, Order, type OrderSnapshot } from "../order.js";
import type { PlaceOrderInput } from "../schemas.js";
import {
  type CommandMeta,
  contextFor,
  isConcurrencyConflict,
  type LoadedOrder,
  NOTHING_PENDING,
  type PublishOptions,
  publishOutbox,
  type UnitOfWorkDeps,
} from "./unit-of-work.js";

export interface PlaceOrderCommand extends CommandMeta {
  /** A structurally valid PlaceOrder whose `orderId` has been assigned. */
  readonly order: PlaceOrderInput & { readonly orderId: string };
}

export interface PlaceOrderResult {
  readonly order: OrderSnapshot;
  /** False when the order already existed (a redelivery or a retried request). */
  readonly created: boolean;
  /** Stored events left unpublished for the caller's next change (`publish: "with-next-change"`). */
  readonly pending: readonly OrderEvent[];
}

/**
 * Records a new order in `RECEIVED` and publishes `OrderPlaced` (or, asked to,
 * leaves it to the caller's next change of the order). Placing the
 * same order again is a no-op that answers the stored order; placing another
 * order under a taken id fails with `ORDER_ALREADY_EXISTS`.
 */
export class PlaceOrder {
  constructor(private readonly deps: UnitOfWorkDeps) {}

  /**
   * @param loaded the order as the caller just read it (`undefined`: absent),
   * to spare a second read; omitted, the use case reads it.
   * @param options `publish: "with-next-change"` leaves `OrderPlaced` (or what
   * an existing order's outbox holds) in `pending` for the caller's next change.
   */
  async execute(
    command: PlaceOrderCommand,
    loaded?: LoadedOrder,
    options: PublishOptions = {},
  ): Promise<PlaceOrderResult> {
    const existing = loaded ? loaded.stored : await this.deps.orders.get(command.order.orderId);
    if (existing) {
      const stored = existing.order.snapshot();
      // The usual redelivery (the command that created the order, nothing left to publish) needs no async step.
      if (existing.outbox.length === 0 && stored.processedCommandIds.includes(command.commandId)) {
        return { order: stored, created: false, pending: NOTHING_PENDING };
      }
      return this.answerExisting(stored, command, existing.outbox, options);
    }

    const order = Order.place(command.order, contextFor(command, this.deps.clock));
    try {
      await this.deps.orders.save(order, 0);
    } catch (error) {
      if (!isConcurrencyConflict(error)) throw error;
      // Another delivery of the same command won the race: answer what it stored.
      const winner = await this.deps.orders.get(command.order.orderId);
      if (!winner) throw error;
      return this.answerExisting(winner.order.snapshot(), command, winner.outbox, options);
    }
    const events = order.pullEvents();
    if (options.publish === "with-next-change")
      return { order: order.snapshot(), created: true, pending: events };
    if (events.length > 0) await publishOutbox(this.deps, order.id, events);
    return { order: order.snapshot(), created: true, pending: NOTHING_PENDING };
  }

  private async answerExisting(
    stored: OrderSnapshot,
    command: PlaceOrderCommand,
    outbox: readonly OrderEvent[],
    options: PublishOptions,
  ): Promise<PlaceOrderResult> {
    // The command that created the order (redelivered, or sent by the API that created it) needs no comparison.
    const sameCommand = stored.processedCommandIds.includes(command.commandId);
    if (!sameCommand && !isSamePlacement(stored, command.order)) {
      throw new OrderAlreadyExistsError(stored.orderId);
    }
    if (options.publish === "with-next-change") return { order: stored, created: false, pending: outbox };
    if (outbox.length > 0) await publishOutbox(this.deps, stored.orderId, outbox);
    return { order: stored, created: false, pending: NOTHING_PENDING };
  }
}
