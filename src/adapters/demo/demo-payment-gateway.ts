import { createHash } from "node:crypto";
import type {
  ChargeRequest,
  ChargeResult,
  PaymentGateway,
  RefundRequest,
} from "../../ports/payment-gateway.js";

/** How the demo payment gateway answers every charge until a real gateway is plugged in. */
export const PAYMENT_MODES = ["always-succeed", "always-decline"] as const;
export type PaymentMode = (typeof PAYMENT_MODES)[number];

/** The reason a demo gateway in `always-decline` mode gives. */
export const DEMO_DECLINE_REASON = "declined by the demo payment gateway";

/**
 * A stand-in PaymentGateway for deployments without a payment provider
 * (`PAYMENT_MODE`): it answers every charge the same way and keeps no state.
 * Its ids derive from the idempotency key, so a retried charge gets the same
 * answer on any Lambda instance, as a real provider's idempotency keys promise.
 * Replace it by rebinding `PAYMENT_GATEWAY` (a real gateway, or the payment workflow).
 */
export class DemoPaymentGateway implements PaymentGateway {
  constructor(readonly mode: PaymentMode) {}

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    if (this.mode === "always-decline") return { status: "DECLINED", reason: DEMO_DECLINE_REASON };
    return { status: "SUCCEEDED", paymentId: `demo-pay-${digest(request.idempotencyKey)}` };
  }

  async refund(request: RefundRequest): Promise<{ readonly refundId: string }> {
    return { refundId: `demo-refund-${digest(request.idempotencyKey)}` };
  }
}

function digest(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 32);
}
