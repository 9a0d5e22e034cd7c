import { createHash } from "node:crypto";

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
