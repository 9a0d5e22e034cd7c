import { OrderFileError } from "./order-file-errors.js";

/** The two formats of a batch order file: a JSON document, or JSON Lines. */
export type OrderFileFormat = "json" | "jsonl";

// Bytes the readers look at.
export const TAB = 9;
export const LF = 10;
export const CR = 13;
export const SPACE = 32;
export const QUOTE = 34;
export const COMMA = 44;
export const COLON = 58;
export const OPEN_BRACKET = 91;
export const BACKSLASH = 92;
export const CLOSE_BRACKET = 93;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;

export const isWhitespace = (b: number) => b === SPACE || b === LF || b === CR || b === TAB;

/** Keeps a byte-order mark in the text, as a character JSON.parse refuses (the file's own is skipped before). */
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/** The format an extension names, if any. */
export function formatFromName(fileName: string | undefined): OrderFileFormat | undefined {
  const name = (fileName ?? "").toLowerCase();
  if (/\.(jsonl|ndjson|jsonlines)$/.test(name)) return "jsonl";
  if (name.endsWith(".json")) return "json";
  return undefined;
}

/**
 * JSON document or JSON Lines, from the first bytes: `[` starts a document; `{`
 * starts one when its first key is `orders`, and is a JSON Lines file otherwise.
 * @returns undefined while the head is too short to tell.
 */
export function detectFormat(head: Uint8Array, from: number): OrderFileFormat | undefined {
  let i = from;
  while (i < head.length && isWhitespace(head[i]!)) i++;
  if (i >= head.length) return undefined;
  if (head[i] === OPEN_BRACKET) return "json";
  if (head[i] !== OPEN_BRACE) return "jsonl";
  i++;
  while (i < head.length && isWhitespace(head[i]!)) i++;
  if (i >= head.length) return undefined;
  if (head[i] !== QUOTE) return "jsonl";
  const keyStart = i + 1;
  for (let j = keyStart; j < head.length; j++) {
    if (head[j] === BACKSLASH) j++;
    else if (head[j] === QUOTE)
      return decodeKey([...head.subarray(keyStart, j)], 0) === "orders" ? "json" : "jsonl";
  }
  return undefined;
}

/** A key of the JSON document (its bytes between the quotes); `at` is its offset, for the error. */
export function decodeKey(bytes: readonly number[], at: number): string {
  const quoted = `"${utf8.decode(Uint8Array.from(bytes))}"`;
  try {
    return JSON.parse(quoted) as string;
  } catch {
    // Position only: JSON.parse's message would quote the file's content.
    throw new OrderFileError("FILE_NOT_PARSEABLE", `invalid key: not a valid JSON string (byte ${at})`, at);
  }
}
