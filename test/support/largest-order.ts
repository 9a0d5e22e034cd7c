import { checkBusinessRules } from "../../src/domain/business-rules.js";
import type { Issue } from "../../src/domain/errors.js";
import { type PlaceOrderInput, STRUCTURAL_LIMITS } from "../../src/domain/schemas.js";
import { aCommandContext, uniqueId } from "../../src/ports/contracts/order-mother.js";

/**
 * The largest order the schemas accept, for tests that prove it fits every
 * transport: every string at its limit in 3-byte UTF-8 characters (the most
 * bytes per UTF-16 unit, which is what the schema's lengths count), 100 lines
 * of 64-character SKUs at the largest quantity and price.
 */
export const widest = (n: number) => "€".repeat(n);

/** An id of exactly `n` characters starting with `prefix`. */
export const paddedId = (prefix: string, n: number) => `${prefix}-${"x".repeat(n - prefix.length - 1)}`;

/** A command context with 128-character command and correlation ids. */
export const widestContext = () =>
  aCommandContext({ commandId: paddedId(uniqueId("cmd"), 128), correlationId: paddedId("corr", 128) });

export const widestSku = "S".repeat(64);

export const widestLines = (sku: string = widestSku) =>
  Array.from({ length: STRUCTURAL_LIMITS.maxItems }, () => ({
    sku,
    quantity: STRUCTURAL_LIMITS.maxQuantity,
    unitPrice: 1_000_000_000,
  }));

export const widestAddress = () => ({
  line1: widest(200),
  line2: widest(200),
  city: widest(200),
  region: widest(200),
  postalCode: widest(20),
  country: "BR",
});

export function largestOrder(): PlaceOrderInput & { orderId: string } {
  return {
    orderId: paddedId(uniqueId("order"), 64),
    customerId: widest(64),
    currency: "BRL",
    items: widestLines(),
    shippingAddress: widestAddress(),
  };
}

/** Every business rule broken by every line (duplicate SKU, quantity, price, stock): 400 issues and more. */
export function everyIssueOf(input: PlaceOrderInput): Issue[] {
  const catalog = new Map([[widestSku, { sku: widestSku, unitPrice: 1, currency: "BRL", stock: 0 }]]);
  return checkBusinessRules(input, catalog);
}
