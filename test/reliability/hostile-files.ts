import fc from "fast-check";

/**
 * Hostile batch files for the fuzzing campaign, each generated together with
 * what the pipeline must make of it (the oracle), from the format rules the
 * README states, never from the readers' code:
 *
 * - a parseable file (UTF-8, with or without a BOM, within the limits) has one
 *   order per non-blank JSON Lines line or per element of the orders array;
 *   each is valid or invalid by construction, a line over `maxOrderBytes` is
 *   one invalid order;
 * - anything else (UTF-16 or Latin-1 bytes, invalid UTF-8, a broken or
 *   mistaken document, too large, too many orders) is rejected whole with a
 *   reason code.
 */

/** The limits the campaign's pipeline runs with: low enough that files reach them cheaply. */
export const CAMPAIGN_LIMITS = { maxFileBytes: 128 * 1024, maxOrders: 40, maxOrderBytes: 64 * 1024 } as const;

export type Layout = "jsonl" | "document" | "array";
export type Encoding =
  | "utf8"
  | "utf8-bom"
  | "utf16le-bom"
  | "utf16be-bom"
  | "utf16le"
  | "utf16be"
  | "latin1"
  | "invalid-utf8";
/** How a file goes wrong as a whole, if it does. */
export type Breakage = "none" | "too-large" | "too-many-orders" | "jsonl-named-json" | "truncated";

/** One order of a file: its JSON text, and whether the API's schema accepts it. */
export interface EntrySpec {
  readonly text: string;
  readonly valid: boolean;
  /** Set when the order names its own id. */
  readonly orderId?: string | undefined;
}

export interface FileSpec {
  /** The file name, without the unique folder the campaign puts it in. */
  readonly name: string;
  readonly layout: Layout;
  readonly encoding: Encoding;
  readonly breakage: Breakage;
  readonly entries: readonly EntrySpec[];
  readonly bytes: Uint8Array;
  /** The limits the file sits at or goes over (`order-at-limit`, `file-over-limit`, …). */
  readonly limitsReached: readonly string[];
  /** Undefined for a parseable file; else the reason codes its rejection may give. */
  readonly rejectedWith?: readonly string[] | undefined;
}

// ─── Text ───────────────────────────────────────────────────────────────────

/** Characters that look like trouble but every transport carries, and the text rule accepts. */
const HOSTILE_BUT_FINE = [
  "\ufdd0",
  "\ufdef",
  "\u{1fffe}",
  "\u{10ffff}",
  "\ufeff",
  "\u200b",
  "\u202e",
  "\u0301",
  "\u0085",
  "\u00a0",
  "\u2028",
  "\u{1f600}",
  "日本",
  "é",
  " ",
  '"',
  "\\",
  "/",
  "<script>",
  "%00",
  "'; DROP TABLE orders; --",
  "a",
];
/** Characters the text rule refuses: noncharacters no queue carries, unpaired surrogates, controls. */
const REFUSED = [
  "\ufffe",
  "\uffff",
  "\ud800",
  "\udbff",
  "\udc00",
  "\udfff",
  "\u0000",
  "\u0001",
  "\u001f",
  "\u007f",
  "\t",
];

interface Piece {
  readonly text: string;
  /** Written as `\uXXXX` escapes rather than as the characters themselves. */
  readonly escaped: boolean;
}

/** A JSON string literal of `pieces`; unpaired surrogates are always escaped (UTF-8 has no bytes for them). */
function jsonString(pieces: readonly Piece[]): string {
  let out = '"';
  for (const { text, escaped } of pieces) {
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      const surrogate = code >= 0xd800 && code <= 0xdfff;
      const paired =
        (code <= 0xdbff && isLow(text.charCodeAt(i + 1))) ||
        (code >= 0xdc00 && isHigh(text.charCodeAt(i - 1)));
      if (escaped || (surrogate && !paired) || code < 0x20 || code === 0x22 || code === 0x5c) {
        out += `\\u${code.toString(16).padStart(4, "0")}`;
      } else {
        out += text[i];
      }
    }
  }
  return `${out}"`;
}
const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

