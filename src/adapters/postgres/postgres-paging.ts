import { Buffer } from "node:buffer";
import { InvalidCursorError } from "../../ports/errors.js";

/**
 * Keyset paging, shared by the family's listings: a page is the first
 * `limit + 1` rows after a position in the listing's order (`WHERE (a, b) <
 * ($1, $2) ORDER BY a DESC, b DESC LIMIT n + 1`), so reading a page costs the
 * same however deep it is, a row inserted meanwhile never shifts the next
 * page, and the extra row says whether another page follows without a count.
 *
 * A cursor is base64url of a small JSON: the listing that issued it (so a
 * cursor handed to another listing is refused) and the position, the sort key
 * of the page's last row. It is opaque to callers but not secret; anything
 * that does not decode to this listing's shape is an {@link InvalidCursorError}.
 */

/** The page size a listing uses for a caller's `limit`: `fallback` when none, at most `max`, at least 1. */
export function pageSize(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(max, Math.max(1, Math.floor(limit)));
}

/** Encodes a listing's identity and a position (strings only). */
export function encodeCursor(listing: string, position: readonly string[]): string {
  return Buffer.from(JSON.stringify({ l: listing, p: position }), "utf8").toString("base64url");
}

/**
 * The position `token` names, when `listing` issued it with `length` parts.
 * @throws InvalidCursorError for anything else.
 */
export function decodeCursor(token: string, listing: string, length: number): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch (cause) {
    throw new InvalidCursorError(token, { cause });
  }
  const { l, p } = (typeof parsed === "object" && parsed !== null ? parsed : {}) as {
    l?: unknown;
    p?: unknown;
  };
  // base64url decoding skips characters outside its alphabet: only a token that re-encodes to itself was issued.
  const canonical = Buffer.from(JSON.stringify({ l, p }), "utf8").toString("base64url") === token;
  if (
    !canonical ||
    l !== listing ||
    !Array.isArray(p) ||
    p.length !== length ||
    !p.every((part) => typeof part === "string")
  ) {
    throw new InvalidCursorError(token);
  }
  return p as string[];
}

/** The page of `rows` (read with `limit + 1`) and the cursor to the next, when one follows. */
export function toPage<R, T>(
  rows: readonly R[],
  limit: number,
  item: (row: R) => T,
  next: (last: R) => string,
): { items: T[]; nextToken?: string } {
  const kept = rows.slice(0, limit);
  const items = kept.map(item);
  return rows.length > limit && kept.length > 0
    ? { items, nextToken: next(kept[kept.length - 1]!) }
    : { items };
}
