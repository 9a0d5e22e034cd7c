import { token } from "./token.js";

export type IdempotencyBegin =
  /** The caller owns the key now: do the work, then `complete` (or `release` on failure). */
  | { readonly status: "STARTED" }
  /** The same request was done before: answer with its stored result. */
  | { readonly status: "COMPLETED"; readonly result: unknown };

export interface IdempotencyOptions {
  readonly now: Date;
  /** After this long an unfinished attempt is presumed dead and the key can be taken again. */
  readonly inProgressTimeoutMs: number;
  /** How long a completed key is remembered. */
  readonly ttlMs: number;
}

/**
 * Remembers client idempotency keys (the `Idempotency-Key` header): one request
 * per key, with a hash of its payload so a key reused for another body is caught.
 */
export interface IdempotencyStore {
  /**
   * @throws IdempotencyConflictError when the key was used with another payload hash.
   * @throws IdempotencyInProgressError when another attempt holds the key and has not timed out.
   */
  begin(key: string, payloadHash: string, options: IdempotencyOptions): Promise<IdempotencyBegin>;
  complete(key: string, result: unknown, options: IdempotencyOptions): Promise<void>;
  /** Gives the key up after a failed attempt so a retry can take it. */
  release(key: string): Promise<void>;
}

export const IDEMPOTENCY_STORE = token<IdempotencyStore>("IdempotencyStore");