const piece = (texts: readonly string[]) =>
  fc.record({ text: fc.constantFrom(...texts), escaped: fc.boolean() });

/** A text the rule accepts (a letter at each end, so trimming changes nothing), at most `max` UTF-16 units. */
const fineText = (max: number) =>
  fc.array(piece(HOSTILE_BUT_FINE), { maxLength: 8 }).map((middle) => {
    const pieces: Piece[] = [];
    let length = 2;
    for (const p of middle) {
      if (length + p.text.length > max) break;
      pieces.push(p);
      length += p.text.length;
    }
    return jsonString([{ text: "k", escaped: false }, ...pieces, { text: "k", escaped: false }]);
  });

/** A text the rule refuses: a refused character somewhere, too long, or blank. */
const refusedText = (max: number) =>
  fc.oneof(
    // Between letters: a refused character at an end might be whitespace that trimming removes.
    fc
      .tuple(piece(HOSTILE_BUT_FINE), piece(REFUSED))
      .map(([fine, bad]) =>
        jsonString([{ text: "k", escaped: false }, fine, bad, { text: "k", escaped: false }]),
      ),
    fc.constant(jsonString([{ text: "k".repeat(max + 1), escaped: false }])),
    fc.constantFrom('""', '"   "', '"\\t\\n"', '"\\u3000\\u2029"'),
  );

// ─── Orders ─────────────────────────────────────────────────────────────────

type Field = readonly [key: string, json: string];

/** An order as fields of JSON text, so that keys can repeat and values be spelled any way. */
interface OrderShape {
  readonly top: readonly Field[];
  /** Undefined: the order has no shipping address. */
  readonly address: readonly Field[] | undefined;
}

const TOP_TEXT = [["customerId", 64]] as const;
const ADDRESS_TEXT = [
  ["line1", 200],
  ["line2", 200],
  ["city", 200],
  ["region", 200],
  ["postalCode", 20],
] as const;
const TEXT_FIELDS = [...TOP_TEXT, ...ADDRESS_TEXT];
const inAddress = (field: string) => ADDRESS_TEXT.some(([k]) => k === field);

const validShape: fc.Arbitrary<OrderShape> = fc
  .record({
    customerId: fineText(64),
    line1: fineText(200),
    line2: fc.option(fineText(200), { nil: undefined }),
    city: fineText(200),
    region: fc.option(fineText(200), { nil: undefined }),
    postalCode: fineText(20),
    quantity: fc.integer({ min: 1, max: 3 }),
  })
  .map((o) => ({
    top: [
      ["customerId", o.customerId],
      ["currency", '"BRL"'],
      ["items", `[{"sku":"SKU-1","quantity":${o.quantity},"unitPrice":1250}]`],
    ],
    address: [
      ["line1", o.line1],
      ...(o.line2 ? [["line2", o.line2] as const] : []),
      ["city", o.city],
      ...(o.region ? [["region", o.region] as const] : []),
      ["postalCode", o.postalCode],
      ["country", '"BR"'],
    ],
  }));

/** Changes `field` (top level or in the address) with `change`, adding it when absent. */
function editField(
  shape: OrderShape,
  field: string,
  change: (fields: readonly Field[]) => Field[],
): OrderShape {
  return inAddress(field)
    ? { ...shape, address: change(shape.address ?? []) }
    : { ...shape, top: change(shape.top) };
}
/** `field` written twice: `first`, then `last` (JSON.parse keeps the last). */
const twice = (field: string, first: string, last: string) => (fields: readonly Field[]) => [
  ...fields.filter(([k]) => k !== field),
  [field, first] as const,
  [field, last] as const,
];
const replaced = (field: string, json: string) => (fields: readonly Field[]) => [
  ...fields.filter(([k]) => k !== field),
  [field, json] as const,
];

