import type { PaymentGateway } from "../domain/ports.js";
import { token } from "./token.js";

export type { ChargeRequest, ChargeResult, PaymentGateway, RefundRequest } from "../domain/ports.js";

export const PAYMENT_GATEWAY = token<PaymentGateway>("PaymentGateway");
