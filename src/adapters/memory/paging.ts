import type { Page, PageRequest } from "../../ports/paging.js";

/** Default and maximum page sizes of the in-memory adapters (like DynamoDB's and S3's, they cap `limit`). */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1_000;

/**
 * Pages an already sorted list. The token is opaque to callers (base64url of
 * the offset), as a real backend's would be; a malformed token is a caller bug.
 */
export function paginate<T>(sorted: readonly T[], page: PageRequest = {}): Page<T> {
  const limit = Math.min(Math.max(1, Math.floor(page.limit ?? DEFAULT_PAGE_SIZE)), MAX_PAGE_SIZE);
  const offset = page.nextToken === undefined ? 0 : decodeToken(page.nextToken);
  const items = sorted.slice(offset, offset + limit);
  const next = offset + items.length;
  return next < sorted.length ? { items, nextToken: encodeToken(next) } : { items };
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ o: offset }), "utf8").toString("base64url");
}

function decodeToken(token: string): number {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
    const offset = (parsed as { o?: unknown }).o;
    if (typeof offset === "number" && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the error below
  }
  throw new RangeError(`invalid nextToken: ${token}`);
}
