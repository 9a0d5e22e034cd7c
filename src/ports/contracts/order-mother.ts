import type { CommandContext } from "../../domain/order.js";
import { Order } from "../../domain/order.js";
import type { PlaceOrderInput } from "../../domain/schemas.js";

/**
 * Test data builders ("object mothers") for orders. Every builder returns valid
 * data with fresh unique ids, so tests that share a table, a queue or a bucket
 * never collide; pass overrides for the fields a test is about.
 */

/**
 * A fresh id such as `order-5f3a9c0b1d2e4f60`, unique across processes (random),
 * matching `[A-Za-z0-9_-]{1,64}` as long as `prefix` does and is at most 40 characters.
 */
export function uniqueId(prefix = "id"): string {
  return `${prefix}-${globalThis.crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

/** The instant builders use when a test gives none: fixed, so snapshots are reproducible. */
export const DEFAULT_TEST_TIME = new Date("2030-01-15T10:00:00.000Z");

/** A command context with a fresh command id, at {@link DEFAULT_TEST_TIME} unless told otherwise. */
export function aCommandContext(overrides: Partial<CommandContext> = {}): CommandContext {
  const commandId = overrides.commandId ?? uniqueId("cmd");
  return {
    commandId,
    correlationId: overrides.correlationId ?? uniqueId("corr"),
    at: overrides.at ?? DEFAULT_TEST_TIME,
    ...(overrides.causationId === undefined ? {} : { causationId: overrides.causationId }),
  };
}

/** A valid PlaceOrder request (with an order id): two lines in BRL, shipped to São Paulo. */
export function aPlaceOrderInput(
  overrides: Partial<PlaceOrderInput> = {},
): PlaceOrderInput & { orderId: string } {
  return {
    customerId: uniqueId("customer"),
    currency: "BRL",
    items: [
      { sku: "BR-CAFE-500G", quantity: 2, unitPrice: 3490 },
      { sku: "BR-CANECA-01", quantity: 1, unitPrice: 4990 },
    ],
    shippingAddress: {
      line1: "Avenida Paulista, 1000",
      city: "São Paulo",
      region: "SP",
      postalCode: "01310-100",
      country: "BR",
    },
    ...overrides,
    orderId: overrides.orderId ?? uniqueId("order"),
  };
}

/**
 * A freshly placed order (status `RECEIVED`, version 1, one recorded
 * `OrderPlaced` event), built through the domain like production code does.
 */
export function anOrder(
  overrides: Partial<PlaceOrderInput> = {},
  ctx: CommandContext = aCommandContext(),
): Order {
  return Order.place(aPlaceOrderInput(overrides), ctx);
}

/** A placed and validated order (status `VALIDATED`, version 2, two recorded events). */
export function aValidatedOrder(
  overrides: Partial<PlaceOrderInput> = {},
  ctx: CommandContext = aCommandContext(),
): Order {
  const order = anOrder(overrides, ctx);
  order.validate([], aCommandContext({ at: ctx.at, correlationId: ctx.correlationId }));
  return order;
}
