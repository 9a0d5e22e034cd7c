import type { OrderSnapshot } from "../order.js";
import type { ChargeResult } from "../ports.js";
import { settlePayment } from "./process-order.js";
import { type CommandMeta, changeOrder, contextFor, type UnitOfWorkDeps } from "./unit-of-work.js";

export interface RecordPaymentCommand extends CommandMeta {
  readonly orderId: string;
  readonly result: ChargeResult;
  /** Confirm a paid order in the same write (default true); false leaves confirmation to {@link ConfirmOrder}. */
  readonly confirm?: boolean;
}

/**
 * Records the outcome of a payment taken outside {@link ProcessOrder} (for
 * instance by a workflow engine). Idempotent: a second report changes nothing.
 */
export class RecordPayment {
  constructor(private readonly deps: UnitOfWorkDeps) {}

  async execute(command: RecordPaymentCommand): Promise<{ applied: boolean; order?: OrderSnapshot }> {
    const change = await changeOrder(this.deps, command.orderId, (order) =>
      settlePayment(order, command.result, contextFor(command, this.deps.clock), command.confirm ?? true),
    );
    if (!change.found) return { applied: false };
    return { applied: change.result, order: change.order.snapshot() };
  }
}
