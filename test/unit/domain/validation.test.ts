import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sendRefusal } from "../../../src/adapters/memory/sqs-message-rules.js";
import { checkBusinessRules } from "../../../src/domain/business-rules.js";
import { isDeliverable, UNDELIVERABLE_MESSAGE } from "../../../src/domain/deliverable-text.js";
import { MoneyRangeError } from "../../../src/domain/errors.js";
import { isTerminal, lifecycleMermaid } from "../../../src/domain/lifecycle.js";
import {
  lineTotal,
  MAX_MINOR_UNITS,
  MAX_UNIT_PRICE,
  money,
  sumMinorUnits,
} from "../../../src/domain/money.js";
import {
  CancelOrderSchema,
  ModifyOrderSchema,
  PlaceOrderSchema,
  parseOrThrow,
  parseWith,
} from "../../../src/domain/schemas.js";
import { catalogMap, newOrder } from "../../support/domain-fixtures.js";

describe("structural validation", () => {
  it("accepts the contract's example", () => {
    expect(parseWith(PlaceOrderSchema, newOrder()).ok).toBe(true);
  });

  it("reports every problem with its field path", () => {
    const result = parseWith(PlaceOrderSchema, {
      customerId: "",
      currency: "reais",
      items: [{ sku: "SKU 1", quantity: 0, unitPrice: 12.5 }],
      shippingAddress: { line1: "x", city: "y", postalCode: "z", country: "Brazil" },
      extra: true,
    });
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "customerId",
        "currency",
        "items.0.sku",
        "items.0.quantity",
        "items.0.unitPrice",
        "shippingAddress.country",
        "",
      ]),
    );
  });

  it("refuses floats, negative amounts and amounts beyond the exact range", () => {
    for (const unitPrice of [0.1, -1, MAX_UNIT_PRICE + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const input = newOrder({ items: [{ sku: "SKU-1", quantity: 1, unitPrice }] });
      expect(parseWith(PlaceOrderSchema, input).ok, String(unitPrice)).toBe(false);
    }
  });

  it("throws a ValidationError whose JSON lists the issues", () => {
    try {
      parseOrThrow(ModifyOrderSchema, {}, "modification");
      expect.unreachable();
    } catch (error) {
      expect((error as { toJSON(): unknown }).toJSON()).toMatchObject({
        code: "VALIDATION_FAILED",
        details: { issues: [{ path: "", message: "must change items and/or shippingAddress" }] },
      });
    }
  });

  it("refuses control characters and oversized strings", () => {
    const address = { ...newOrder().shippingAddress, line1: "a\u0000b", city: "x".repeat(201) };
    const result = parseWith(PlaceOrderSchema, newOrder({ shippingAddress: address }));
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual([
      "shippingAddress.line1",
      "shippingAddress.city",
    ]);
  });
});

