import { describe, expect, it } from "vitest";
import { ScriptedPaymentGateway } from "../../src/adapters/memory/scripted-payment-gateway.js";
import { WorkflowSteps } from "../../src/domain/use-cases/workflow-steps.js";
import { InMemoryOrderflow } from "../../src/entrypoints/in-memory/in-memory-orderflow.js";
import { runOrderWorkflowLocally } from "../../src/entrypoints/workflow/local-workflow.js";
import { workflowTaskHandlers } from "../../src/entrypoints/workflow/workflow-task-handlers.js";
import { ServiceUnavailableError } from "../../src/ports/errors.js";

const order = (orderId: string) => ({
  orderId,
  customerId: "c-wf",
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 2, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
});

/**
 * The deployed definition run over the in-memory adapters, its tasks calling
 * the workflow's steps (the use cases): an order placed and validated as
 * usual, then taken on by the workflow instead of the processing queue.
 */
async function workflowRun(
  orderId: string,
  options: { payments?: ScriptedPaymentGateway; fulfilled?: boolean } = {},
) {
  const flow = new InMemoryOrderflow({ payments: options.payments });
  await flow.api.placeOrder(order(orderId));
  await flow.drain({ only: ["intake"] });
  const steps = new WorkflowSteps({ ...flow.adapters, settings: flow.adapters.storeSettings });
  const awaitFulfilment = async () => {
    if (options.fulfilled === false)
      throw Object.assign(new Error("no fulfilment in time"), { name: "States.Timeout" });
    await flow.api.fulfilOrder(orderId);
  };
  const run = await runOrderWorkflowLocally(
    { orderId, correlationId: `c-${orderId}` },
    workflowTaskHandlers(steps, awaitFulfilment),
  );
  return { flow, run, order: (await flow.orders.get(orderId))!.order.snapshot() };
}

describe("the workflow's tasks over the use cases", () => {
  it("pays, confirms and, once the operator fulfils it, ends FULFILLED with one charge", async () => {
    const payments = new ScriptedPaymentGateway();
    const { run, order: done, flow } = await workflowRun("wf-1", { payments });

    expect(run.outcome.succeeded).toBe(true);
    expect(done.status).toBe("FULFILLED");
    expect(payments.succeededCharges).toHaveLength(1);
    expect(flow.events().map((e) => e.type)).toEqual([
      "OrderPlaced",
      "OrderValidated",
      "OrderPaymentStarted",
      "OrderPaid",
      "OrderConfirmed",
      "OrderFulfilled",
    ]);
  });

  it("rejects the order with STORE_CLOSED when the store is closed, and charges nothing", async () => {
    const payments = new ScriptedPaymentGateway();
    const flow = new InMemoryOrderflow({ payments });
    await flow.adapters.storeSettings.update({ open: false });
    await flow.api.placeOrder(order("wf-closed"));
    await flow.drain({ only: ["intake"] });
    const steps = new WorkflowSteps({ ...flow.adapters, settings: flow.adapters.storeSettings });

    await runOrderWorkflowLocally(
      { orderId: "wf-closed", correlationId: "c" },
      workflowTaskHandlers(steps, async () => undefined),
    );

    const rejected = (await flow.orders.get("wf-closed"))!.order.snapshot();
    expect(rejected.status).toBe("REJECTED");
    expect(rejected.reasons).toEqual([expect.objectContaining({ code: "STORE_CLOSED" })]);
    expect(payments.succeededCharges).toHaveLength(0);
  });

  it("goes on with an order whose payment started though the store closed since (an execution started again on a restart)", async () => {
    const payments = new ScriptedPaymentGateway();
    const flow = new InMemoryOrderflow({ payments });
    await flow.api.placeOrder(order("wf-resumed"));
    await flow.drain({ only: ["intake"] });
    const steps = new WorkflowSteps({ ...flow.adapters, settings: flow.adapters.storeSettings });
    // The first execution was taken by the store and started the payment; then its process stopped.
    await steps.startPayment({ orderId: "wf-resumed", correlationId: "c" });
    await flow.adapters.storeSettings.update({ open: false });

    const run = await runOrderWorkflowLocally(
      { orderId: "wf-resumed", correlationId: "c" },
      workflowTaskHandlers(steps, async () => {
        await flow.api.fulfilOrder("wf-resumed");
      }),
    );

    expect(run.outcome.succeeded).toBe(true);
    expect((await flow.orders.get("wf-resumed"))!.order.status).toBe("FULFILLED");
    expect(payments.succeededCharges).toHaveLength(1);
  });

  it("records a declined payment as PAYMENT_FAILED with the gateway's reason", async () => {
    const payments = new ScriptedPaymentGateway().script("wf-declined", { decline: "insufficient funds" });
    const { order: failed } = await workflowRun("wf-declined", { payments });

    expect(failed.status).toBe("PAYMENT_FAILED");
    expect(failed.paymentFailure).toEqual({ reason: "insufficient funds" });
  });

  it("retries a charge the gateway could not take for now, and charges once", async () => {
    const unavailable = () => ({ fail: new ServiceUnavailableError("payments") });
    const payments = new ScriptedPaymentGateway().script("wf-flaky", unavailable(), unavailable(), "SUCCEED");
    const { order: done } = await workflowRun("wf-flaky", { payments });

    expect(done.status).toBe("FULFILLED");
    expect(payments.succeededCharges).toHaveLength(1);
  });

  it("cancels an order nobody fulfilled in time, with the refund owed", async () => {
    const { order: cancelled } = await workflowRun("wf-late", { fulfilled: false });

    expect(cancelled.status).toBe("CANCELLED");
    expect(cancelled.cancellation).toEqual({ reason: "FULFILMENT_TIMEOUT", previousStatus: "CONFIRMED" });
    expect(cancelled.refundOwed).toMatchObject({ amount: 6980, currency: "BRL" });
  });
});
