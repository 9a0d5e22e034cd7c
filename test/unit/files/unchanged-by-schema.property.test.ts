import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { unchangedBySchema } from "../../../src/domain/files/unchanged-by-schema.js";
import { PlaceOrderSchema } from "../../../src/domain/schemas.js";
import { checkFileOrder } from "../../../src/domain/use-cases/file-flow.js";

const isCanonicalPlaceOrder = unchangedBySchema(PlaceOrderSchema);

/** Text that is sometimes fine, sometimes untrimmed, empty, too long or with control characters. */
const text = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 ,.-]{0,30}[A-Za-z0-9]$/) },
  { weight: 1, arbitrary: fc.string({ maxLength: 5 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      " padded",
      "padded ",
      "\u00a0nbsp",
      "tab\there",
      "",
      "x".repeat(201),
      "ünïcødé",
      "\ufeffbom",
    ),
  },
);
const integer = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 0, max: 10_000 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(-1, 0.5, 1e9, 1e9 + 1, 10_001, Number.NaN, Number.POSITIVE_INFINITY),
  },
  { weight: 1, arbitrary: fc.constantFrom("1", null, true) },
);
const item = fc.record(
  {
    sku: fc.oneof(fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/), text),
    quantity: integer,
    unitPrice: integer,
    extra: fc.constant(1),
  },
  { requiredKeys: [], noNullPrototype: true },
);
const address = fc.record(
  {
    line1: text,
    line2: text,
    city: text,
    region: text,
    postalCode: text,
    country: fc.oneof(fc.constantFrom("BR", "PT", "br", "BRA"), text),
    extra: fc.constant("x"),
  },
  { requiredKeys: [], noNullPrototype: true },
);
const order = fc.record(
  {
    orderId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), text),
    customerId: text,
    currency: fc.oneof(fc.constantFrom("BRL", "EUR", "brl", "EURO"), text),
    items: fc.oneof(fc.array(item, { minLength: 0, maxLength: 4 }), fc.constant("items")),
    shippingAddress: fc.oneof(address, fc.constant(null), fc.constant([])),
    notes: fc.constant("extra key"),
  },
  { requiredKeys: [], noNullPrototype: true },
);
const wellFormed = fc.record(
  {
    orderId: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
    customerId: fc.stringMatching(/^c-[a-z0-9]{1,10}$/),
    currency: fc.constantFrom("BRL", "EUR"),
    items: fc.array(
      fc.record(
        {
          sku: fc.stringMatching(/^SKU-[0-9]{1,3}$/),
          quantity: fc.integer({ min: 1, max: 10_000 }),
          unitPrice: fc.integer({ min: 0, max: 1e9 }),
        },
        { noNullPrototype: true },
      ),
      { minLength: 1, maxLength: 5 },
    ),
    shippingAddress: fc.record(
      {
        line1: fc.constant("Rua A, 1"),
        line2: fc.constant("apto 2"),
        city: fc.constant("São Paulo"),
        postalCode: fc.constant("01000-000"),
        country: fc.constant("BR"),
      },
      { requiredKeys: ["line1", "city", "postalCode", "country"], noNullPrototype: true },
    ),
  },
  { requiredKeys: ["customerId", "currency", "items", "shippingAddress"], noNullPrototype: true },
);

describe("the quick test compiled from PlaceOrderSchema", () => {
  it("accepts only what the schema accepts and leaves unchanged", () => {
    fc.assert(
      fc.property(fc.oneof(order, wellFormed), (value) => {
        const schema = PlaceOrderSchema.safeParse(value);
        if (isCanonicalPlaceOrder(value)) {
          expect(schema.success).toBe(true);
          expect(schema.data).toStrictEqual(value);
        }
        const check = checkFileOrder(value);
        expect(check.ok).toBe(schema.success);
        if (check.ok) expect(check.value).toStrictEqual(schema.data);
      }),
      { numRuns: 3000 },
    );
  });

  it("takes the fast path for the usual well-formed order", () => {
    fc.assert(
      fc.property(wellFormed, (value) => {
        expect(isCanonicalPlaceOrder(value)).toBe(true);
      }),
    );
  });

  it("reports the schema's issues, with field paths, for invalid orders", () => {
    const check = checkFileOrder({
      customerId: " ",
      currency: "BRL",
      items: [{ sku: "SKU-1", quantity: 0, unitPrice: 1 }],
      shippingAddress: {},
    });
    expect(check.ok).toBe(false);
    expect(check.ok ? [] : check.issues.map((issue) => issue.path)).toEqual(
      expect.arrayContaining(["customerId", "items.0.quantity", "shippingAddress.line1"]),
    );
  });

  it("returns the schema's output (trimmed text) for valid orders off the fast path", () => {
    const check = checkFileOrder({
      customerId: "  c-1  ",
      currency: "BRL",
      items: [{ sku: "SKU-1", quantity: 1, unitPrice: 1 }],
      shippingAddress: { line1: "Rua A", city: "X", postalCode: "1", country: "BR" },
    });
    expect(check).toMatchObject({ ok: true, value: { customerId: "c-1" } });
  });

  it("says false for a schema part or check it does not know (the schema decides)", () => {
    const withUnknown = z.strictObject({ a: z.string(), b: z.union([z.string(), z.number()]) });
    expect(unchangedBySchema(withUnknown)({ a: "x", b: "y" })).toBe(false);
    const loose = z.object({ a: z.string() });
    expect(unchangedBySchema(loose)({ a: "x" })).toBe(false);
    const email = z.strictObject({ a: z.string().check(z.email()) });
    expect(unchangedBySchema(email)({ a: "x@example.com" })).toBe(false);
  });
});
