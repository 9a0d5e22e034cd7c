import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChargeRequest, ChargeResult, PaymentGateway } from "../payment-gateway.js";
import type { Teardown } from "./helpers.js";
import { uniqueId } from "./order-mother.js";

export interface PaymentGatewaySubject extends Teardown {
  /** A gateway that approves the suite's charges (small BRL amounts on fresh order ids). */
  readonly gateway: PaymentGateway;
}

/**
 * The behaviour every {@link PaymentGateway} must show. Outcomes (which charges a
 * real provider declines) are the provider's business, so the suite checks the
 * shape of any outcome and the idempotency guarantees, and needs approvals only
 * to test refunds. `makeSubject` runs before each test; order ids and keys are unique per test.
 */
export function describePaymentGatewayContract(
  adapterName: string,
  makeSubject: () => Promise<PaymentGatewaySubject> | PaymentGatewaySubject,
): void {
  describe(`PaymentGateway contract: ${adapterName}`, () => {
    let subject: PaymentGatewaySubject;
    let gateway: PaymentGateway;

    beforeEach(async () => {
      subject = await makeSubject();
      gateway = subject.gateway;
    });
    afterEach(async () => {
      await subject?.teardown?.();
    });

    function aCharge(overrides: Partial<ChargeRequest> = {}): ChargeRequest {
      const orderId = overrides.orderId ?? uniqueId("order");
      return { orderId, amount: 11_970, currency: "BRL", idempotencyKey: `charge-${orderId}`, ...overrides };
    }

    function expectOutcome(result: ChargeResult): void {
      if (result.status === "SUCCEEDED") {
        expect(result.paymentId).toEqual(expect.any(String));
        expect(result.paymentId.length).toBeGreaterThan(0);
      } else {
        expect(result.status).toBe("DECLINED");
        expect(result.reason).toEqual(expect.any(String));
        expect(result.reason.length).toBeGreaterThan(0);
      }
    }

    it("answers a charge with an approval (payment id) or a decline (reason)", async () => {
      expectOutcome(await gateway.charge(aCharge()));
    });

    it("answers the same idempotency key with the same outcome", async () => {
      const request = aCharge();

      const first = await gateway.charge(request);
      const again = await gateway.charge(request);

      expectOutcome(first);
      expect(again).toEqual(first);
    });

    it("answers concurrent charges with one key with one outcome", async () => {
      const request = aCharge();

      const results = await Promise.all(Array.from({ length: 5 }, () => gateway.charge(request)));

      for (const result of results) expect(result).toEqual(results[0]);
    });

    it("treats different idempotency keys as different payments", async () => {
      const first = await gateway.charge(aCharge());
      const second = await gateway.charge(aCharge());

      expectOutcome(first);
      expectOutcome(second);
      if (first.status === "SUCCEEDED" && second.status === "SUCCEEDED") {
        expect(second.paymentId).not.toBe(first.paymentId);
      }
    });

    it("refunds an approved payment, once per idempotency key", async () => {
      const charge = aCharge();
      const result = await gateway.charge(charge);
      expect(result.status, "the subject's gateway must approve the suite's charges").toBe("SUCCEEDED");
      if (result.status !== "SUCCEEDED") return;
      const refund = {
        orderId: charge.orderId,
        paymentId: result.paymentId,
        amount: charge.amount,
        currency: charge.currency,
        idempotencyKey: `refund-${charge.orderId}`,
      };

      const first = await gateway.refund(refund);
      const again = await gateway.refund(refund);

      expect(first.refundId).toEqual(expect.any(String));
      expect(first.refundId.length).toBeGreaterThan(0);
      expect(again).toEqual(first);
    });
  });
}
