import { IdempotencyConflictError, IdempotencyInProgressError } from "../../ports/errors.js";
import type {
  IdempotencyBegin,
  IdempotencyOptions,
  IdempotencyStore,
} from "../../ports/idempotency-store.js";

type Entry =
  | { readonly status: "IN_PROGRESS"; readonly payloadHash: string; readonly expiresAt: number }
  | {
      readonly status: "COMPLETED";
      readonly payloadHash: string;
      readonly result: unknown;
      readonly expiresAt: number;
    };

/**
 * Idempotency keys in a Map. Time is the `now` each call passes, so tests move
 * it freely: an attempt expires `inProgressTimeoutMs` after it began, a result
 * `ttlMs` after it completed. Results are stored as copies.
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  async begin(key: string, payloadHash: string, options: IdempotencyOptions): Promise<IdempotencyBegin> {
    const now = options.now.getTime();
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt > now) {
      if (entry.payloadHash !== payloadHash) throw new IdempotencyConflictError(key);
      if (entry.status === "COMPLETED") return { status: "COMPLETED", result: structuredClone(entry.result) };
      throw new IdempotencyInProgressError(key);
    }
    this.entries.set(key, {
      status: "IN_PROGRESS",
      payloadHash,
      expiresAt: now + options.inProgressTimeoutMs,
    });
    return { status: "STARTED" };
  }

  async complete(key: string, result: unknown, options: IdempotencyOptions): Promise<void> {
    const entry = this.entries.get(key);
    // Without the hash of a `begin` there is nothing to check a later request against.
    if (!entry) return;
    this.entries.set(key, {
      status: "COMPLETED",
      payloadHash: entry.payloadHash,
      result: structuredClone(result),
      expiresAt: options.now.getTime() + options.ttlMs,
    });
  }

  async release(key: string): Promise<void> {
    if (this.entries.get(key)?.status === "IN_PROGRESS") this.entries.delete(key);
  }
}
