import type { OrderSnapshot, RecordRefundOutcome } from "../order.js";
import type { PaymentGateway } from "../ports.js";
import type { OrderCommandInput } from "./process-order.js";
import { asLoaded, changeOrder, contextFor, type UnitOfWorkDeps } from "./unit-of-work.js";

export interface RefundOrderDeps extends UnitOfWorkDeps {
  readonly payments: Pick<PaymentGateway, "refund">;
}

export type RefundOrderOutcome = RecordRefundOutcome | "NOT_FOUND";

/** The key under which an order's refund is issued: one refund per order (it has one payment), whatever the retries. */
export function refundIdempotencyKey(orderId: string): string {
  return `refund-${orderId}`;
}

/**
 * Pays back the refund an order owes: asks the payment gateway for it, then
 * records it `REFUNDED` with the gateway's refund id (a versioned write, and
 * `OrderRefunded` through the outbox). Idempotent twice over: the gateway
 * refunds at most once per key (`refund-<orderId>`), and the record is guarded
 * by the order, so a duplicate or retried message refunds at most once and
 * records nothing new. A crash between the refund and its record is repaired
 * by the retry: the gateway answers the same refund id again.
 *
 * A gateway failure is thrown, and nothing is recorded: the refund stays `OWED`
 * and the message is retried (an outage), or dead-lettered for an operator to
 * redrive once the cause is fixed (a refusal, `REFUND_REFUSED`; the consumer
 * alerts first).
 */
export class RefundOrder {
  constructor(private readonly deps: RefundOrderDeps) {}

  async execute(command: OrderCommandInput): Promise<{ outcome: RefundOrderOutcome; order?: OrderSnapshot }> {
    // Read (publishing what an earlier attempt left in the outbox): nothing owed, nothing to ask the gateway.
    const loaded = await changeOrder(this.deps, command.orderId, (order) => order.refund);
    if (!loaded.found) return { outcome: "NOT_FOUND" };
    const refund = loaded.result;
    if (refund === undefined) return { outcome: "NOTHING_OWED", order: loaded.order.snapshot() };
    if (refund.status === "REFUNDED") return { outcome: "ALREADY_REFUNDED", order: loaded.order.snapshot() };

    const { refundId } = await this.deps.payments.refund({
      orderId: command.orderId,
      paymentId: refund.paymentId,
      amount: refund.amount,
      currency: refund.currency,
      idempotencyKey: refundIdempotencyKey(command.orderId),
    });

    // A racing attempt may have recorded it meanwhile: the save loses, re-reads, and finds it REFUNDED.
    const recorded = await changeOrder(
      this.deps,
      command.orderId,
      (order) => order.recordRefund(refundId, contextFor(command, this.deps.clock, "refund")),
      asLoaded(loaded.order),
    );
    if (!recorded.found) return { outcome: "NOT_FOUND" };
    return { outcome: recorded.result, order: recorded.order.snapshot() };
  }
}
