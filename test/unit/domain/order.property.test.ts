import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextStatus, ORDER_STATUSES, type OrderCommand } from "../../../src/domain/lifecycle.js";
import { Order } from "../../../src/domain/order.js";
import { ctx, newOrder } from "../../support/domain-fixtures.js";

/** A random command a client or the pipeline could send to an order, in any status. */
const itemArb = fc.record({
  sku: fc.constantFrom("SKU-1", "SKU-2", "SKU-3"),
  quantity: fc.integer({ min: 1, max: 10_000 }),
  unitPrice: fc.integer({ min: 0, max: 1_000_000_000 }),
});

const commandArb = fc.oneof(
  fc.record({ kind: fc.constant("validate" as const), ok: fc.boolean() }),
  fc.constant({ kind: "startPayment" as const }),
  fc.record({ kind: fc.constant("pay" as const), ok: fc.boolean() }),
  fc.constant({ kind: "confirm" as const }),
  fc.constant({ kind: "fulfil" as const }),
  fc.constant({ kind: "cancel" as const }),
  fc.constant({ kind: "refund" as const }),
  fc.record({
    kind: fc.constant("modify" as const),
    items: fc.array(itemArb, { minLength: 1, maxLength: 100 }),
    ok: fc.boolean(),
  }),
);

type Command = typeof commandArb extends fc.Arbitrary<infer C> ? C : never;

/** The transition-table command each random command maps to (validate may become reject). */
function tableCommand(command: Command): OrderCommand {
  switch (command.kind) {
    case "validate":
      return command.ok ? "validate" : "reject";
    case "pay":
      return command.ok ? "recordPaymentSuccess" : "recordPaymentFailure";
    case "refund":
      return "recordRefund";
    default:
      return command.kind;
  }
}

function apply(order: Order, command: Command): void {
  const c = ctx();
  switch (command.kind) {
    case "validate":
      order.validate(command.ok ? [] : [{ path: "items", message: "nope" }], c);
      break;
    case "startPayment":
      order.startPayment(c);
      break;
    case "pay":
      if (command.ok) order.recordPaymentSuccess("pay-1", c);
      else order.recordPaymentFailure("declined", c);
      break;
    case "confirm":
      order.confirm(c);
      break;
    case "fulfil":
      order.fulfil(c);
      break;
    case "cancel":
      order.cancel("because", c);
      break;
    case "refund":
      order.recordRefund("refund-1", c);
      break;
    case "modify":
      order.modify({ items: command.items }, command.ok ? [] : [{ path: "items", message: "nope" }], c);
      break;
  }
}

describe("Order under random command sequences", () => {
  it("reaches only legal statuses, keeps totals consistent and versions strictly increasing", () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 40 }), (commands) => {
        const order = Order.place(newOrder(), ctx());
        const seenIds = new Set(order.pullEvents().map((event) => event.id));
        for (const command of commands) {
          const before = order.snapshot();
          const legal = nextStatus(before.status, tableCommand(command));
          let threw: unknown;
          try {
            apply(order, command);
          } catch (error) {
            threw = error;
          }
          const after = order.snapshot();

          // Status: only what the table allows; client requests (cancel, modify) refuse instead of throwing.
          expect(ORDER_STATUSES).toContain(after.status);
          if (after.status !== before.status) expect(after.status).toBe(legal);
          if (threw) {
            expect(threw).toMatchObject({ code: "ILLEGAL_TRANSITION" });
            expect(legal).toBeUndefined();
            expect(after).toEqual(before);
          }

          // Totals: always the sum of the lines, each line its price times its quantity.
          expect(after.total).toBe(after.items.reduce((sum, line) => sum + line.lineTotal, 0));
          for (const line of after.items) expect(line.lineTotal).toBe(line.unitPrice * line.quantity);
          expect(Number.isSafeInteger(after.total)).toBe(true);

          // Versions: bumped by exactly one by every command that changed anything, never otherwise.
          const events = order.pullEvents();
          if (after.version !== before.version) expect(after.version).toBe(before.version + 1);
          else expect(events).toEqual([]);
          for (const event of events) {
            expect(event.orderVersion).toBe(after.version);
            expect(seenIds.has(event.id)).toBe(false);
            seenIds.add(event.id);
          }
          if (after.status === "REJECTED") expect(after.reasons?.length).toBeGreaterThan(0);
          if (before.status === "FULFILLED") expect(after.status).toBe("FULFILLED");

          // Money: a refund only where money was taken, never more than it, REFUNDED once and for good.
          if (after.refund) {
            expect(after.status).toBe("CANCELLED");
            expect(after.payment?.paymentId).toBe(after.refund.paymentId);
            expect(after.refund.amount).toBeLessThanOrEqual(after.payment!.amount);
            expect(after.refundOwed !== undefined).toBe(after.refund.status === "OWED");
          }
          if (before.refund?.status === "REFUNDED") expect(after.refund).toEqual(before.refund);
          const refunded = events.filter((event) => event.type === "OrderRefunded");
          expect(refunded.length).toBe(
            before.refund?.status === "OWED" && after.refund?.status === "REFUNDED" ? 1 : 0,
          );
        }
      }),
      { numRuns: 500 },
    );
  });

  it("survives a snapshot round-trip at any point (what the repository relies on)", () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 20 }), (commands) => {
        let order = Order.place(newOrder(), ctx());
        for (const command of commands) {
          try {
            apply(order, command);
          } catch {
            // illegal in this status: covered by the property above
          }
          order = Order.fromSnapshot(JSON.parse(JSON.stringify(order.snapshot())));
        }
        expect(Order.fromSnapshot(order.snapshot()).snapshot()).toEqual(order.snapshot());
      }),
      { numRuns: 200 },
    );
  });
});
