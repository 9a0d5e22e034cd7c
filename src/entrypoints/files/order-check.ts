import type { Issue } from "../../domain/errors.js";
import { CURRENCY_PATTERN, MAX_UNIT_PRICE } from "../../domain/money.js";
import {
  ORDER_ID_PATTERN,
  type PlaceOrderInput,
  PlaceOrderSchema,
  parseWith,
  STRUCTURAL_LIMITS,
} from "../../domain/schemas.js";

export type OrderCheck =
  /**
   * `canonical`: the input is already exactly what the schema outputs (so its
   * JSON text can be forwarded as it is).
   */
  | { readonly ok: true; readonly order: PlaceOrderInput; readonly canonical: boolean }
  | { readonly ok: false; readonly issues: readonly Issue[] };

/**
 * Structural validation of one order of a file with {@link PlaceOrderSchema}.
 *
 * A file holds up to millions of orders, and the schema (with its issue
 * collection) costs more than parsing the JSON. So a fast path first answers
 * "certainly valid, and unchanged by the schema" for the usual order; anything
 * it is not sure of (an invalid order, untrimmed text the schema would trim,
 * an unusual key) goes through the schema itself, which stays the only judge
 * of what is invalid and why. A property test holds the fast path to that:
 * whatever it accepts, the schema accepts and returns unchanged.
 */
export function checkOrder(value: unknown): OrderCheck {
  if (isCanonicalPlaceOrder(value)) return { ok: true, order: value, canonical: true };
  const parsed = parseWith(PlaceOrderSchema, value);
  return parsed.ok
    ? { ok: true, order: parsed.value, canonical: false }
    : { ok: false, issues: parsed.issues };
}

const SKU_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const COUNTRY_PATTERN = /^[A-Z]{2}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const CONTROL = /[\u0000-\u001f\u007f]/;

/** True only when the schema would accept `value` and output it unchanged. */
export function isCanonicalPlaceOrder(value: unknown): value is PlaceOrderInput {
  if (!isPlainObject(value)) return false;
  let keys = 0;
  for (const key in value) {
    keys++;
    if (
      key !== "orderId" &&
      key !== "customerId" &&
      key !== "currency" &&
      key !== "items" &&
      key !== "shippingAddress"
    ) {
      return false;
    }
  }
  const order = value as Record<string, unknown>;
  const required = 4 + (order.orderId === undefined ? 0 : 1);
  if (keys !== required) return false;
  if (
    order.orderId !== undefined &&
    !(typeof order.orderId === "string" && ORDER_ID_PATTERN.test(order.orderId))
  )
    return false;
  if (!isText(order.customerId, STRUCTURAL_LIMITS.maxIdLength)) return false;
  if (!(typeof order.currency === "string" && CURRENCY_PATTERN.test(order.currency))) return false;
  const items = order.items;
  if (!Array.isArray(items) || items.length < 1 || items.length > STRUCTURAL_LIMITS.maxItems) return false;
  for (const item of items) if (!isItem(item)) return false;
  return isAddress(order.shippingAddress);
}

function isItem(item: unknown): boolean {
  if (!isPlainObject(item)) return false;
  let keys = 0;
  for (const key in item) {
    keys++;
    if (key !== "sku" && key !== "quantity" && key !== "unitPrice") return false;
  }
  const { sku, quantity, unitPrice } = item as Record<string, unknown>;
  return (
    keys === 3 &&
    typeof sku === "string" &&
    SKU_PATTERN.test(sku) &&
    isIntegerIn(quantity, 1, STRUCTURAL_LIMITS.maxQuantity) &&
    isIntegerIn(unitPrice, 0, MAX_UNIT_PRICE)
  );
}

function isAddress(address: unknown): boolean {
  if (!isPlainObject(address)) return false;
  let keys = 0;
  for (const key in address) {
    keys++;
    if (
      key !== "line1" &&
      key !== "line2" &&
      key !== "city" &&
      key !== "region" &&
      key !== "postalCode" &&
      key !== "country"
    ) {
      return false;
    }
  }
  const a = address as Record<string, unknown>;
  const required = 4 + (a.line2 === undefined ? 0 : 1) + (a.region === undefined ? 0 : 1);
  return (
    keys === required &&
    isText(a.line1) &&
    (a.line2 === undefined || isText(a.line2)) &&
    isText(a.city) &&
    (a.region === undefined || isText(a.region)) &&
    isText(a.postalCode, 20) &&
    typeof a.country === "string" &&
    COUNTRY_PATTERN.test(a.country)
  );
}

/** The schema's `text()`: trimmed (so unchanged by its trim), not empty, bounded, no control characters. */
function isText(value: unknown, max: number = STRUCTURAL_LIMITS.maxTextLength): boolean {
  return (
    typeof value === "string" &&
    value.length >= 1 &&
    value.length <= max &&
    value.trim() === value &&
    !CONTROL.test(value)
  );
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  // What JSON.parse makes; anything more exotic goes to the schema.
  return Object.getPrototypeOf(value) === Object.prototype;
}
