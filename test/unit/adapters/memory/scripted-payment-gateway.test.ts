import { describe, expect, it } from "vitest";
import { ScriptedPaymentGateway } from "../../../../src/adapters/memory/scripted-payment-gateway.js";
import { ServiceUnavailableError } from "../../../../src/ports/errors.js";

const request = (orderId: string) => ({
  orderId,
  amount: 1000,
  currency: "BRL",
  idempotencyKey: `charge-${orderId}`,
});

describe("ScriptedPaymentGateway.hold", () => {
  it("takes the money when the charge arrives and answers only once released", async () => {
    const payments = new ScriptedPaymentGateway().hold();
    let answered = false;
    const charging = payments.charge(request("o-1")).then((result) => {
      answered = true;
      return result;
    });
    await payments.whenHeld(1);

    expect(payments.held).toEqual([request("o-1")]);
    expect(payments.succeededCharges).toHaveLength(1);
    expect(answered).toBe(false);

    payments.release();
    expect(await charging).toEqual({ status: "SUCCEEDED", paymentId: "pay-000001" });
    expect(payments.held).toEqual([]);
  });

  it("holds a retry with the same key too, and answers both alike without charging twice", async () => {
    const payments = new ScriptedPaymentGateway().hold();
    const first = payments.charge(request("o-1"));
    const retry = payments.charge(request("o-1"));
    await payments.whenHeld(2);
    payments.release();

    expect(await retry).toEqual(await first);
    expect(payments.charges).toHaveLength(1);
  });

  it("throws a scripted failure only when released, and charges no longer wait after release", async () => {
    const payments = new ScriptedPaymentGateway()
      .script("o-1", { fail: new ServiceUnavailableError("payments") })
      .hold();
    const failing = payments.charge(request("o-1"));
    await payments.whenHeld(1);
    payments.release();

    await expect(failing).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(payments.charge(request("o-1"))).resolves.toMatchObject({ status: "SUCCEEDED" });
    await expect(payments.whenHeld(1)).rejects.toThrow(/not held/);
  });
});
