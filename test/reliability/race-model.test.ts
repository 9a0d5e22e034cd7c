import { describe, expect, it } from "vitest";
import { Order } from "../../src/domain/order.js";
import { resolve } from "../../src/entrypoints/container/create-container.js";
import { CANCEL_ORDER, MODIFY_ORDER } from "../../src/entrypoints/container/tokens.js";
import { InMemoryOrderflow } from "../../src/entrypoints/in-memory/in-memory-orderflow.js";
import { ctx, newOrder } from "../support/domain-fixtures.js";
import { checkCallAnswers, checkOrderHistory } from "./race-model.js";
import { placement, placeOrders, RACE_PRODUCTS } from "./race-scenario.js";

/** The races campaign's model, on histories whose verdict is known. */
describe("the races model", () => {
  it("accepts a modification that changed nothing before others changed the items and the address (seed 1, scale 6)", async () => {
    const flow = new InMemoryOrderflow({ products: RACE_PRODUCTS });
    await placeOrders(flow, ["o-1"]);
    const modify = resolve(flow.container, MODIFY_ORDER);
    const same = { id: "same", kind: "modify" as const, changes: { items: placement("o-1").items } };
    const address = {
      id: "address",
      kind: "modify" as const,
      changes: { shippingAddress: { ...placement("o-1").shippingAddress, line1: "Rua B, 2" } },
    };
    const items = {
      id: "items",
      kind: "modify" as const,
      changes: { items: [{ sku: "RACE-B", quantity: 3, unitPrice: 700 }] },
    };
    const cancel = { id: "cancel", kind: "cancel" as const };
    for (const request of [same, items, address])
      await modify.execute({
        orderId: "o-1",
        commandId: request.id,
        correlationId: "c",
        changes: request.changes,
      });
    await resolve(flow.container, CANCEL_ORDER).execute({
      orderId: "o-1",
      commandId: cancel.id,
      correlationId: "c",
      reason: "no",
    });

    const verdict = checkOrderHistory({
      orderId: "o-1",
      events: flow.events(),
      stored: await flow.orders.get("o-1"),
      requests: [same, items, address, cancel],
      charges: [],
    });
    expect(verdict.violations).toEqual([]);
    expect(Object.fromEntries(verdict.outcomes)).toEqual({
      same: "no-op",
      items: "applied",
      address: "applied",
      cancel: "applied",
    });
  });

  it("catches a lost update: two writers that both saved over the same version", () => {
    const placed = Order.place(newOrder(), ctx());
    const events = placed.pullEvents();
    const first = Order.fromSnapshot(placed.snapshot());
    const second = Order.fromSnapshot(placed.snapshot());
    first.modify({ items: [{ sku: "SKU-1", quantity: 5, unitPrice: 1250 }] }, [], ctx({ commandId: "m-1" }));
    second.modify(
      { shippingAddress: { ...newOrder().shippingAddress, line1: "X" } },
      [],
      ctx({ commandId: "m-2" }),
    );

    const verdict = checkOrderHistory({
      orderId: placed.id,
      events: [...events, ...first.pullEvents(), ...second.pullEvents()],
      stored: { order: second, outbox: [] },
      requests: [
        { id: "m-1", kind: "modify" },
        { id: "m-2", kind: "modify" },
      ],
      charges: [],
    });
    expect(verdict.violations).toContain(`${placed.id}: event ${placed.id}:2:0 published twice, differently`);
  });

  it("catches money owed back but never refunded, and a refund issued twice", async () => {
    const flow = new InMemoryOrderflow({ products: RACE_PRODUCTS });
    await placeOrders(flow, ["o-1"]);
    await flow.drain();
    const cancel = { id: "cancel", kind: "cancel" as const };
    await resolve(flow.container, CANCEL_ORDER).execute({
      orderId: "o-1",
      commandId: cancel.id,
      correlationId: "c",
      reason: "no",
    });
    const verdict = async (refunds: typeof flow.payments.refunds) =>
      checkOrderHistory({
        orderId: "o-1",
        events: flow.events(),
        stored: await flow.orders.get("o-1"),
        requests: [cancel],
        charges: flow.payments.charges,
        refunds,
      }).violations;

    expect(await verdict([])).toContain("o-1: money owed back was never refunded");
    await flow.drain();
    expect(await verdict(flow.payments.refunds)).toEqual([]);
    const twice = [...flow.payments.refunds, ...flow.payments.refunds];
    expect(await verdict(twice)).toContain("o-1: 2 refunds given");
  });

  it("catches one request answered twice: unchanged, then refused", () => {
    const request = { id: "m-1", kind: "modify" as const };
    expect(checkCallAnswers(request, "refused", ["UNCHANGED", "REFUSED"])).toHaveLength(1);
    expect(checkCallAnswers(request, "no-op", ["UNCHANGED", "DUPLICATE"])).toEqual([]);
  });
});
