import { createHash } from "node:crypto";
import { OrderFileReader } from "../../domain/files/order-file-reader.js";
import { checkFileOrder } from "../../domain/use-cases/file-flow.js";
import type { FileRecord } from "../../ports/file-history.js";

/**
 * Identifiers derived from a file version, so that the same file always gives
 * the same ids: orders without an `orderId` get `f<tag>-<index>`, and the
 * placement of each order of the file gets `file-<tag>-<index>` as command id
 * (the FIFO deduplication id of its ValidateOrder). `tag` is 22 base64url characters of SHA-256(key, version),
 * so ids stay short whatever the key's length and match `[A-Za-z0-9_-]`.
 */
export class FileIds {
  readonly tag: string;

  constructor(fileKey: string, fileVersion: string) {
    this.tag = createHash("sha256")
      .update(fileKey)
      .update("\u0000")
      .update(fileVersion)
      .digest("base64url")
      .slice(0, 22);
  }

  orderId(index: number): string {
    return `f${this.tag}-${index}`;
  }

  commandId(index: number): string {
    return `file-${this.tag}-${index}`;
  }

  /** Shared by every order of the file, so its orders can be traced back to it. */
  get correlationId(): string {
    return `file-${this.tag}`;
  }
}

/**
 * The ids extraction gave a file's valid orders, in file order (at most
 * `limit`): each order's `orderId`, or the one derived from the file key,
 * version and index, leaving out the orders its record names as invalid.
 * `body` is the file as stored; the file flows' own reader and check read it.
 * @throws what reading the body throws (a file that cannot be read).
 */
export async function fileOrderIds(
  body: AsyncIterable<Uint8Array>,
  record: Pick<FileRecord, "fileKey" | "fileVersion" | "format" | "errors">,
  limit = Number.POSITIVE_INFINITY,
): Promise<string[]> {
  const invalid = new Set(record.errors.flatMap((error) => (error.index === undefined ? [] : [error.index])));
  const derived = new FileIds(record.fileKey, record.fileVersion);
  const reader = new OrderFileReader({ format: record.format, fileName: record.fileKey });
  const ids: string[] = [];
  for await (const entries of reader.entries(body)) {
    for (const entry of entries) {
      if (entry.error !== undefined || invalid.has(entry.index)) continue;
      const checked = checkFileOrder(entry.value);
      if (checked.ok) ids.push(checked.value.orderId ?? derived.orderId(entry.index));
      if (ids.length >= limit) return ids;
    }
  }
  return ids;
}
