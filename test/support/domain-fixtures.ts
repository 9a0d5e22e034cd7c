import type { Product } from "../../src/domain/business-rules.js";
import type { CommandContext, NewOrder } from "../../src/domain/order.js";

export const PRODUCTS: Product[] = [
  { sku: "SKU-1", unitPrice: 1250, currency: "BRL", stock: 100 },
  { sku: "SKU-2", unitPrice: 990, currency: "BRL", stock: 5 },
  { sku: "SKU-USD", unitPrice: 500, currency: "USD", stock: 10 },
];

export const catalogMap = (products: readonly Product[] = PRODUCTS) =>
  new Map(products.map((p) => [p.sku, p]));

export function newOrder(overrides: Partial<NewOrder> = {}): NewOrder {
  return {
    orderId: "o-1",
    customerId: "c-123",
    currency: "BRL",
    items: [{ sku: "SKU-1", quantity: 2, unitPrice: 1250 }],
    shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
    ...overrides,
  };
}

let counter = 0;
export function ctx(overrides: Partial<CommandContext> = {}): CommandContext {
  counter++;
  return {
    commandId: `cmd-${counter}`,
    correlationId: "corr-1",
    at: new Date("2026-01-01T00:00:00Z"),
    ...overrides,
  };
}
