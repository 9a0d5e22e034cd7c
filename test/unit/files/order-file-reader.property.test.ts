import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type OrderFileEntry,
  type OrderFileFormat,
  OrderFileReader,
} from "../../../src/domain/files/order-file-reader.js";

/** Feeds `bytes` in chunks whose sizes cycle through `sizes`. */
function read(
  bytes: Uint8Array,
  sizes: readonly number[],
  options: ConstructorParameters<typeof OrderFileReader>[0],
): OrderFileEntry[] {
  const reader = new OrderFileReader(options);
  const entries: OrderFileEntry[] = [];
  let offset = 0;
  let turn = 0;
  while (offset < bytes.length) {
    const size = sizes[turn++ % sizes.length]!;
    entries.push(...reader.write(bytes.subarray(offset, offset + size)));
    offset += size;
  }
  entries.push(...reader.end());
  return entries;
}

const whitespace = fc.array(fc.constantFrom("", " ", "\n", "\t", "\r\n", "  "), {
  minLength: 1,
  maxLength: 8,
});

/** JSON.stringify, with whitespace from `ws` between every token. */
function serialize(value: unknown, ws: () => string): string {
  if (Array.isArray(value))
    return `[${ws()}${value.map((v) => `${serialize(v, ws)}${ws()}`).join(`,${ws()}`)}]`;
  if (value !== null && typeof value === "object") {
    const fields = Object.entries(value).map(
      ([k, v]) => `${JSON.stringify(k)}${ws()}:${ws()}${serialize(v, ws)}${ws()}`,
    );
    return `{${ws()}${fields.join(`,${ws()}`)}}`;
  }
  return JSON.stringify(value);
}

const order = fc.record(
  {
    orderId: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/),
    customerId: fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }),
    currency: fc.constantFrom("BRL", "EUR"),
    items: fc.array(
      fc.record({
        sku: fc.string({ minLength: 1, maxLength: 8 }),
        quantity: fc.integer(),
        unitPrice: fc.integer({ min: 0 }),
      }),
      { maxLength: 3 },
    ),
    shippingAddress: fc.record({
      line1: fc.string({ unit: "binary" }),
      city: fc.string(),
      postalCode: fc.string(),
      country: fc.string(),
    }),
  },
  { requiredKeys: ["customerId"] },
);
/** Orders, mostly, and any JSON value (what a file may really hold). */
const element = fc.oneof(
  { weight: 3, arbitrary: order },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
const chunkSizes = fc.oneof(
  fc.constant([1]),
  fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 10 }),
);

describe("OrderFileReader yields what JSON.parse yields, for any chunking", () => {
  it("JSON documents ({ orders } or bare arrays, any whitespace, optional BOM)", () => {
    fc.assert(
      fc.property(
        fc.array(element, { maxLength: 12 }),
        whitespace,
        fc.boolean(),
        fc.boolean(),
        chunkSizes,
        (orders, spaces, wrapped, bom, sizes) => {
          let turn = 0;
          const ws = () => spaces[turn++ % spaces.length]!;
          const text = wrapped ? serialize({ orders }, ws) : serialize(orders, ws);
          const bytes = Buffer.from(`${bom ? "\ufeff" : ""}${ws()}${text}${ws()}`);
          const expected = wrapped
            ? (JSON.parse(text) as { orders: unknown[] }).orders
            : (JSON.parse(text) as unknown[]);
          const entries = read(bytes, sizes, {});
          expect(entries.map((e) => e.error)).toEqual(expected.map(() => undefined));
          expect(entries.map((e) => e.value)).toEqual(expected);
          expect(entries.map((e) => e.index)).toEqual(expected.map((_, i) => i));
          // Each entry's bytes are exactly the element.
          for (const entry of entries)
            expect(JSON.parse(bytes.subarray(entry.start, entry.end).toString())).toEqual(entry.value);
          checkResume(bytes, entries, "json", sizes);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("JSON Lines (LF or CRLF, blank lines, optional BOM)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(element, fc.constantFrom("\n", "\r\n", "\n\n", "\n  \t\n")), { maxLength: 12 }),
        fc.boolean(),
        fc.boolean(),
        chunkSizes,
        (lines, bom, finalBreak, sizes) => {
          const body = lines
            .map(
              ([value, eol], i) => `${JSON.stringify(value)}${i < lines.length - 1 || finalBreak ? eol : ""}`,
            )
            .join("");
          const bytes = Buffer.from(`${bom ? "\ufeff" : ""}${body}`);
          const expected = lines.map(([value]) => JSON.parse(JSON.stringify(value)) as unknown);
          const entries = read(bytes, sizes, { fileName: "orders.jsonl" });
          expect(entries.map((e) => e.value)).toEqual(expected);
          expect(entries.map((e) => e.error)).toEqual(expected.map(() => undefined));
          checkResume(bytes, entries, "jsonl", sizes);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** A reader resumed just past any entry yields exactly the entries after it. */
function checkResume(
  bytes: Buffer,
  entries: readonly OrderFileEntry[],
  format: OrderFileFormat,
  sizes: readonly number[],
): void {
  if (entries.length === 0) return;
  const at = entries[Math.floor(entries.length / 2)]!;
  const rest = read(bytes.subarray(at.end), sizes, {
    format,
    resume: { byteOffset: at.end, index: at.index + 1 },
  });
  const expected = entries.filter((e) => e.index > at.index);
  expect(rest.map((e) => [e.index, e.start, e.end, e.value])).toEqual(
    expected.map((e) => [e.index, e.start, e.end, e.value]),
  );
}
