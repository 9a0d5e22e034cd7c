import { describe, expect, it } from "vitest";
import { resolve } from "../../src/entrypoints/container/create-container.js";
import { CANCEL_ORDER, MODIFY_ORDER } from "../../src/entrypoints/container/tokens.js";
import { InMemoryOrderflow } from "../../src/entrypoints/in-memory/in-memory-orderflow.js";
import { placement, placeOrders, RACE_PRODUCTS } from "./race-scenario.js";

/**
 * Counterexamples the races campaign (races.property.test.ts) shrank to, each
 * kept as the case it found.
 */
describe("races: regressions", () => {
  it("a modification that changed nothing, redelivered once the order is cancelled, is a duplicate, not refused", async () => {
    // Shrunk: held at RECEIVED, a modification asking for what the order holds (two copies of one
    // command) and a cancel. The first copy changed nothing; the order was cancelled; the second copy
    // was then refused (ModificationRejected): one request, two answers.
    const flow = new InMemoryOrderflow({ products: RACE_PRODUCTS });
    await placeOrders(flow, ["o-1"]);
    const modify = resolve(flow.container, MODIFY_ORDER);
    const cancel = resolve(flow.container, CANCEL_ORDER);
    const command = { orderId: "o-1", commandId: "modify-1", correlationId: "c-1" };
    const changes = { items: placement("o-1").items };

    expect((await modify.execute({ ...command, changes })).outcome).toBe("UNCHANGED");
    await cancel.execute({
      orderId: "o-1",
      commandId: "cancel-1",
      correlationId: "c-2",
      reason: "changed my mind",
    });
    const redelivered = await modify.execute({ ...command, changes });

    expect(redelivered.outcome).toBe("DUPLICATE");
    expect(flow.events("ModificationRejected")).toEqual([]);
    expect(redelivered.order?.status).toBe("CANCELLED");
    expect(redelivered.order?.lastRejectedRequest).toBeUndefined();
  });
});
