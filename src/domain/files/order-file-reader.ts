import { describeInvalidJson, jsonSyntaxErrorByte } from "./json-syntax.js";
import { OrderFileError } from "./order-file-errors.js";
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  CR,
  decodeKey,
  detectFormat,
  formatFromName,
  isWhitespace,
  LF,
  OPEN_BRACE,
  OPEN_BRACKET,
  type OrderFileFormat,
  QUOTE,
  SPACE,
  TAB,
} from "./order-file-format.js";
import { Utf8Checker } from "./utf8-checker.js";

/**
 * A streaming reader of batch order files, over raw bytes, in bounded memory.
 *
 * Two formats:
 * - `jsonl`: JSON Lines, one order a line. Lines end with LF or CRLF; blank lines
 *   are skipped (they take no index); a line that is not JSON, or longer than
 *   `maxOrderBytes`, is one invalid order, not a broken file.
 * - `json`: a JSON document `{ "orders": [ … ] }` (other top-level keys are
 *   skipped) or a bare array `[ … ]`. The reader finds the byte boundaries of
 *   each element of the orders array itself, tracking strings, escapes and
 *   nesting over the bytes, and `JSON.parse`s each element's slice alone. A
 *   syntax error anywhere makes the whole file unparseable; an element larger
 *   than `maxOrderBytes` is skipped and reported as one invalid order.
 *
 * The file must be UTF-8 (a UTF-8 byte-order mark is skipped); UTF-16/32
 * byte-order marks, a NUL byte among the first four (UTF-16/32 without a
 * byte-order mark) and invalid UTF-8 reject the file. A NUL byte further on
 * is no JSON, so it makes its order (JSON Lines) or the document unreadable.
 *
 * Every entry carries the byte offset just past it, so a reader created with
 * `resume` at that offset continues with the next order (how extraction
 * continues from a checkpoint).
 *
 * Pure: it works on `Uint8Array` chunks from any source (an S3 body, a file
 * stream, a test) and decodes each order's bytes with one `TextDecoder`.
 */

export type { OrderFileFormat } from "./order-file-format.js";
export { formatFromName } from "./order-file-format.js";

export interface OrderFileLimits {
  /** Largest file accepted, in bytes. */
  readonly maxFileBytes: number;
  /** Most orders (valid or not) in one file. */
  readonly maxOrders: number;
  /** Largest order: a JSON Lines line or a JSON array element, in bytes. */
  readonly maxOrderBytes: number;
}

/** Defaults: 5 GiB (S3's largest single PUT), 10 million orders, 64 KiB per order (well under an SQS message). */
export const DEFAULT_ORDER_FILE_LIMITS: OrderFileLimits = {
  maxFileBytes: 5 * 1024 ** 3,
  maxOrders: 10_000_000,
  maxOrderBytes: 64 * 1024,
};

/** One order of the file: its parsed JSON, or why it could not be read. */
export type OrderFileEntry = ParsedEntry | UnreadableEntry;

interface EntryPosition {
  /** 0-based position of the order in the file (blank lines do not count). */
  readonly index: number;
  /** Byte offset of its first byte. */
  readonly start: number;
  /** Byte offset just past it (past the line break for JSON Lines): where reading resumes after it. */
  readonly end: number;
  /** JSON Lines: 1-based line number (only when reading from the start of the file). */
  readonly line?: number | undefined;
}

export interface ParsedEntry extends EntryPosition {
  /** The order's JSON text, exactly as in the file. */
  readonly text: string;
  readonly value: unknown;
  readonly error?: undefined;
}

export interface UnreadableEntry extends EntryPosition {
  readonly text?: undefined;
  readonly value?: undefined;
  readonly error: string;
}

