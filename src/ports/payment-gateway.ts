import { token } from "./token.js";

export interface ChargeRequest {
  readonly orderId: string;
  readonly amount: number;
  readonly currency: string;
  /** The same key always yields the same outcome and charges at most once. */
  readonly idempotencyKey: string;
}

export type ChargeResult =
  | { readonly status: "SUCCEEDED"; readonly paymentId: string }
  | { readonly status: "DECLINED"; readonly reason: string };

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
export interface PaymentGateway {
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(request: RefundRequest): Promise<{ readonly refundId: string }>;
}

export const PAYMENT_GATEWAY = token<PaymentGateway>("PaymentGateway");
