import { validateOrderQueueMessage } from "../commands.js";
import { OrderAlreadyExistsError } from "../errors.js";
import { isSamePlacement, type NewOrder, Order, type OrderSnapshot } from "../order.js";
import type { Clock, CommandQueue, OrderRepository } from "../ports.js";
import { type CommandMeta, contextFor, isConcurrencyConflict } from "./unit-of-work.js";

export interface PlaceOrderDeps {
  readonly orders: Pick<OrderRepository, "get" | "save">;
  /** Where validation is asked for (the intake FIFO queue). */
  readonly intakeQueue: CommandQueue;
  readonly clock: Clock;
}

export interface PlaceOrderCommand extends CommandMeta {
  /** A structurally valid PlaceOrder whose `orderId` has been assigned. */
  readonly order: NewOrder;
}

/**
 * `PLACED`: recorded now. `ALREADY_PLACED`: the same order was placed before (a
 * retried request, a redelivered file). `ID_TAKEN`: another order holds the id.
 */
export type PlaceOrderOutcome = "PLACED" | "ALREADY_PLACED" | "ID_TAKEN";

export interface PlaceOrderResult {
  readonly outcome: PlaceOrderOutcome;
  /** The stored order (for `ID_TAKEN`, the other order that holds the id). */
  readonly order: OrderSnapshot;
}

/**
 * Places orders, from the API or from a batch file: asks the intake queue for
 * each order's validation (`ValidateOrder`, naming it), then records the order
 * as `RECEIVED` (with `OrderPlaced` in its outbox); validation publishes
 * `OrderPlaced` with its own outcome.
 *
 * The request goes first so that no recorded order can miss its validation:
 * if recording fails, the caller gets the error (a 5xx: not placed) and the
 * command finds no order; validation fails it until it does (a retry of the
 * placement records it) or the queue dead-letters it. Placing the same order
 * again answers the stored order (its command is the same, so the FIFO queue
 * drops the repeated request within five minutes, and validation skips an
 * order no longer `RECEIVED`).
 */
export class PlaceOrder {
  constructor(private readonly deps: PlaceOrderDeps) {}

  /** @throws OrderAlreadyExistsError when another order holds the id. */
  async execute(command: PlaceOrderCommand): Promise<PlaceOrderResult> {
    const [result] = await this.executeAll([command]);
    if (result!.outcome === "ID_TAKEN") throw new OrderAlreadyExistsError(command.order.orderId);
    return result!;
  }

  /**
   * Sends the validation requests of all the orders in one call (the queue
   * adapter batches it), then records the orders (concurrently: each write is
   * conditional on its own order). One result per command, in order; an id
   * taken by another order is an outcome, not an error (its request finds the
   * other order, which validation takes or skips as it would its own).
   */
  async executeAll(commands: readonly PlaceOrderCommand[]): Promise<PlaceOrderResult[]> {
    await this.deps.intakeQueue.send(
      commands.map((command) =>
        validateOrderQueueMessage({
          type: "ValidateOrder",
          orderId: command.order.orderId,
          commandId: command.commandId,
          correlationId: command.correlationId,
          ...(command.causationId ? { causationId: command.causationId } : {}),
        }),
      ),
    );
    return Promise.all(commands.map((command) => this.record(command)));
  }

  private async record(command: PlaceOrderCommand): Promise<PlaceOrderResult> {
    const order = Order.place(command.order, contextFor(command, this.deps.clock));
    try {
      await this.deps.orders.save(order, 0);
      // Its OrderPlaced stays in the outbox: validation, already requested, publishes it.
      order.pullEvents();
      return { outcome: "PLACED", order: order.snapshot() };
    } catch (error) {
      if (!isConcurrencyConflict(error)) throw error;
      const existing = await this.deps.orders.get(command.order.orderId);
      if (!existing) throw error;
      const stored = existing.order.snapshot();
      return {
        outcome: isSamePlacement(stored, command.order) ? "ALREADY_PLACED" : "ID_TAKEN",
        order: stored,
      };
    }
  }
}