export interface OrderFileReaderOptions {
  /** Default: from `fileName`'s extension (`.jsonl`/`.ndjson` → jsonl, `.json` → json), else from the content. */
  readonly format?: OrderFileFormat | undefined;
  readonly fileName?: string | undefined;
  readonly limits?: Partial<OrderFileLimits> | undefined;
  /**
   * Continue after an entry read before: its `end` and the next index. Needs
   * `format`. A JSON reader stops at the end of the orders array (what follows
   * was checked when the file was first read).
   */
  readonly resume?: { readonly byteOffset: number; readonly index: number } | undefined;
}

// States of the JSON document scanner (outside an element).
const ROOT = 0;
const KEY_FIRST = 1;
const KEY_NEXT = 2;
const KEY = 3;
const COLON_NEXT = 4;
const VALUE = 5;
const AFTER_VALUE = 6;
const ARRAY_FIRST = 7;
const ARRAY_NEXT = 8;
const ARRAY_AFTER = 9;
const ELEMENT = 10;
const TRAILING = 11;
const DONE = 12;

// Kinds of element being scanned.
const CONTAINER = 0;
const STRING = 1;
const SCALAR = 2;

/** Head bytes looked at, at most, to tell JSON from JSON Lines by content. */
const DETECTION_LIMIT = 64 * 1024;

const EMPTY = new Uint8Array(0);
// Keeps a byte-order mark inside an order as a character, which JSON.parse refuses (as it should).
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** The UTF-8 text of `bytes[from, to)` (already checked to be valid UTF-8). */
const decode = (bytes: Uint8Array, from: number, to: number) => utf8.decode(bytes.subarray(from, to));

