import { describe, expect, it } from "vitest";
import { createInMemoryOrderflow, ScriptedPaymentGateway } from "../../src/memory.js";

describe("the README's in-memory example", () => {
  it("does what the README says", async () => {
    const payments = new ScriptedPaymentGateway().script("o-2", { decline: "insufficient funds" });
    const flow = createInMemoryOrderflow({
      products: [{ sku: "SKU-1", unitPrice: 1250, currency: "BRL", stock: 10 }],
      payments,
    });

    const address = { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" };
    const items = [{ sku: "SKU-1", quantity: 2, unitPrice: 1250 }];
    await flow.api.placeOrder({
      orderId: "o-1",
      customerId: "c-1",
      currency: "BRL",
      items,
      shippingAddress: address,
    });
    await flow.api.placeOrder({
      orderId: "o-2",
      customerId: "c-1",
      currency: "BRL",
      items,
      shippingAddress: address,
    });

    await flow.drain();

    expect((await flow.api.getOrder("o-1")).status).toBe("CONFIRMED");
    expect((await flow.api.getOrder("o-2")).status).toBe("PAYMENT_FAILED");
    expect(flow.events("OrderConfirmed").map((e) => e.orderId)).toEqual(["o-1"]);
    expect(Object.values(flow.deadLetterQueues()).every((dlq) => dlq.size === 0)).toBe(true);
  });
});
