import { describe, expect, it } from "vitest";
import type { ManualClock } from "../../src/adapters/memory/clocks.js";
import { ScriptedPaymentGateway } from "../../src/adapters/memory/scripted-payment-gateway.js";
import { InMemoryOrderflow } from "../../src/entrypoints/in-memory/in-memory-orderflow.js";

const order = (orderId: string, overrides: Record<string, unknown> = {}) => ({
  orderId,
  customerId: "c-orch",
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 2, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
  ...overrides,
});

const statusOf = async (flow: InMemoryOrderflow, orderId: string) =>
  (await flow.api.getOrder(orderId)).status;

/** The same scenarios, the same expected outcomes, whoever orchestrates the order. */
describe.each(["queue", "workflow"] as const)("orchestrated by the %s", (orchestration) => {
  it("confirms a paid order, fulfils it on the operator's word, and tells the customer each time", async () => {
    const flow = new InMemoryOrderflow({ orchestration });
    await flow.api.placeOrder(order("o-1"));
    await flow.drain();
    expect(await statusOf(flow, "o-1")).toBe("CONFIRMED");

    await flow.api.fulfilOrder("o-1");
    await flow.drain();

    expect(await statusOf(flow, "o-1")).toBe("FULFILLED");
    expect(flow.events().map((e) => e.type)).toEqual([
      "OrderPlaced",
      "OrderValidated",
      "OrderPaymentStarted",
      "OrderPaid",
      "OrderConfirmed",
      "OrderFulfilled",
    ]);
    const { items } = await flow.notifications.listByUser("c-orch");
    expect(items.map((n) => n.priority).sort()).toEqual(["low", "medium"]);
    if (orchestration === "workflow")
      expect((await flow.workflows!.finished("o-1"))!.states.at(-1)).toBe("Fulfilled");
    expect(Object.values(flow.deadLetterQueues()).every((dlq) => dlq.size === 0)).toBe(true);
  });

  it("records a declined payment, charging nothing", async () => {
    const payments = new ScriptedPaymentGateway().script("o-2", { decline: "insufficient funds" });
    const flow = new InMemoryOrderflow({ orchestration, payments });
    await flow.api.placeOrder(order("o-2"));
    await flow.drain();

    expect(await statusOf(flow, "o-2")).toBe("PAYMENT_FAILED");
    expect(payments.succeededCharges).toHaveLength(0);
  });

  it("charges each order once under duplicate deliveries", async () => {
    const payments = new ScriptedPaymentGateway();
    const flow = new InMemoryOrderflow({ orchestration, payments, duplicateDeliveryRate: 1 });
    for (let i = 0; i < 5; i++) await flow.api.placeOrder(order(`dup-${i}`));
    await flow.drain();

    for (let i = 0; i < 5; i++) expect(await statusOf(flow, `dup-${i}`)).toBe("CONFIRMED");
    expect(payments.succeededCharges).toHaveLength(5);
  });

  it("cancels a confirmed order on request, and pays the money back", async () => {
    const flow = new InMemoryOrderflow({ orchestration });
    await flow.api.placeOrder(order("o-3"));
    await flow.drain();
    (flow.clock as ManualClock).advance(1_000);
    await flow.api.cancelOrder("o-3", { reason: "changed my mind" });
    await flow.drain();

    const cancelled = await flow.api.getOrder("o-3");
    expect(cancelled.status).toBe("CANCELLED");
    expect(cancelled.refund).toMatchObject({ amount: 6980, status: "REFUNDED" });
  });
});

describe("only the workflow", () => {
  it("rejects orders the store cannot take, and cancels those nobody fulfils in time", async () => {
    const flow = new InMemoryOrderflow({ orchestration: "workflow", fulfilmentTimeoutMs: 30 });
    await flow.adapters.storeSettings.update({ capacity: 1 });
    await flow.api.placeOrder(order("first"));
    await flow.drain();
    await flow.api.placeOrder(order("second"));
    await flow.drain();

    expect(await statusOf(flow, "first")).toBe("CONFIRMED");
    expect((await flow.api.getOrder("second")).reasons).toEqual([
      expect.objectContaining({ code: "STORE_AT_CAPACITY" }),
    ]);

    await new Promise((resolve) => setTimeout(resolve, 60));
    await flow.drain();
    const late = await flow.api.getOrder("first");
    expect(late.status).toBe("CANCELLED");
    expect(late.cancellation).toMatchObject({ reason: "FULFILMENT_TIMEOUT" });
    expect(late.refund).toMatchObject({ amount: 6980, status: "REFUNDED" });
  });
});
