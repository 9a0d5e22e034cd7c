import { OrderStatus } from "../lifecycle.js";
import type { OrderSnapshot } from "../order.js";
import type { OrderCommandInput } from "./process-order.js";
import { changeOrder, contextFor, type UnitOfWorkDeps } from "./unit-of-work.js";

export interface TransitionResult {
  /** False when the order was not in the status the command needs (e.g. a redelivery). */
  readonly applied: boolean;
  readonly order?: OrderSnapshot;
}

/** Confirms a paid order (when payment was recorded without confirming). */
export class ConfirmOrder {
  constructor(private readonly deps: UnitOfWorkDeps) {}

  async execute(command: OrderCommandInput): Promise<TransitionResult> {
    const change = await changeOrder(this.deps, command.orderId, (order) => {
      if (order.status !== OrderStatus.PAID || order.hasProcessed(command.commandId)) return false;
      order.confirm(contextFor(command, this.deps.clock));
      return true;
    });
    return change.found ? { applied: change.result, order: change.order.snapshot() } : { applied: false };
  }
}

/** Marks a confirmed order fulfilled (shipped); from then on it can no longer be cancelled. */
export class FulfilOrder {
  constructor(private readonly deps: UnitOfWorkDeps) {}

  async execute(command: OrderCommandInput): Promise<TransitionResult> {
    const change = await changeOrder(this.deps, command.orderId, (order) => {
      if (order.status !== OrderStatus.CONFIRMED || order.hasProcessed(command.commandId)) return false;
      order.fulfil(contextFor(command, this.deps.clock));
      return true;
    });
    return change.found ? { applied: change.result, order: change.order.snapshot() } : { applied: false };
  }
}