describe("deliverable text", () => {
  // SQS and SNS accept #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF; UTF-8 has no unpaired surrogates.
  it.each([
    ["U+FFFE", "x\uFFFE"],
    ["U+FFFF", "x\uFFFF"],
    ["a lone high surrogate", "x\uD800"],
    ["a lone high surrogate at the end", "abc\uDBFF"],
    ["a lone low surrogate", "\uDC00x"],
    ["surrogates in the wrong order", "\uDC00\uD800"],
  ])("refuses %s in every text field, naming its path", (_, bad) => {
    const order = newOrder({
      customerId: `c-${bad}`,
      shippingAddress: {
        ...newOrder().shippingAddress,
        line1: bad,
        line2: bad,
        city: bad,
        region: bad,
        postalCode: bad,
      },
    });
    const result = parseWith(PlaceOrderSchema, order);
    expect(result.ok ? [] : result.issues.map((i) => [i.path, i.message])).toEqual(
      [
        "customerId",
        "shippingAddress.line1",
        "shippingAddress.line2",
        "shippingAddress.city",
        "shippingAddress.region",
        "shippingAddress.postalCode",
      ].map((path) => [path, UNDELIVERABLE_MESSAGE]),
    );
    expect(parseWith(CancelOrderSchema, { reason: bad }).ok).toBe(false);
  });

  it("accepts every character the transports carry: pairs, private use, U+FFFD, noncharacters SQS allows", () => {
    for (const good of [
      "😀",
      "\uD83D\uDE00 ok",
      "\uE000\uFFFD",
      "\uFDD0",
      "\u{10FFFF}",
      "\u{1FFFE}",
      "ção",
    ]) {
      expect(isDeliverable(good)).toBe(true);
      expect(parseWith(CancelOrderSchema, { reason: good }).ok).toBe(true);
    }
  });

  it("agrees with what the in-memory queue (SQS's rule) accepts, for any string", () => {
    // UTF-16 code units, mostly from the ranges that matter, so pairs and lone halves both occur.
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0xffff }),
      fc.integer({ min: 0xd7fe, max: 0xe001 }),
      fc.integer({ min: 0xfffc, max: 0xffff }),
    );
    const text = fc.array(unit, { maxLength: 8 }).map((units) => `x${String.fromCharCode(...units)}`);
    fc.assert(
      fc.property(text, (body) => {
        const refused = sendRefusal({ id: "1", body }, false, false) !== undefined;
        expect(isDeliverable(body)).toBe(!refused);
      }),
      { numRuns: 5_000 },
    );
  });
});

describe("business validation", () => {
  it("passes a good order", () => {
    expect(checkBusinessRules(newOrder(), catalogMap())).toEqual([]);
  });

  it("reports every violation, not only the first", () => {
    const issues = checkBusinessRules(
      newOrder({
        items: [
          { sku: "NOPE", quantity: 1, unitPrice: 1 },
          { sku: "SKU-1", quantity: 2, unitPrice: 1 },
          { sku: "SKU-2", quantity: 6, unitPrice: 990 },
          { sku: "SKU-USD", quantity: 1, unitPrice: 500 },
          { sku: "SKU-1", quantity: 1, unitPrice: 1250 },
        ],
      }),
      catalogMap(),
      { maxItems: 4, maxQuantityPerItem: 5, maxOrderTotal: 100 },
    );
    expect(issues.map((i) => `${i.path}:${i.code}`)).toEqual([
      "items:TOO_MANY_ITEMS",
      "items.0.sku:UNKNOWN_SKU",
      "items.1.unitPrice:PRICE_MISMATCH",
      "items.2.quantity:QUANTITY_LIMIT",
      "items.2.quantity:INSUFFICIENT_STOCK",
      "items.3.sku:CURRENCY_MISMATCH",
      "items.4.sku:DUPLICATE_SKU",
      "total:ORDER_TOTAL_LIMIT",
    ]);
  });
});

describe("money", () => {
  it("computes exact totals in minor units", () => {
    expect(sumMinorUnits([lineTotal(1250, 2), lineTotal(990, 3)])).toBe(5470);
    expect(money(100, "BRL")).toEqual({ amount: 100, currency: "BRL" });
  });

  it("keeps the largest possible order exact", () => {
    expect(MAX_UNIT_PRICE * 10_000 * 100).toBeLessThanOrEqual(MAX_MINOR_UNITS);
    expect(Number.isSafeInteger(MAX_MINOR_UNITS)).toBe(true);
  });

  it("refuses amounts out of range", () => {
    expect(() => money(1.5, "BRL")).toThrow(MoneyRangeError);
    expect(() => money(1, "brl")).toThrow(MoneyRangeError);
    expect(() => sumMinorUnits([MAX_MINOR_UNITS, 1])).toThrow(MoneyRangeError);
  });
});

describe("lifecycle table", () => {
  it("has the contract's terminal statuses", () => {
    expect(isTerminal("REJECTED")).toBe(true);
    expect(isTerminal("FULFILLED")).toBe(true);
    expect(isTerminal("CANCELLED")).toBe(true);
    expect(isTerminal("RECEIVED")).toBe(false);
    expect(lifecycleMermaid()).toContain("PAID --> CANCELLED: cancel");
  });
});