/** One change that makes a valid order invalid. */
const breakage: fc.Arbitrary<(shape: OrderShape) => OrderShape> = fc.oneof(
  fc
    .constantFrom(...TEXT_FIELDS)
    .chain(([field, max]) =>
      refusedText(max).map((json) => (s: OrderShape) => editField(s, field, replaced(field, json))),
    ),
  fc
    .tuple(
      fc.constantFrom("__proto__", "constructor", "prototype", "toString", "", "notes"),
      fc.constantFrom('{"polluted":true}', "null", "1"),
    )
    .map(([key, json]) => (s: OrderShape) => ({ ...s, top: [...s.top, [key, json] as const] })),
  fc
    .constantFrom(
      ["customerId", "123"],
      ["customerId", "null"],
      ["customerId", "{}"],
      ["currency", '"brl"'],
      ["currency", "[]"],
      ["items", "[]"],
      ["items", '[{"sku":"SKU-1","quantity":0,"unitPrice":1250}]'],
      ["items", '[{"sku":"SKU-1","quantity":1,"unitPrice":1.5}]'],
      ["items", '[{"sku":"SKU-1","quantity":1,"unitPrice":1e400}]'],
      ["items", '[{"sku":"SKU-1","quantity":1,"unitPrice":-1}]'],
      ["items", '[{"sku":"bad sku!","quantity":1,"unitPrice":1250}]'],
      ["items", '[{"sku":"SKU-1","quantity":"1","unitPrice":1250}]'],
    )
    .map(([field, json]) => (s: OrderShape) => ({ ...s, top: replaced(field, json)(s.top) })),
  fc
    .constantFrom("customerId", "items")
    .map((field) => (s: OrderShape) => ({ ...s, top: s.top.filter(([k]) => k !== field) })),
  fc.constant((s: OrderShape) => ({ ...s, address: undefined })),
  // A good value first does not save a refused one after it.
  fc
    .tuple(fc.constantFrom(...TEXT_FIELDS), fineText(20))
    .chain(([[field, max], good]) =>
      refusedText(max).map((bad) => (s: OrderShape) => editField(s, field, twice(field, good, bad))),
    ),
);

/** A refused value first, then the order's own (valid: JSON.parse keeps the last). */
const rescued: fc.Arbitrary<(shape: OrderShape) => OrderShape> = fc
  .constantFrom(...TEXT_FIELDS)
  .chain(([field, max]) =>
    refusedText(max).map((bad) => (s: OrderShape) => {
      const own = (inAddress(field) ? s.address : s.top)?.find(([k]) => k === field);
      return own ? editField(s, field, twice(field, bad, own[1])) : s;
    }),
  );

