import type { Issue } from "./errors.js";
import { MAX_MINOR_UNITS } from "./money.js";

/** What business validation needs to know of a product. */
export interface Product {
  readonly sku: string;
  readonly unitPrice: number;
  readonly currency: string;
  readonly stock: number;
}

/** Limits a business may tighten; the structural limits of the schemas still apply. */
export interface BusinessLimits {
  readonly maxItems: number;
  readonly maxQuantityPerItem: number;
  readonly maxOrderTotal: number;
}

export const DEFAULT_BUSINESS_LIMITS: BusinessLimits = {
  maxItems: 50,
  maxQuantityPerItem: 1_000,
  maxOrderTotal: 100_000_000, // one million in a 2-decimal currency
};

export interface LineToCheck {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

/**
 * Checks an order's lines against the catalog and the limits, and reports every
 * violation (not only the first), each with the path of the line it concerns.
 * `products` holds the catalog entries for the order's SKUs (missing = unknown).
 */
export function checkBusinessRules(
  order: { readonly currency: string; readonly items: readonly LineToCheck[] },
  products: ReadonlyMap<string, Product>,
  limits: BusinessLimits = DEFAULT_BUSINESS_LIMITS,
): Issue[] {
  const issues: Issue[] = [];
  if (order.items.length > limits.maxItems) {
    issues.push({
      path: "items",
      code: "TOO_MANY_ITEMS",
      message: `an order may hold at most ${limits.maxItems} items, this one holds ${order.items.length}`,
    });
  }

  const firstIndexOfSku = new Map<string, number>();
  let total = 0;
  order.items.forEach((item, index) => {
    const path = `items.${index}`;
    const seenAt = firstIndexOfSku.get(item.sku);
    if (seenAt !== undefined) {
      issues.push({
        path: `${path}.sku`,
        code: "DUPLICATE_SKU",
        message: `SKU ${item.sku} already appears at items.${seenAt}; merge the lines`,
      });
    } else {
      firstIndexOfSku.set(item.sku, index);
    }
    if (item.quantity > limits.maxQuantityPerItem) {
      issues.push({
        path: `${path}.quantity`,
        code: "QUANTITY_LIMIT",
        message: `at most ${limits.maxQuantityPerItem} units per item`,
      });
    }
    total += item.unitPrice * item.quantity;

    const product = products.get(item.sku);
    if (!product) {
      issues.push({
        path: `${path}.sku`,
        code: "UNKNOWN_SKU",
        message: `SKU ${item.sku} is not in the catalog`,
      });
      return;
    }
    if (product.currency !== order.currency) {
      issues.push({
        path: `${path}.sku`,
        code: "CURRENCY_MISMATCH",
        message: `SKU ${item.sku} is sold in ${product.currency}, the order is in ${order.currency}`,
      });
    } else if (product.unitPrice !== item.unitPrice) {
      issues.push({
        path: `${path}.unitPrice`,
        code: "PRICE_MISMATCH",
        message: `SKU ${item.sku} costs ${product.unitPrice}, the order says ${item.unitPrice}`,
      });
    }
    if (product.stock < item.quantity) {
      issues.push({
        path: `${path}.quantity`,
        code: "INSUFFICIENT_STOCK",
        message: `only ${product.stock} units of ${item.sku} in stock, ${item.quantity} ordered`,
      });
    }
  });

  // Prices, quantities and line counts are bounded by the schemas, so this sum is exact.
  if (total > Math.min(limits.maxOrderTotal, MAX_MINOR_UNITS)) {
    issues.push({
      path: "total",
      code: "ORDER_TOTAL_LIMIT",
      message: `the order total ${total} exceeds the limit of ${limits.maxOrderTotal}`,
    });
  }
  return issues;
}
