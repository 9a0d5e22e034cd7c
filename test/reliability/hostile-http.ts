import fc from "fast-check";
import { expect } from "vitest";
import { DEMO_CATALOG } from "../../src/adapters/memory/in-memory-product-catalog.js";
import {
  nextStatus,
  ORDER_STATUSES,
  type OrderCommand,
  type OrderStatus,
} from "../../src/domain/lifecycle.js";
import { STRUCTURAL_LIMITS } from "../../src/domain/schemas.js";
import type { HttpRequest } from "../../src/entrypoints/http/http-types.js";

/**
 * Generators of hostile HTTP requests for the public API, and the checks every
 * answer must pass. Bodies are rendered as JSON text by the generators
 * themselves, so they can hold what `JSON.stringify` never writes: duplicate
 * keys, raw number literals (`1e309`, `-0`, `2^53 + 1`, `NaN`), lone surrogates
 * as raw text, every character as a `\u` escape.
 */

/** A fragment of JSON text (or of something that only looks like JSON). */
type JsonText = string;

const NONCHARACTERS = [
  "\uFFFE",
  "\uFFFF",
  "\uFDD0",
  "\uFDEF",
  "\u{1FFFE}",
  "\u{1FFFF}",
  "\u{10FFFE}",
  "\u{10FFFF}",
];
const TRICKY = [
  "\u0000",
  "\t",
  "\n",
  "\u001F",
  "\u007F",
  "\u0085",
  "\u00A0",
  "\u200B",
  "\u202E",
  "\u2028",
  "\u2029",
  "\uFEFF",
  "\uFFFD",
  '"',
  "\\",
  "/",
  "%",
  "<script>",
  "{{x}}",
  "e\u0301",
  "🦄",
  "👩‍👩‍👧",
];

/**
 * A character from anywhere in Unicode (lone surrogates and noncharacters
 * included), or a sequence known to trouble parsers and logs. Drawn as code
 * points: an order of magnitude cheaper than one string arbitrary per character.
 */
const hostileCodePoint = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 0x10ffff }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 0x7f }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }) },
  { weight: 1, arbitrary: fc.constantFrom(...NONCHARACTERS.map((c) => c.codePointAt(0)!)) },
  { weight: 2, arbitrary: fc.nat({ max: TRICKY.length - 1 }).map((i) => -1 - i) },
);

/** Code points to text; a negative one stands for a {@link TRICKY} sequence. */
function textOf(codePoints: readonly number[]): string {
  let text = "";
  for (const cp of codePoints) {
    if (cp < 0) text += TRICKY[-1 - cp];
    // fromCodePoint would pair nothing: a surrogate code point stays a lone UTF-16 unit.
    else text += cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
  }
  return text;
}

const hostileText = (maxLength: number) => fc.array(hostileCodePoint, { maxLength }).map(textOf);

/** Characters a text field accepts: printable ASCII mostly, some beyond, some outside the BMP. */
const fineText30 = fc
  .array(
    fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
      { weight: 1, arbitrary: fc.constantFrom(0xe9, 0xe7, 0x5b57, 0x1f984, 0xa0, 0x2028) },
    ),
    { minLength: 1, maxLength: 30 },
  )
  .map((codePoints) => `x${String.fromCodePoint(...codePoints)}`);

/** Text of `limit - 1`, `limit` and `limit + 1` UTF-16 units: the edges of a length limit. */
const atTheEdgeOf = (limit: number) =>
  fc
    .tuple(fc.constantFrom(limit - 1, limit, limit + 1), fc.constantFrom("a", "é", "字", "🦄"))
    .map(([length, c]) => c.repeat(Math.ceil(length / c.length)).slice(0, length));

/** A text field's value: mostly acceptable, sometimes at its length limit, sometimes hostile. */
const textValue = (limit: number) =>
  fc.oneof(
    { weight: 40, arbitrary: fineText30 },
    { weight: 1, arbitrary: atTheEdgeOf(limit) },
    { weight: 2, arbitrary: sneakyText },
    { weight: 1, arbitrary: hostileText(40) },
  );

/**
 * Text that passes every other rule (no control characters, within length) but
 * holds one character a transport may refuse or mangle: the class that was
 * once accepted and then lost.
 */
const sneakyText = fc
  .tuple(
    fineText30,
    fc.oneof(
      fc.constantFrom(...NONCHARACTERS, "\u2028", "\u202E", "\uFEFF", "\u{E0001}", "\u{10FFFD}"),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
      fc.constantFrom("\uD83E", "\uDD84").map((half) => `${half}x`),
    ),
    fc.boolean(),
  )
  .map(([text, odd, before]) => (before ? `${odd}${text}` : `${text}${odd}`));