/** Entries that are not orders at all (still JSON). */
const notAnOrder = fc.oneof(
  fc.constantFrom("null", "42", '"an order"', "[]", "{}", "true", "-0", "1e999"),
  fc.integer({ min: 2, max: 600 }).map((depth) => `${"[".repeat(depth)}${"]".repeat(depth)}`),
  fc.integer({ min: 2, max: 300 }).map((depth) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`),
);

/** Lines that are not JSON (JSON Lines only: in a document they break the whole file). */
const NOT_JSON = [
  '{"customerId": "c-1",',
  "{customerId: 1}",
  '{"a":"\u0001"}',
  "nul\u0000l",
  "}{",
  "'x'",
  "\ufeff{}",
];

function render(shape: OrderShape, orderId: string | undefined, space: string): string {
  const fields: Field[] = [
    ...(orderId ? [["orderId", `"${orderId}"`] as const] : []),
    ...shape.top,
    ...(shape.address
      ? [
          [
            "shippingAddress",
            `{${shape.address.map(([k, v]) => `"${k}":${space}${v}`).join(`,${space}`)}}`,
          ] as const,
        ]
      : []),
  ];
  return `{${space}${fields.map(([k, v]) => `${JSON.stringify(k)}:${space}${v}`).join(`,${space}`)}${space}}`;
}

/** What an entry will be once the file's ids are known. */
type EntryPlan =
  | { readonly valid: true; readonly shape: OrderShape; readonly ownId: boolean }
  | { readonly valid: false; readonly text: (space: string) => string; readonly json: boolean };

const entryPlan: fc.Arbitrary<EntryPlan> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({ valid: fc.constant(true as const), shape: validShape, ownId: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(validShape, rescued, fc.boolean())
      .map(([shape, rescue, ownId]) => ({ valid: true as const, shape: rescue(shape), ownId })),
  },
  {
    weight: 3,
    arbitrary: fc.tuple(validShape, breakage, fc.boolean()).map(([shape, change, ownId]) => ({
      valid: false as const,
      json: true,
      text: (space: string) => render(change(shape), ownId ? "own-id-of-an-invalid-order" : undefined, space),
    })),
  },
  {
    weight: 1,
    arbitrary: notAnOrder.map((json) => ({ valid: false as const, json: true, text: () => json })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(...NOT_JSON)
      .map((text) => ({ valid: false as const, json: false, text: () => text })),
  },
);

// ─── Files ──────────────────────────────────────────────────────────────────

const NAME_PIECES = [
  " ",
  "+",
  "%",
  "%20",
  "%2F",
  "&",
  "#",
  "?",
  "(1)",
  "~",
  "!",
  "'",
  "*",
  "ü",
  "日本",
  "😀",
  "\ufffe",
  "\uffff",
  "\u0001",
  "\t",
  "\n",
  "\u007f",
  "\u0085",
  ".",
  "..",
  "/",
  "orders",
  "a",
];

/** A hostile name (its extension is the layout's business); sometimes long enough to near S3's 1,024-byte keys. */
const hostileName = fc
  .tuple(
    fc.array(fc.constantFrom(...NAME_PIECES), { minLength: 1, maxLength: 10 }),
    fc.option(fc.integer({ min: 100, max: 330 }), { freq: 8 }),
  )
  .map(([pieces, long]) => `${pieces.join("")}${long ? "ü".repeat(long) : ""}`);

/** How a file is to be made; {@link buildFile} makes it, and says what the pipeline must make of it. */
export interface Plan {
  readonly name: string;
  readonly extensionChoice: number;
  readonly layout: Layout;
  readonly encoding: Encoding;
  readonly breakage: Breakage;
  readonly entries: readonly EntryPlan[];
  /** Per line or element (cycled): CRLF, blank lines before it, spaces inside. */
  readonly style: readonly {
    readonly crlf: boolean;
    readonly blanks: readonly string[];
    readonly space: string;
  }[];
  readonly trailingNewline: boolean;
  /** JSON Lines: one more line exactly at `maxOrderBytes`, or one byte over. */
  readonly longLine: "none" | "at" | "over";
  /** Document: other top-level keys (nested, with prototype names) around `orders`. */
  readonly otherKeys: boolean;
  /** Pads the file to exactly `maxFileBytes`. */
  readonly fillToLimit: boolean;
  /** Where invalid UTF-8 goes, as a share of the file's length. */
  readonly injectAt: number;
  readonly badBytes: readonly number[];
}

export const planArb: fc.Arbitrary<Plan> = fc.record({
  name: hostileName,
  extensionChoice: fc.nat({ max: 4 }),
  layout: fc.constantFrom<Layout>("jsonl", "jsonl", "document", "array"),
  encoding: fc.oneof(
    { weight: 14, arbitrary: fc.constant<Encoding>("utf8") },
    { weight: 3, arbitrary: fc.constant<Encoding>("utf8-bom") },
    {
      weight: 3,
      arbitrary: fc.constantFrom<Encoding>(
        "utf16le-bom",
        "utf16be-bom",
        "utf16le",
        "utf16be",
        "latin1",
        "invalid-utf8",
      ),
    },
  ),
  breakage: fc.oneof(
    { weight: 24, arbitrary: fc.constant<Breakage>("none") },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Breakage>("too-large", "too-many-orders", "jsonl-named-json", "truncated"),
    },
  ),
  entries: fc.array(entryPlan, { maxLength: 8 }),
  style: fc.array(
    fc.record({
      crlf: fc.boolean(),
      blanks: fc.array(fc.constantFrom("", " ", "\t", "\r", "  \t "), { maxLength: 2 }),
      space: fc.constantFrom("", " ", "\t", "  "),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  trailingNewline: fc.boolean(),
  longLine: fc.nat({ max: 15 }).map((n): Plan["longLine"] => (n === 0 ? "at" : n === 1 ? "over" : "none")),
  otherKeys: fc.boolean(),
  fillToLimit: fc.nat({ max: 31 }).map((n) => n === 0),
  injectAt: fc.double({ min: 0, max: 1, noNaN: true }),
  badBytes: fc.constantFrom(
    [0xff],
    [0xfe],
    [0xc0, 0x80],
    [0xed, 0xa0, 0x80],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
    [0x80],
    [0xe2, 0x82],
  ),
});

const EXTENSIONS: Record<Layout, readonly string[]> = {
  jsonl: [".jsonl", ".ndjson", ".JSONL", ".jsonlines", ""],
  document: [".json", ".JSON", ""],
  array: [".json", ""],
};

/** A plain valid order (for the long line and the files with too many orders). */
const PLAIN: OrderShape = {
  top: [
    ["customerId", '"c-plain"'],
    ["currency", '"BRL"'],
    ["items", '[{"sku":"SKU-1","quantity":1,"unitPrice":1250}]'],
  ],
  address: [
    ["line1", '"Rua A, 1"'],
    ["city", '"Maceió"'],
    ["postalCode", '"57000-000"'],
    ["country", '"BR"'],
  ],
};

const bytesOf = (text: string) => Buffer.byteLength(text, "utf8");

/**
 * The file `plan` describes, with what the pipeline must make of it. `idOf(i)`
 * names the order at index `i` when it carries its own id (unique in the campaign).
 */
export function buildFile(plan: Plan, idOf: (index: number) => string): FileSpec {
  const limits = CAMPAIGN_LIMITS;
  let { layout, encoding, breakage } = plan;
  // Breakages that only make sense in some layouts and encodings.
  if (breakage === "truncated" && layout === "jsonl") breakage = "none";
  if (breakage === "jsonl-named-json") layout = "jsonl";
  if (breakage !== "none") encoding = "utf8";
  const style = (i: number) => plan.style[i % plan.style.length]!;

  const plans = layout === "jsonl" ? [...plan.entries] : plan.entries.filter((e) => e.valid || e.json);
  if (encoding === "latin1") plans.unshift({ valid: true, shape: PLAIN, ownId: false });
  if (breakage === "jsonl-named-json")
    while (plans.length < 2) plans.push({ valid: true, shape: PLAIN, ownId: false });
  if (breakage === "too-many-orders")
    while (plans.length <= limits.maxOrders) plans.push({ valid: true, shape: PLAIN, ownId: false });
  const entries: EntrySpec[] = plans.map((e, i) => {
    const { space } = style(i);
    if (!e.valid) return { text: e.text(space), valid: false };
    const orderId = e.ownId ? idOf(i) : undefined;
    return { text: render(e.shape, orderId, space), valid: true, orderId };
  });
  if (layout === "jsonl" && plan.longLine !== "none") {
    const i = entries.length;
    // A CR before the line feed counts in the line (it is the last line: it has one only with a trailing newline).
    const crlf = style(i).crlf && plan.trailingNewline;
    const orderId = idOf(i);
    const base = render(PLAIN, orderId, "");
    const target = limits.maxOrderBytes + (plan.longLine === "over" ? 1 : 0) - (crlf ? 1 : 0);
    const text = `{${" ".repeat(target - bytesOf(base))}${base.slice(1)}`;
    entries.push({ text, valid: plan.longLine === "at", ...(plan.longLine === "at" ? { orderId } : {}) });
  }

  let extension = EXTENSIONS[layout][plan.extensionChoice % EXTENSIONS[layout].length]!;
  if (breakage === "jsonl-named-json") extension = ".json";
  // Without an extension the content decides: a JSON Lines file must not open with `[`.
  if (extension === "" && layout === "jsonl" && entries[0]?.text.startsWith("[")) extension = ".jsonl";

  let text =
    layout === "jsonl" ? jsonLines(entries, plan) : document(entries, plan, layout, extension === "");
  if (breakage === "truncated") {
    const cut = 1 + Math.floor(plan.injectAt * Math.min(40, bytesOf(text) - 2));
    text = Buffer.from(text, "utf8")
      .subarray(0, bytesOf(text) - cut)
      .toString("utf8");
  }
  const bom = encoding === "utf8-bom" ? 3 : 0;
  if ((plan.fillToLimit && (encoding === "utf8" || encoding === "utf8-bom")) || breakage === "too-large") {
    const target = limits.maxFileBytes + (breakage === "too-large" ? 1 : 0) - bom;
    text = padded(text, target, layout);
  }
  const bytes = encode(text, encoding, plan);
  const name = withinKeyLimit(plan.name, extension);

  const rejectedWith = rejectionOf(plan, { layout, encoding, breakage, text, bytes });
  const limitsReached = [
    ...(layout === "jsonl" && plan.longLine !== "none" ? [`order-${plan.longLine}-limit`] : []),
    ...(bytes.length === limits.maxFileBytes ? ["file-at-limit"] : []),
    ...(bytes.length > limits.maxFileBytes ? ["file-over-limit"] : []),
    ...(entries.length > limits.maxOrders ? ["orders-over-limit"] : []),
  ];
  return { name, layout, encoding, breakage, entries, bytes, rejectedWith, limitsReached };
}

/** The reason codes a file's rejection may give, in the order the checks run; undefined when it is parseable. */
function rejectionOf(
  plan: Plan,
  file: { layout: Layout; encoding: Encoding; breakage: Breakage; text: string; bytes: Uint8Array },
): readonly string[] | undefined {
  const { layout, encoding, breakage, text, bytes } = file;
  // The size is checked before any byte is read, then the first bytes, then each chunk's UTF-8 before it is parsed.
  if (bytes.length > CAMPAIGN_LIMITS.maxFileBytes) return ["FILE_TOO_LARGE"];
  if (nulAtStart(bytes)) return ["FILE_ENCODING"];
  if (truncatedCharacterAfterDocument(plan, layout, encoding, text))
    return ["FILE_ENCODING", "FILE_NOT_PARSEABLE"];
  if (encoding !== "utf8" && encoding !== "utf8-bom" && bytes.length > 0) return ["FILE_ENCODING"];
  switch (breakage) {
    case "too-many-orders":
      return ["FILE_TOO_MANY_ORDERS"];
    case "jsonl-named-json":
      return ["FILE_NOT_PARSEABLE"];
    case "truncated":
      return ["FILE_NOT_PARSEABLE", "FILE_ENCODING"];
    default:
      return undefined;
  }
}

/**
 * The start of a character cut short, right after a document's last byte: the
 * document reader meets it before the end of the file shows that it is cut
 * short, and says that nothing may follow the document (true, too).
 */
function truncatedCharacterAfterDocument(
  plan: Plan,
  layout: Layout,
  encoding: Encoding,
  text: string,
): boolean {
  const length = bytesOf(text);
  return (
    encoding === "invalid-utf8" &&
    layout !== "jsonl" &&
    isCutShort(plan.badBytes) &&
    Math.floor(plan.injectAt * length) === length
  );
}

/** A lead byte followed by fewer continuation bytes than it announces. */
function isCutShort(bytes: readonly number[]): boolean {
  const lead = bytes[0]!;
  if (lead < 0xc2 || lead > 0xf4) return false;
  return (lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2) > bytes.length;
}

/** A NUL byte among the first four (after a UTF-8 byte-order mark): the mark of UTF-16 or UTF-32 without one. */
function nulAtStart(bytes: Uint8Array): boolean {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return bytes.subarray(bom, bom + 4).includes(0);
}

function jsonLines(entries: readonly EntrySpec[], plan: Plan): string {
  let out = "";
  entries.forEach((entry, i) => {
    const { crlf, blanks } = plan.style[i % plan.style.length]!;
    for (const blank of blanks) out += `${blank}\n`;
    const last = i === entries.length - 1;
    out += entry.text;
    if (!last || plan.trailingNewline) out += crlf ? "\r\n" : "\n";
  });
  return out;
}

function document(
  entries: readonly EntrySpec[],
  plan: Plan,
  layout: Layout,
  detectedByContent: boolean,
): string {
  const separator = (i: number) => {
    const { crlf, blanks, space } = plan.style[i % plan.style.length]!;
    return `,${blanks.length > 0 ? (crlf ? "\r\n" : "\n") : ""}${space}`;
  };
  const elements = entries.map((e, i) => (i === 0 ? e.text : `${separator(i)}${e.text}`)).join("");
  if (layout === "array") return `[${elements}]`;
  const nested = '{"__proto__":{"polluted":true},"constructor":{"prototype":[[[{"a":"\\uffff"}]]]}}';
  // Keys before `orders` would make a file without an extension look like JSON Lines.
  const before = plan.otherKeys && !detectedByContent ? `"meta":${nested},"__proto__":[1,2],` : "";
  const after = plan.otherKeys ? `,"trailer":${nested}` : "";
  return `{${before}"orders":[\n${elements}\n]${after}}`;
}

/** `text` grown to exactly `bytes` UTF-8 bytes with whitespace no order holds. */
function padded(text: string, bytes: number, layout: Layout): string {
  let missing = bytes - bytesOf(text);
  if (missing <= 0) return text;
  if (layout !== "jsonl") return text + " ".repeat(missing);
  // Blank lines, none longer than an order may be (a longer one would count as an order).
  let out = text.endsWith("\n") || text === "" ? text : `${text}\n`;
  missing = bytes - bytesOf(out);
  while (missing > 0) {
    const line = Math.min(missing, 32_000);
    out += line === 1 ? "\n" : `${" ".repeat(line - 1)}\n`;
    missing -= line;
  }
  return out;
}

function encode(text: string, encoding: Encoding, plan: Plan): Uint8Array {
  const utf8 = Buffer.from(text, "utf8");
  switch (encoding) {
    case "utf8":
      return utf8;
    case "utf8-bom":
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
    case "utf16le-bom":
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    case "utf16be-bom":
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, "utf16le").swap16()]);
    case "utf16le":
      return Buffer.from(text, "utf16le");
    case "utf16be":
      return Buffer.from(text, "utf16le").swap16();
    case "latin1":
      return Buffer.from(text, "latin1");
    case "invalid-utf8": {
      const at = Math.floor(plan.injectAt * utf8.length);
      return Buffer.concat([utf8.subarray(0, at), Buffer.from(plan.badBytes), utf8.subarray(at)]);
    }
  }
}

/** `name` + `extension`, shortened so that `incoming/<folder>/` + it stays within S3's 1,024 bytes. */
function withinKeyLimit(name: string, extension: string): string {
  const room = 1024 - "incoming/0000000/".length - bytesOf(extension);
  let cut = name;
  while (bytesOf(cut) > room) cut = Array.from(cut).slice(0, -1).join("");
  return `${cut}${extension}`;
}
