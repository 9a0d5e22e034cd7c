import type { ChargeRequest, ChargeResult, PaymentCharger } from "../domain/use-cases/capabilities.js";
import { token } from "./token.js";

export type { ChargeRequest, ChargeResult };

export interface RefundRequest {
  readonly orderId: string;
  readonly paymentId: string;
  readonly amount: number;
  readonly currency: string;
  readonly idempotencyKey: string;
}

/**
 * Takes money. A decline is an outcome; an outage is an exception
 * (`ServiceUnavailableError`) so the message is retried.
 */
export interface PaymentGateway extends PaymentCharger {
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(request: RefundRequest): Promise<{ readonly refundId: string }>;
}

export const PAYMENT_GATEWAY = token<PaymentGateway>("PaymentGateway");
