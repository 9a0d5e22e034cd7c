import type { CancelOutcome, OrderSnapshot } from "../order.js";
import { type CommandMeta, changeOrder, contextFor, type UnitOfWorkDeps } from "./unit-of-work.js";

export interface CancelOrderCommand extends CommandMeta {
  readonly orderId: string;
  readonly reason: string;
}

export type CancelOrderOutcome = CancelOutcome | "DUPLICATE" | "NOT_FOUND";

/**
 * Applies a cancel request: cancels (recording the refund owed when paid),
 * answers an already-cancelled order with a no-op, or records the refusal
 * (`CancellationRejected`) once the order is fulfilled or rejected.
 */
export class CancelOrder {
  constructor(private readonly deps: UnitOfWorkDeps) {}

  async execute(
    command: CancelOrderCommand,
  ): Promise<{ outcome: CancelOrderOutcome; order?: OrderSnapshot }> {
    const change = await changeOrder(this.deps, command.orderId, (order): CancelOrderOutcome => {
      if (order.hasProcessed(command.commandId)) return "DUPLICATE";
      return order.cancel(command.reason, contextFor(command, this.deps.clock));
    });
    if (!change.found) return { outcome: "NOT_FOUND" };
    return { outcome: change.result, order: change.order.snapshot() };
  }
}