function concat(parts: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Feed it the file's chunks with {@link OrderFileReader.write} and finish with
 * {@link OrderFileReader.end}; each call returns the entries it completed. Or
 * iterate {@link OrderFileReader.entries} over a body. Throws
 * {@link OrderFileError} when the file as a whole must be rejected.
 */
export class OrderFileReader {
  readonly limits: OrderFileLimits;
  private formatValue: OrderFileFormat | undefined;
  private readonly utf8 = new Utf8Checker();
  /** Absolute offset of the next byte to arrive. */
  private offset: number;
  private nextIndex: number;
  private out: OrderFileEntry[] = [];
  /** Bytes held back until the encoding and format are known (start of file only). */
  private head: Uint8Array | undefined;
  private headChecked: boolean;
  private ended = false;

  // JSON Lines
  private line = 0;
  private readonly countLines: boolean;

  // JSON document
  private state = ROOT;
  private readonly stopAtArrayEnd: boolean;
  private wrapped = false;
  private ordersSeen = false;
  private keyBytes: number[] = [];
  private keyEscaped = false;

  // The element (or JSON Lines line) being read, when it spans chunks.
  private elementStart = 0;
  private parts: Uint8Array[] = [];
  private partBytes = 0;
  private oversize = false;
  private kind = CONTAINER;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Skipping the value of a top-level key other than `orders` (not an order). */
  private skipping = false;

  constructor(options: OrderFileReaderOptions = {}) {
    this.limits = { ...DEFAULT_ORDER_FILE_LIMITS, ...options.limits };
    this.formatValue = options.format ?? formatFromName(options.fileName);
    const resume = options.resume;
    this.offset = resume?.byteOffset ?? 0;
    this.nextIndex = resume?.index ?? 0;
    this.countLines = this.offset === 0;
    this.stopAtArrayEnd = resume !== undefined && resume.byteOffset > 0;
    if (this.stopAtArrayEnd) {
      if (this.formatValue === undefined) throw new TypeError("resuming needs the file's format");
      // Resume points are just past an element of the orders array (or its opening bracket).
      this.state = resume!.index === 0 ? ARRAY_FIRST : ARRAY_AFTER;
    }
    this.headChecked = this.offset > 0;
  }

  /** The format, once known (after the first bytes, or from the options). */
  get format(): OrderFileFormat | undefined {
    return this.formatValue;
  }

  /** Bytes consumed so far, counted from the start of the file. */
  get bytesRead(): number {
    return this.offset + (this.head?.length ?? 0);
  }

  /** Orders met so far (the next entry's index). */
  get orderCount(): number {
    return this.nextIndex;
  }

  /** Reads a whole body, yielding the entries each chunk completed (never an empty batch). */
  async *entries(body: AsyncIterable<Uint8Array>): AsyncGenerator<OrderFileEntry[]> {
    for await (const chunk of body) {
      const entries = this.write(chunk);
      if (entries.length > 0) yield entries;
    }
    const last = this.end();
    if (last.length > 0) yield last;
  }

  write(chunk: Uint8Array): OrderFileEntry[] {
    if (this.ended) throw new Error("write after end");
    if (chunk.byteLength === 0) return [];
    let buf = chunk;
    if (!this.headChecked) {
      this.head = this.head ? concat([this.head, buf], this.head.length + buf.length) : new Uint8Array(buf);
      if (!this.decideHead(false)) return this.take();
      buf = this.head;
      this.head = undefined;
    }
    this.consume(buf);
    return this.take();
  }

  end(): OrderFileEntry[] {
    if (this.ended) return [];
    if (!this.headChecked) {
      this.decideHead(true);
      const head = this.head;
      this.head = undefined;
      if (head && head.length > 0) this.consume(head);
    }
    this.ended = true;
    this.utf8.end(this.offset);
    if (this.formatValue === "jsonl") this.endLines();
    else this.endDocument();
    return this.take();
  }

  private take(): OrderFileEntry[] {
    const out = this.out;
    if (out.length > 0) this.out = [];
    return out;
  }

  /**
   * Checks the byte-order mark and settles the format from the first bytes.
   * @returns false while more bytes are needed.
   */
  private decideHead(final: boolean): boolean {
    const head = this.head ?? EMPTY;
    if (head.length < 4 && !final) return false;
    if (head[0] === 0xfe && head[1] === 0xff) throw encodingError("UTF-16 (big-endian byte-order mark)");
    if (head[0] === 0xff && head[1] === 0xfe)
      throw encodingError("UTF-16 or UTF-32 (little-endian byte-order mark)");
    if (head[0] === 0 && head[1] === 0 && head[2] === 0xfe && head[3] === 0xff) throw encodingError("UTF-32");
    let bom = 0;
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) bom = 3;
    if (head.subarray(bom, bom + 4).includes(0))
      throw encodingError("UTF-16 without a byte-order mark, or binary (NUL bytes)");
    if (this.formatValue === undefined) {
      const detected = detectFormat(head, bom);
      if (detected === undefined && !final && head.length < DETECTION_LIMIT) return false;
      this.formatValue = detected ?? "jsonl";
    }
    this.headChecked = true;
    if (bom > 0) {
      this.head = head.subarray(bom);
      this.offset += bom;
    }
    return true;
  }

  private consume(buf: Uint8Array): void {
    const base = this.offset;
    if (base + buf.length > this.limits.maxFileBytes) {
      throw new OrderFileError(
        "FILE_TOO_LARGE",
        `the file is larger than ${this.limits.maxFileBytes} bytes`,
        this.limits.maxFileBytes,
      );
    }
    this.utf8.check(buf, base);
    if (this.formatValue === "jsonl") this.consumeLines(buf, base);
    else this.consumeDocument(buf, base);
    this.offset = base + buf.length;
  }

  // ---- JSON Lines -------------------------------------------------------------------------

  private consumeLines(buf: Uint8Array, base: number): void {
    const n = buf.length;
    let i = 0;
    if (this.partBytes === 0 && !this.oversize) this.elementStart = base;
    while (i < n) {
      const nl = buf.indexOf(LF, i);
      if (nl === -1) {
        this.hold(buf, i, n);
        return;
      }
      this.finishLine(buf, i, nl, base + nl + 1);
      i = nl + 1;
      this.elementStart = base + i;
    }
  }

  private endLines(): void {
    if (this.partBytes > 0 || this.oversize) this.finishLine(EMPTY, 0, 0, this.offset);
  }

  /** Completes the line made of the held parts plus `buf[from, to)`; `end` is the offset past its line break. */
  private finishLine(buf: Uint8Array, from: number, to: number, end: number): void {
    if (this.countLines) this.line++;
    const start = this.elementStart;
    let bytes: Uint8Array;
    let lo = from;
    let hi = to;
    if (this.oversize || this.partBytes + (to - from) > this.limits.maxOrderBytes) {
      this.resetElement();
      this.emitUnreadable(start, end, `the order is larger than ${this.limits.maxOrderBytes} bytes`);
      return;
    }
    if (this.partBytes > 0) {
      this.parts.push(buf.subarray(from, to));
      bytes = concat(this.parts, this.partBytes + (to - from));
      lo = 0;
      hi = bytes.length;
      this.resetElement();
    } else {
      bytes = buf;
    }
    if (hi > lo && bytes[hi - 1] === CR) hi--;
    // Blank lines carry no order: skip them without giving them an index.
    let first = lo;
    while (first < hi && (bytes[first] === SPACE || bytes[first] === TAB || bytes[first] === CR)) first++;
    if (first === hi) return;
    const text = decode(bytes, lo, hi);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // Never JSON.parse's message: it quotes the order (a customer's address).
      this.emitUnreadable(start, end, describeInvalidJson(text, "order"));
      return;
    }
    this.emit({ index: this.claimIndex(start), start, end, line: this.lineNumber(), text, value });
  }

  /** Keeps `buf[from, to)` of an element that continues in the next chunk (unless it is already too big). */
  private hold(buf: Uint8Array, from: number, to: number): void {
    if (to <= from || this.oversize) return;
    if (this.partBytes + (to - from) > this.limits.maxOrderBytes) {
      // Too big to be an order: stop holding its bytes, report it when it ends.
      this.parts = [];
      this.partBytes = 0;
      this.oversize = true;
      return;
    }
    // A copy: the producer of the chunk may reuse its buffer.
    this.parts.push(new Uint8Array(buf.subarray(from, to)));
    this.partBytes += to - from;
  }

  private resetElement(): void {
    this.parts = [];
    this.partBytes = 0;
    this.oversize = false;
  }

  private lineNumber(): number | undefined {
    return this.countLines && this.formatValue === "jsonl" ? this.line : undefined;
  }

  private claimIndex(start: number): number {
    if (this.nextIndex >= this.limits.maxOrders) {
      throw new OrderFileError(
        "FILE_TOO_MANY_ORDERS",
        `the file holds more than ${this.limits.maxOrders} orders`,
        start,
      );
    }
    return this.nextIndex++;
  }

  private emit(entry: OrderFileEntry): void {
    this.out.push(entry);
  }

  private emitUnreadable(start: number, end: number, error: string): void {
    this.emit({ index: this.claimIndex(start), start, end, line: this.lineNumber(), error });
  }

  // ---- JSON document ----------------------------------------------------------------------

  private consumeDocument(buf: Uint8Array, base: number): void {
    const n = buf.length;
    let i = 0;
    while (i < n) {
      if (this.state === ELEMENT) {
        i = this.scanElement(buf, i, base);
        continue;
      }
      const b = buf[i]!;
      if (this.state === KEY) {
        i = this.scanKey(buf, i, base);
        continue;
      }
      if (isWhitespace(b)) {
        i++;
        continue;
      }
      const at = base + i;
      switch (this.state) {
        case ROOT:
          if (b === OPEN_BRACKET) this.state = ARRAY_FIRST;
          else if (b === OPEN_BRACE) {
            this.wrapped = true;
            this.state = KEY_FIRST;
          } else
            throw unexpected(b, at, 'a JSON order file must be { "orders": [ … ] } or an array of orders');
          break;
        case KEY_FIRST:
        case KEY_NEXT:
          if (b === QUOTE) {
            this.keyBytes = [];
            this.keyEscaped = false;
            this.state = KEY;
          } else if (b === CLOSE_BRACE && this.state === KEY_FIRST) this.closeRoot(at);
          else throw unexpected(b, at, "expected a key");
          break;
        case COLON_NEXT:
          if (b !== COLON) throw unexpected(b, at, 'expected ":"');
          this.state = VALUE;
          break;
        case VALUE:
          if (this.skipping) {
            this.startElement(b, base, i);
            continue;
          }
          if (b !== OPEN_BRACKET) throw unexpected(b, at, '"orders" must be an array');
          this.state = ARRAY_FIRST;
          break;
        case AFTER_VALUE:
          if (b === COMMA) this.state = KEY_NEXT;
          else if (b === CLOSE_BRACE) this.closeRoot(at);
          else throw unexpected(b, at, 'expected "," or "}"');
          break;
        case ARRAY_FIRST:
          if (b === CLOSE_BRACKET) {
            this.closeArray();
            break;
          }
          this.startElement(b, base, i);
          continue;
        case ARRAY_NEXT:
          if (b === CLOSE_BRACKET) throw unexpected(b, at, "an order was expected after the comma");
          this.startElement(b, base, i);
          continue;
        case ARRAY_AFTER:
          if (b === COMMA) this.state = ARRAY_NEXT;
          else if (b === CLOSE_BRACKET) this.closeArray();
          else throw unexpected(b, at, 'expected "," or "]" after an order');
          break;
        case TRAILING:
          throw unexpected(
            b,
            at,
            "nothing may follow the JSON document (is this JSON Lines? name it .jsonl)",
          );
        case DONE:
          return;
      }
      i++;
    }
  }

  private closeRoot(at: number): void {
    if (!this.ordersSeen) {
      throw new OrderFileError(
        "FILE_NOT_PARSEABLE",
        'the JSON document has no "orders" array (is this JSON Lines? name it .jsonl)',
        at,
      );
    }
    this.state = TRAILING;
  }

  private closeArray(): void {
    if (this.stopAtArrayEnd) this.state = DONE;
    else this.state = this.wrapped ? AFTER_VALUE : TRAILING;
  }

  private endDocument(): void {
    if (this.state === TRAILING || this.state === DONE) return;
    if (this.state === ROOT)
      throw new OrderFileError(
        "FILE_NOT_PARSEABLE",
        "the file is empty: it holds no JSON document",
        this.offset,
      );
    throw new OrderFileError(
      "FILE_NOT_PARSEABLE",
      "the file ends before its JSON document does",
      this.offset,
    );
  }

  /** Reads a top-level key (short: anything longer than `"orders"` is simply not it). */
  private scanKey(buf: Uint8Array, i: number, base: number): number {
    const n = buf.length;
    while (i < n) {
      const b = buf[i]!;
      if (this.keyEscaped) this.keyEscaped = false;
      else if (b === BACKSLASH) this.keyEscaped = true;
      else if (b === QUOTE) {
        const key = this.keyBytes.length <= 64 ? decodeKey(this.keyBytes, base + i) : undefined;
        this.keyBytes = [];
        if (key === "orders") {
          if (this.ordersSeen)
            throw new OrderFileError("FILE_NOT_PARSEABLE", 'the document has two "orders" keys', base + i);
          this.ordersSeen = true;
          this.skipping = false;
        } else this.skipping = true;
        this.state = COLON_NEXT;
        return i + 1;
      }
      if (this.keyBytes.length <= 64) this.keyBytes.push(b);
      i++;
    }
    return i;
  }

  private startElement(b: number, base: number, i: number): void {
    this.elementStart = base + i;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
    this.kind = b === OPEN_BRACE || b === OPEN_BRACKET ? CONTAINER : b === QUOTE ? STRING : SCALAR;
    if (b === CLOSE_BRACE || b === CLOSE_BRACKET || b === COMMA || b === COLON) {
      throw unexpected(b, base + i, "expected a value");
    }
    this.state = ELEMENT;
  }

  /**
   * Advances through an element from `buf[i]`: strings (with escapes) and
   * nesting are tracked so that brackets inside strings do not count.
   * @returns the index of the first byte not consumed.
   */
  private scanElement(buf: Uint8Array, i: number, base: number): number {
    const n = buf.length;
    const from = i;
    const kind = this.kind;
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    let endAt = -1;
    if (kind === SCALAR) {
      while (i < n) {
        const b = buf[i]!;
        if (b === COMMA || b === CLOSE_BRACKET || b === CLOSE_BRACE || isWhitespace(b)) {
          endAt = i;
          break;
        }
        i++;
      }
    } else {
      if (escaped && i < n) {
        // The previous chunk ended on a backslash inside a string: this byte is escaped.
        escaped = false;
        i++;
      }
      outer: while (i < n) {
        if (inString) {
          // Most bytes of an order are inside strings: a tight loop to the closing quote.
          for (;;) {
            if (i >= n) break outer;
            const c = buf[i]!;
            if (c === QUOTE) break;
            i += c === BACKSLASH ? 2 : 1;
          }
          i++;
          inString = false;
          if (kind === STRING) {
            endAt = i;
            break;
          }
          continue;
        }
        const b = buf[i]!;
        i++;
        if (b === QUOTE) inString = true;
        else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
        else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
          if (--depth === 0) {
            endAt = i;
            break;
          }
        }
      }
      if (i > n) {
        // A backslash was the chunk's last byte.
        escaped = true;
        i = n;
      }
    }
    if (endAt === -1) {
      this.depth = depth;
      this.inString = inString;
      this.escaped = escaped;
      if (!this.skipping) this.hold(buf, from, n);
      return n;
    }
    this.finishElement(buf, from, endAt, base);
    return endAt;
  }

  private finishElement(buf: Uint8Array, from: number, to: number, base: number): void {
    const start = this.elementStart;
    const end = base + to;
    if (this.skipping) {
      this.skipping = false;
      this.state = AFTER_VALUE;
      return;
    }
    this.state = ARRAY_AFTER;
    if (this.oversize || this.partBytes + (to - from) > this.limits.maxOrderBytes) {
      this.resetElement();
      this.emitUnreadable(start, end, `the order is larger than ${this.limits.maxOrderBytes} bytes`);
      return;
    }
    let text: string;
    if (this.partBytes > 0) {
      this.parts.push(buf.subarray(from, to));
      text = utf8.decode(concat(this.parts, this.partBytes + (to - from)));
      this.resetElement();
    } else {
      text = decode(buf, from, to);
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // Neither JSON.parse's message nor the SyntaxError as `cause`: both quote
      // the order (a customer's address), and this error reaches the file
      // history, alerts and logs.
      const at = jsonSyntaxErrorByte(text);
      throw new OrderFileError(
        "FILE_NOT_PARSEABLE",
        `order ${this.nextIndex}: ${describeInvalidJson(text, "order")}`,
        start + (at ?? 0),
      );
    }
    this.emit({ index: this.claimIndex(start), start, end, text, value });
  }
}

function encodingError(what: string): OrderFileError {
  return new OrderFileError("FILE_ENCODING", `the file is ${what}; order files must be UTF-8`, 0);
}

function unexpected(b: number, at: number, expected: string): OrderFileError {
  const shown =
    b >= 0x20 && b < 0x7f ? `"${String.fromCharCode(b)}"` : `byte 0x${b.toString(16).padStart(2, "0")}`;
  return new OrderFileError("FILE_NOT_PARSEABLE", `unexpected ${shown} at byte ${at}: ${expected}`, at);
}