/** Number literals as a client may write them, valid JSON or not. */
const numberLiteral: fc.Arbitrary<JsonText> = fc.oneof(
  fc.constantFrom(
    "1e308",
    "-1e308",
    "1e309",
    "-0",
    "-0.0",
    "9007199254740993",
    "9007199254740992",
    "1e-400",
    "5e-324",
    "0.1",
    "34.90",
    "1E2",
    "100.0",
    "-1",
    "NaN",
    "Infinity",
    "-Infinity",
    "0x10",
    "1_000",
    "+1",
    ".5",
    "01",
    "1.",
  ),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map(String),
);

const string = (text: string): JsonText => JSON.stringify(text);

/** Keys a parser or a merge may treat specially. */
const hostileKey = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "", "items", "sku"),
  hostileText(12),
);

/** Any JSON-like value, a few levels deep, with hostile keys, numbers and text. */
const hostileValue: fc.Arbitrary<JsonText> = fc.letrec<{
  value: JsonText;
  array: JsonText;
  object: JsonText;
}>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constantFrom("null", "true", "false", "{}", "[]", '""'),
    numberLiteral,
    hostileText(30).map(string),
    tie("array"),
    tie("object"),
  ),
  array: fc.array(tie("value"), { maxLength: 4 }).map((items) => `[${items.join(",")}]`),
  object: fc.array(fc.tuple(hostileKey, tie("value")), { maxLength: 4 }).map(objectText),
})).value;

/** An object from its entries, in order: a key may appear twice. */
function objectText(entries: readonly (readonly [string, JsonText])[]): JsonText {
  return `{${entries.map(([key, value]) => `${string(key)}:${value}`).join(",")}}`;
}

/** Nesting deep enough to hurt a recursive parser or validator, within and beyond the body limit. */
const deepNesting = fc
  .tuple(fc.constantFrom(64, 1_000, 10_000, 40_000), fc.constantFrom("[", '{"a":'))
  .map(([depth, open]) => `${open.repeat(depth)}1${(open === "[" ? "]" : "}").repeat(depth)}`);

/** A field that is right most of the time, or anything else. */
const mostly = (good: fc.Arbitrary<JsonText>, rate = 100) =>
  fc.oneof({ weight: rate, arbitrary: good }, { weight: 1, arbitrary: hostileValue });

/** `good` most of the time, sometimes one of the values at or past a limit. */
const usually = (good: JsonText, ...edges: JsonText[]) =>
  fc.oneof({ weight: 60, arbitrary: fc.constant(good) }, { weight: 1, arbitrary: fc.constantFrom(...edges) });

