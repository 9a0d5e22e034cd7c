import { validateOrderQueueMessage } from "../commands.js";
import { OrderAlreadyExistsError } from "../errors.js";
import { OrderStatus } from "../lifecycle.js";
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
 * Places orders, from the API or from a batch file, in two steps that are each
 * idempotent: records the order as `RECEIVED` (with `OrderPlaced` in its
 * outbox), then asks the intake queue for its validation (`ValidateOrder`,
 * naming it), which publishes `OrderPlaced` with its own outcome.
 *
 * Placing the same order again answers the stored order and, while it is still
 * `RECEIVED`, asks for its validation again: a retry after a failed send
 * completes the placement (a send that did go through is dropped by the FIFO
 * queue's deduplication, or skipped by validation, which only takes a
 * `RECEIVED` order).
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
   * Records the orders (concurrently: each write is conditional on its own
   * order), then sends the validation of every one still `RECEIVED` in one
   * call (the queue adapter batches it). One result per command, in order; an
   * id taken by another order is an outcome, not an error.
   */
  async executeAll(commands: readonly PlaceOrderCommand[]): Promise<PlaceOrderResult[]> {
    const results = await Promise.all(commands.map((command) => this.record(command)));
    const validations = commands
      .filter((_, index) => awaitsValidation(results[index]!))
      .map((command) =>
        validateOrderQueueMessage({
          type: "ValidateOrder",
          orderId: command.order.orderId,
          commandId: command.commandId,
          correlationId: command.correlationId,
          ...(command.causationId ? { causationId: command.causationId } : {}),
        }),
      );
    if (validations.length > 0) await this.deps.intakeQueue.send(validations);
    return results;
  }

  private async record(command: PlaceOrderCommand): Promise<PlaceOrderResult> {
    const order = Order.place(command.order, contextFor(command, this.deps.clock));
    try {
      await this.deps.orders.save(order, 0);
      // Its OrderPlaced stays in the outbox: validation, which the send below always reaches, publishes it.
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

function awaitsValidation(result: PlaceOrderResult): boolean {
  return result.outcome !== "ID_TAKEN" && result.order.status === OrderStatus.RECEIVED;
}
