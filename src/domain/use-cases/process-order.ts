import { OrderStatus } from "../lifecycle.js";
import type { CommandContext, Order, OrderSnapshot } from "../order.js";
import type { ChargeResult, PaymentGateway } from "../ports.js";
import {
  asLoaded,
  type CommandMeta,
  changeOrder,
  contextFor,
  publishOutbox,
  type UnitOfWorkDeps,
} from "./unit-of-work.js";

export interface ProcessOrderDeps extends UnitOfWorkDeps {
  readonly payments: Pick<PaymentGateway, "charge">;
}

export interface OrderCommandInput extends CommandMeta {
  readonly orderId: string;
}

export type ProcessOrderOutcome = "CONFIRMED" | "PAYMENT_FAILED" | "SKIPPED" | "NOT_FOUND";

/** The key under which an order's payment is charged: one payment per order, whatever the retries. */
export function paymentIdempotencyKey(orderId: string): string {
  return `payment-${orderId}`;
}

/**
 * Applies a payment outcome: records it and, when the money was taken,
 * confirms the order in the same write. On an order cancelled while the payment
 * ran, a successful charge records the refund owed instead.
 * @returns false when there was nothing to apply (already settled).
 */
export function settlePayment(
  order: Order,
  result: ChargeResult,
  ctx: CommandContext,
  confirm = true,
): boolean {
  if (!order.awaitsPaymentOutcome() || order.hasProcessed(ctx.commandId)) return false;
  if (result.status === "SUCCEEDED") {
    order.recordPaymentSuccess(result.paymentId, ctx);
    if (confirm && order.can("confirm")) order.confirm({ ...ctx, commandId: `${ctx.commandId}:confirm` });
  } else {
    order.recordPaymentFailure(result.reason, ctx);
  }
  return true;
}

/**
 * Takes a validated order through payment to confirmation. Each step is keyed by
 * the order's status, so a redelivery after a crash resumes where the previous
 * attempt stopped, and the charge itself is idempotent by order. An order
 * cancelled while its payment ran still gets the outcome recorded on a retry
 * (asking the gateway again never charges twice; if the first attempt never
 * reached it, the money taken now is recorded as owed back at once).
 */
export class ProcessOrder {
  constructor(private readonly deps: ProcessOrderDeps) {}

  async execute(
    command: OrderCommandInput,
  ): Promise<{ outcome: ProcessOrderOutcome; order?: OrderSnapshot }> {
    // PaymentStarted is saved before the charge (a retry resumes from it) and published with the
    // outcome's events, in one call; a charge that throws leaves it in the outbox for the retry.
    const started = await changeOrder(
      this.deps,
      command.orderId,
      (order) => {
        if (order.status === OrderStatus.VALIDATED)
          order.startPayment(contextFor(command, this.deps.clock, "start"));
      },
      undefined,
      { publish: "with-next-change" },
    );
    if (!started.found) return { outcome: "NOT_FOUND" };
    if (!started.order.awaitsPaymentOutcome()) {
      await publishOutbox(this.deps, command.orderId, started.pending);
      return { outcome: "SKIPPED", order: started.order.snapshot() };
    }

    const result = await this.deps.payments.charge({
      orderId: started.order.id,
      amount: started.order.total,
      currency: started.order.currency,
      idempotencyKey: paymentIdempotencyKey(started.order.id),
    });

    // The order as the first step left it: if it changed meanwhile (a cancel), the save loses and re-reads.
    const settled = await changeOrder(
      this.deps,
      command.orderId,
      (order) => settlePayment(order, result, contextFor(command, this.deps.clock, "settle")),
      asLoaded(started.order, started.pending),
    );
    if (!settled.found) return { outcome: "NOT_FOUND" };
    const order = settled.order.snapshot();
    if (order.status === OrderStatus.CONFIRMED) return { outcome: "CONFIRMED", order };
    if (order.status === OrderStatus.PAYMENT_FAILED) return { outcome: "PAYMENT_FAILED", order };
    return { outcome: "SKIPPED", order };
  }
}