const ID_CHARS = [..."ABCXYZabcxyz0189_-"];
/** Ids as the patterns allow them, and one character too long. */
const idText = fc.oneof(
  { weight: 30, arbitrary: fc.string({ unit: fc.constantFrom(...ID_CHARS), minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom("i".repeat(64), "i".repeat(65), "") },
);

const catalogItem = fc
  .tuple(fc.constantFrom(...DEMO_CATALOG), fc.integer({ min: 1, max: 3 }))
  .map(([product, quantity]) =>
    objectText([
      ["sku", string(product.sku)],
      ["quantity", String(quantity)],
      ["unitPrice", String(product.unitPrice)],
    ]),
  );

/** An item, usually from the demo catalog; sometimes one validation refuses (unknown sku, wrong price). */
const itemText = fc.oneof(
  { weight: 20, arbitrary: catalogItem },
  {
    weight: 2,
    arbitrary: fc
      .record({
        sku: mostly(idText.map(string)),
        quantity: mostly(
          fc.oneof(fc.constantFrom("1", "10000", "10001", "0", "1.0", "1e0", "1.5"), numberLiteral),
        ),
        unitPrice: mostly(
          fc.oneof(fc.constantFrom("3490", "0", "1000000000", "1000000001", "3490.0", "34.9"), numberLiteral),
        ),
      })
      .map((item) => objectText(Object.entries(item))),
  },
  { weight: 1, arbitrary: hostileValue },
);

/** Item lists of every size around the limit of 100. */
const itemsText = fc
  .oneof(
    { weight: 20, arbitrary: fc.array(itemText, { minLength: 1, maxLength: 3 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(0, STRUCTURAL_LIMITS.maxItems, STRUCTURAL_LIMITS.maxItems + 1), catalogItem)
        .map(([count, item]) => Array.from({ length: count }, () => item)),
    },
  )
  .map((items) => `[${items.join(",")}]`);

const addressText = fc
  .record(
    {
      line1: mostly(textValue(STRUCTURAL_LIMITS.maxTextLength).map(string)),
      line2: mostly(textValue(STRUCTURAL_LIMITS.maxTextLength).map(string)),
      city: mostly(textValue(STRUCTURAL_LIMITS.maxTextLength).map(string)),
      postalCode: mostly(usually(string("01000-000"), string("x".repeat(20)), string("x".repeat(21)))),
      country: mostly(usually(string("BR"), string("br"), string("BRA"), string("ZZ"))),
    },
    { requiredKeys: ["line1", "city", "postalCode", "country"] },
  )
  .map((address) => objectText(Object.entries(address)));

/** Extra members: unknown and prototype keys, or a second copy of a known key. */
const extraEntries = fc.array(
  fc.tuple(
    fc.oneof(hostileKey, fc.constantFrom("customerId", "currency", "items", "shippingAddress")),
    hostileValue,
  ),
  { maxLength: 2 },
);

/** Text a field accepts, up to its limit exactly. */
const fineText = (limit: number) =>
  fc.oneof(
    { weight: 20, arbitrary: fineText30 },
    { weight: 1, arbitrary: fc.constantFrom("a", "é", "字").map((c) => c.repeat(limit)) },
  );

const fineAddress = fc
  .record(
    {
      line1: fineText(STRUCTURAL_LIMITS.maxTextLength).map(string),
      line2: fineText(STRUCTURAL_LIMITS.maxTextLength).map(string),
      city: fineText(STRUCTURAL_LIMITS.maxTextLength).map(string),
      postalCode: fc.constant(string("01000-000")),
      country: fc.constant(string("BR")),
    },
    { requiredKeys: ["line1", "city", "postalCode", "country"] },
  )
  .map((address) => objectText(Object.entries(address)));

const fineItems = fc
  .array(catalogItem, { minLength: 1, maxLength: 3 })
  .map((items) => `[${items.join(",")}]`);

/** A PlaceOrder that structural validation accepts (business validation may still reject it). */
const fineOrderText = fc
  .record(
    {
      orderId: idText.filter((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id)).map(string),
      customerId: fineText(STRUCTURAL_LIMITS.maxIdLength).map(string),
      currency: fc.constant(string("BRL")),
      items: fineItems,
      shippingAddress: fineAddress,
    },
    { requiredKeys: ["customerId", "currency", "items", "shippingAddress"] },
  )
  .map((order) => objectText(Object.entries(order)));

/** A PlaceOrder that is valid a good share of the time, and wrong in every way otherwise. */
const nearOrderText: fc.Arbitrary<JsonText> = fc
  .tuple(
    fc.record(
      {
        orderId: mostly(idText.map(string)),
        customerId: mostly(textValue(STRUCTURAL_LIMITS.maxIdLength).map(string)),
        currency: mostly(usually(string("BRL"), string("USD"), string("brl"), string("BRLX"))),
        items: mostly(itemsText),
        shippingAddress: mostly(addressText),
      },
      { requiredKeys: ["customerId", "currency", "items", "shippingAddress"] },
    ),
    fc.option(extraEntries, { freq: 20, nil: [] }),
  )
  .map(([fields, extra]) => objectText([...Object.entries(fields), ...extra]));

/** PlaceOrder bodies: valid ones, and near-valid ones wrong in every way. */
export const placeOrderText = fc.oneof(
  { weight: 1, arbitrary: fineOrderText },
  { weight: 2, arbitrary: nearOrderText },
);

export const cancelText: fc.Arbitrary<JsonText> = fc
  .tuple(
    fc.record(
      { reason: mostly(textValue(STRUCTURAL_LIMITS.maxReasonLength).map(string)) },
      { requiredKeys: [] },
    ),
    fc.option(extraEntries, { freq: 20, nil: [] }),
  )
  .map(([fields, extra]) => objectText([...Object.entries(fields), ...extra]));

export const modifyText: fc.Arbitrary<JsonText> = fc.oneof(
  fc
    .record({ items: fineItems, shippingAddress: fineAddress }, { requiredKeys: [] })
    .map((fields) => objectText(Object.entries(fields))),
  fc
    .tuple(
      fc.record({ items: mostly(itemsText), shippingAddress: mostly(addressText) }, { requiredKeys: [] }),
      fc.option(extraEntries, { freq: 20, nil: [] }),
    )
    .map(([fields, extra]) => objectText([...Object.entries(fields), ...extra])),
);

/**
 * How the body's text is written: as `JSON.stringify` would (lone surrogates as
 * `\u` escapes), with lone surrogates as raw text, or every non-ASCII character
 * as a `\u` escape.
 */
const escapings = {
  json: (text: string) => text,
  rawSurrogates: (text: string) =>
    text.replace(/\\(\\|u(d[89a-f][0-9a-f]{2}))/g, (whole, _escape, hex?: string) =>
      hex ? String.fromCharCode(Number.parseInt(hex, 16)) : whole,
    ),
  asciiOnly: (text: string) =>
    text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`),
};

/** Bytes no UTF-8 decoder accepts: overlong, surrogates, truncated, out of range. */
const INVALID_UTF8 = [
  [0xc0, 0x80],
  [0xed, 0xa0, 0x80],
  [0xe2, 0x82],
  [0xff],
  [0xf4, 0x90, 0x80, 0x80],
  [0x80],
];

/** How the body travels: as text, as base64 of its UTF-8, with bad bytes or a BOM, as UTF-16. */
type Carriage = "text" | "base64" | "invalidUtf8" | "bom" | "utf16";

export interface BodyPlan {
  readonly text: JsonText;
  readonly escaping: keyof typeof escapings;
  readonly carriage: Carriage;
  /** Where invalid bytes go, for `invalidUtf8` (a fraction of the length). */
  readonly at: number;
  readonly bad: number;
}

/** A body arbitrary, written and carried in every way. */
export const bodyPlan = (text: fc.Arbitrary<JsonText>): fc.Arbitrary<BodyPlan> =>
  fc.record({
    text: fc.oneof(
      { weight: 40, arbitrary: text },
      { weight: 2, arbitrary: hostileValue },
      { weight: 1, arbitrary: deepNesting },
      { weight: 1, arbitrary: hostileText(60) },
      {
        weight: 1,
        arbitrary: fc.constantFrom("", " ", "null", "[]", '"x"', "{", '{"a":1}{"b":2}', "\uFEFF{}"),
      },
      { weight: 1, arbitrary: padded(text) },
    ),
    escaping: fc.constantFrom("json", "json", "json", "json", "rawSurrogates", "asciiOnly", "asciiOnly"),
    carriage: fc.oneof(
      { weight: 12, arbitrary: fc.constantFrom<Carriage>("text", "base64") },
      { weight: 1, arbitrary: fc.constantFrom<Carriage>("invalidUtf8", "bom", "utf16") },
    ),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    bad: fc.nat({ max: INVALID_UTF8.length - 1 }),
  });

/** A body padded with whitespace to exactly 64 KiB, or one byte over. */
function padded(text: fc.Arbitrary<JsonText>): fc.Arbitrary<JsonText> {
  return fc.tuple(text, fc.constantFrom(0, 1)).map(([json, over]) => {
    const room = 64 * 1024 - Buffer.byteLength(json) + over;
    return room >= 0 ? `${json}${" ".repeat(room)}` : json;
  });
}

/** The body as the request carries it. */
export function renderBody(plan: BodyPlan): Pick<HttpRequest, "body" | "isBase64Encoded"> {
  const text = escapings[plan.escaping](plan.text);
  switch (plan.carriage) {
    case "text":
      return { body: text, isBase64Encoded: false };
    case "base64":
      return { body: Buffer.from(text).toString("base64"), isBase64Encoded: true };
    case "bom":
      return { body: Buffer.from(`\uFEFF${text}`).toString("base64"), isBase64Encoded: true };
    case "utf16":
      return { body: Buffer.from(text, "utf16le").toString("base64"), isBase64Encoded: true };
    case "invalidUtf8": {
      const bytes = Buffer.from(text);
      const cut = Math.floor(bytes.length * plan.at);
      const bad = Buffer.from(INVALID_UTF8[plan.bad]!);
      return {
        body: Buffer.concat([bytes.subarray(0, cut), bad, bytes.subarray(cut)]).toString("base64"),
        isBase64Encoded: true,
      };
    }
  }
}

/** Header values a client may send, hostile ones included. */
export const headersArb = fc.record(
  {
    contentType: fc.oneof(
      { weight: 30, arbitrary: fc.constant("application/json") },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          "application/json; charset=utf-8",
          "Application/JSON;charset=UTF-8",
          "application/problem+json",
          "application/json; charset=latin1",
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "",
          ";;;",
          "application/json; charset=",
        ),
      },
      { weight: 1, arbitrary: hostileText(40) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    ),
    idempotencyKey: fc.oneof(
      { weight: 12, arbitrary: fc.constant(undefined) },
      /** Keys from a small pool, so a key comes back with another body or the same one. */
      { weight: 3, arbitrary: fc.nat({ max: 19 }).map((n) => `fuzz-key-${n}`) },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: hostileText(140) },
      { weight: 1, arbitrary: fc.constantFrom("", " ", "a".repeat(128), "a".repeat(129), "k\r\nX: y") },
    ),
    correlationId: fc.oneof(
      { weight: 4, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: idText },
      { weight: 1, arbitrary: hostileText(140) },
      { weight: 1, arbitrary: fc.constantFrom("a".repeat(129), "a\r\nSet-Cookie: x=1", " padded ") },
    ),
    /** The same header twice in different cases; the last one wins. */
    shadowContentType: fc.option(fc.constantFrom("text/plain", "application/json"), { freq: 20 }),
  },
  { requiredKeys: ["contentType", "idempotencyKey", "correlationId", "shadowContentType"] },
);

export type HeadersPlan = typeof headersArb extends fc.Arbitrary<infer T> ? T : never;

export function renderHeaders(plan: HeadersPlan): Record<string, string> {
  const headers: Record<string, string> = {};
  if (plan.shadowContentType !== null) headers["CONTENT-TYPE"] = plan.shadowContentType;
  if (plan.contentType !== undefined) headers["content-type"] = plan.contentType;
  if (plan.idempotencyKey !== undefined) headers["Idempotency-Key"] = plan.idempotencyKey;
  if (plan.correlationId !== undefined) headers["X-Correlation-Id"] = plan.correlationId;
  return headers;
}

/** Path parameters: a known order (by index, resolved when the request is sent), an unknown one, or hostile. */
/** `POST /notifications` bodies: valid a good share of the time, wrong in every way otherwise. */
export const notificationText: fc.Arbitrary<JsonText> = fc
  .tuple(
    fc.record(
      {
        userId: mostly(idText.map(string)),
        message: mostly(textValue(STRUCTURAL_LIMITS.maxNotificationMessageLength).map(string)),
        priority: mostly(
          usually(string("high"), string("medium"), string("low"), string("HIGH"), string("urgent")),
        ),
      },
      { requiredKeys: ["userId", "message", "priority"] },
    ),
    fc.option(extraEntries, { freq: 20, nil: [] }),
  )
  .map(([fields, extra]) => objectText([...Object.entries(fields), ...extra]));

/** Query strings of the notification listings: mostly fine ones, and hostile ones (unknown names, bad limits and cursors). */
export const listingQuery: fc.Arbitrary<Record<string, string>> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record(
      {
        priority: fc.constantFrom("high", "medium", "low"),
        limit: fc.integer({ min: 1, max: 100 }).map(String),
      },
      { requiredKeys: [] },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      {
        priority: fc.oneof(fc.constantFrom("high", "medium", "low", "HIGH", ""), hostileText(10)),
        limit: fc.oneof(
          fc.constantFrom("1", "100", "0", "101", "-1", "1e2", "ten", " 5", "00020"),
          hostileText(6),
        ),
        cursor: fc.oneof(fc.constantFrom("", "e30", "eyJ9", "%%%", "x".repeat(3_000)), hostileText(40)),
        sort: hostileText(8),
      },
      { requiredKeys: [] },
    ),
  },
);

export type OrderRef = { readonly known: number } | { readonly literal: string };

export const orderRef: fc.Arbitrary<OrderRef> = fc.oneof(
  { weight: 12, arbitrary: fc.nat({ max: 1_000 }).map((known) => ({ known })) },
  { weight: 1, arbitrary: idText.map((literal) => ({ literal })) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        hostileText(70),
        fc.constantFrom(
          "%",
          "%2F",
          "%00",
          "..",
          ".",
          "a/b",
          "a%2Fb",
          "x".repeat(65),
          "%E0%A4%A",
          "%ED%A0%80",
        ),
        hostileText(20).map(encodeLoosely),
      )
      .map((literal) => ({ literal })),
  },
);

/** Percent-encodes what can be encoded; a lone surrogate, which `encodeURIComponent` refuses, stays raw. */
function encodeLoosely(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text;
  }
}

/** What varies in the path around a route: a trailing slash, a query string, another case. */
export const pathDecoration = fc.constantFrom("", "", "", "", "/", "?x=1", "?__proto__[a]=1");

/** Methods for routes and for nowhere. */
export const anyMethod = fc.oneof(
  fc.constantFrom("GET", "POST", "PATCH", "PUT", "DELETE", "OPTIONS", "HEAD", "TRACE", "get", "pAtCh", ""),
  fc.string({ maxLength: 12 }),
);

/** Paths that lead nowhere, or almost somewhere. */
export const unknownPath = fc.oneof(
  fc.constantFrom(
    "/",
    "",
    "orders",
    "/ORDERS",
    "//orders",
    "/orders/a/b/c",
    "/orders/o-1/cancel/x",
    "/orders/o-1/CANCEL",
    "/products/x",
    "/health/",
    "/_local/queues",
    "/%2e%2e/etc/passwd",
    "/orders%2Fo-1",
    "/__proto__",
    "/constructor/prototype",
  ),
  fc.webPath(),
  fc.array(hostileText(12), { maxLength: 5 }).map((segments) => `/${segments.join("/")}`),
  hostileText(80),
);

/** An answer's JSON body, read loosely. */
// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field
export type Answer = { statusCode: number; headers: Record<string, string>; json: any };

/**
 * What every answer must be, whatever was asked: a status below 500, a JSON
 * body, a correlation id; an error in the contract's exact shape, with issues
 * (field paths) on every 400. Returns what is wrong, or undefined (plain
 * checks: tens of thousands of answers go through here).
 */
export function contractViolation(answer: Answer, allowed5xx: readonly number[] = []): string | undefined {
  const { statusCode, headers, json } = answer;
  if (!(statusCode >= 200 && statusCode < 500) && !allowed5xx.includes(statusCode))
    return `status ${statusCode}`;
  if ((headers["content-type"] ?? headers["Content-Type"]) !== "application/json; charset=utf-8")
    return "not JSON";
  if (!/^[A-Za-z0-9._:-]{1,128}$/.test(headers["x-correlation-id"] ?? headers["X-Correlation-Id"] ?? ""))
    return "no acceptable X-Correlation-Id";
  if (statusCode < 400) return undefined;
  if (typeof json !== "object" || json === null || Object.keys(json).join() !== "error")
    return "not { error }";
  const { code, message, issues, ...rest } = json.error ?? {};
  if (Object.keys(rest).length > 0) return `unexpected members ${Object.keys(rest).join()}`;
  if (typeof code !== "string" || !/^[A-Z_]+$/.test(code)) return "no code";
  if (typeof message !== "string" || message === "") return "no message";
  if (issues === undefined && statusCode !== 400) return undefined;
  if (!Array.isArray(issues) || (statusCode === 400 && issues.length === 0))
    return "a 400 without field paths";
  const badIssue = issues.find(
    (issue: unknown) =>
      typeof (issue as { path?: unknown }).path !== "string" ||
      typeof (issue as { message?: unknown }).message !== "string",
  );
  return badIssue === undefined ? undefined : `issue without path or message: ${JSON.stringify(badIssue)}`;
}

/** Reads an answer and fails the test, showing it, when it breaks the contract. */
export function expectContractAnswer(
  statusCode: number,
  headers: Record<string, string>,
  body: string,
  /** 5xx statuses a test provokes on purpose (a 503 when it makes a dependency fail). */
  allowed5xx: readonly number[] = [],
): Answer {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    expect.fail(`a ${statusCode} whose body is not JSON: ${body.slice(0, 200)}`);
  }
  const answer = { statusCode, headers, json };
  const violation = contractViolation(answer, allowed5xx);
  if (violation !== undefined) expect.fail(`${violation}: ${statusCode} ${body.slice(0, 500)}`);
  return answer;
}

/** Commands the pipeline applies by itself; the others come from clients. */
const PIPELINE_COMMANDS: readonly OrderCommand[] = [
  "validate",
  "reject",
  "startPayment",
  "recordPaymentSuccess",
  "recordPaymentFailure",
  "confirm",
];

/** Statuses the pipeline takes an order no further from: where every accepted order must end up once drained. */
export const SETTLED_STATUSES: readonly OrderStatus[] = ORDER_STATUSES.filter((status) =>
  PIPELINE_COMMANDS.every((command) => [undefined, status].includes(nextStatus(status, command))),
);
