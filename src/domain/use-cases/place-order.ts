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
 * `UNDELIVERABLE` (only from {@link PlaceOrder.executeAll}): the intake queue
 * refused the order's validation request for good, so it was not recorded.
 */
export type PlaceOrderOutcome = "PLACED" | "ALREADY_PLACED" | "ID_TAKEN" | "UNDELIVERABLE";

export type PlaceOrderResult =
  | {
      readonly outcome: Exclude<PlaceOrderOutcome, "UNDELIVERABLE">;
      /** The stored order (for `ID_TAKEN`, the other order that holds the id). */
      readonly order: OrderSnapshot;
    }
  | {
      readonly outcome: "UNDELIVERABLE";
      /** What the queue said when it refused the request. */
      readonly reason: string;
    };

/** A placement that left the order recorded (placed now, before, or the id held by another order). */
export type RecordedPlaceOrderResult = Extract<PlaceOrderResult, { readonly order: OrderSnapshot }>;

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

  /**
   * @throws OrderAlreadyExistsError when another order holds the id.
   * @throws DeliveryError when the intake queue did not take the validation request.
   */
  async execute(command: PlaceOrderCommand): Promise<RecordedPlaceOrderResult> {
    await this.deps.intakeQueue.send([validationRequest(command)]);
    const result = await this.record(command);
    if (result.outcome === "ID_TAKEN") throw new OrderAlreadyExistsError(command.order.orderId);
    return result;
  }

  /**
   * Sends the validation requests of all the orders in one call (the queue
   * adapter batches it), then records the orders (concurrently: each write is
   * conditional on its own order). One result per command, in order; an id
   * taken by another order is an outcome, not an error (its request finds the
   * other order, which validation takes or skips as it would its own). So is a
   * request the queue refused for good (`UNDELIVERABLE`): sending it again
   * cannot succeed, and the others must not wait on it.
   * @throws DeliveryError when a request failed for a reason a retry may fix,
   * or the call itself was refused (missing queue, access denied): nothing is recorded.
   */
  async executeAll(commands: readonly PlaceOrderCommand[]): Promise<PlaceOrderResult[]> {
    const refused = await this.requestValidation(commands);
    return Promise.all(
      commands.map((command): PlaceOrderResult | Promise<PlaceOrderResult> => {
        const reason = refused?.get(command.commandId);
        return reason === undefined ? this.record(command) : { outcome: "UNDELIVERABLE", reason };
      }),
    );
  }

  /** @returns the requests the queue refused for good, by command id (none: undefined). */
  private async requestValidation(
    commands: readonly PlaceOrderCommand[],
  ): Promise<ReadonlyMap<string, string> | undefined> {
    try {
      await this.deps.intakeQueue.send(commands.map(validationRequest));
      return undefined;
    } catch (error) {
      const refused = refusedForGood(error);
      if (!refused) throw error;
      return refused;
    }
  }

  private async record(command: PlaceOrderCommand): Promise<RecordedPlaceOrderResult> {
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

function validationRequest(command: PlaceOrderCommand) {
  return validateOrderQueueMessage({
    type: "ValidateOrder",
    orderId: command.order.orderId,
    commandId: command.commandId,
    correlationId: command.correlationId,
    ...(command.causationId ? { causationId: command.causationId } : {}),
  });
}

/**
 * The messages a send refused for good, by id, with the queue's reason: when
 * the error is a `DELIVERY_FAILED` naming each message not sent (the ports' `DeliveryError` lists
 * `failures` as `{ id, reason, retryable }`) and every one of them was refused
 * for what it holds. Undefined when any may still go through (a retry may fix
 * it) or when the call as a whole was refused (the error has a `cause`: a
 * missing queue or a denied access says nothing about the messages).
 */
function refusedForGood(error: unknown): ReadonlyMap<string, string> | undefined {
  const { code, failures, cause } = (error ?? {}) as { code?: unknown; failures?: unknown; cause?: unknown };
  if (code !== "DELIVERY_FAILED" || !Array.isArray(failures) || failures.length === 0 || cause !== undefined)
    return undefined;
  const refused = new Map<string, string>();
  for (const failure of failures) {
    const { id, reason, retryable } = (failure ?? {}) as {
      id?: unknown;
      reason?: unknown;
      retryable?: unknown;
    };
    if (typeof id !== "string" || retryable !== false) return undefined;
    refused.set(id, String(reason));
  }
  return refused;
}
