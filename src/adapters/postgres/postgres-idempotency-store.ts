import { IdempotencyConflictError, IdempotencyInProgressError } from "../../ports/errors.js";
import type {
  IdempotencyBegin,
  IdempotencyOptions,
  IdempotencyStore,
} from "../../ports/idempotency-store.js";
import type { SqlClient } from "./sql-client.js";

interface KeyRow {
  readonly payload_hash: string;
  readonly status: "IN_PROGRESS" | "COMPLETED";
  readonly result: unknown;
  /** SQL NULL: the result was `undefined` (JSON has no such value; `null` is stored as JSON). */
  readonly no_result: boolean;
}

/**
 * {@link IdempotencyStore} on the `idempotency_keys` table (migration 1): one
 * row per key with the payload's hash, the status, the stored result (jsonb)
 * and `expires_at`, the epoch millisecond after which the key may be taken
 * again (`now + inProgressTimeoutMs` while an attempt holds it, `now + ttlMs`
 * once completed). Time is always the caller's `now`, never the database's.
 *
 * **One winner per key.** `begin` is one `INSERT … ON CONFLICT (key) DO UPDATE
 * … WHERE expires_at <= now`: the primary key lets one of several concurrent
 * inserts create the row (the others wait on it, then find it), and the
 * conditional update takes over an expired row atomically, so of two callers
 * after a timeout one gets STARTED. A caller that took nothing reads the row
 * and answers from it (the completed result, a conflicting hash, or "in
 * progress"); if the row vanished in between (released), it tries again.
 * Common path: one statement; a repeated request: two.
 *
 * Expired rows are dead weight, never wrong: {@link deleteExpired} removes them
 * (an operator's periodic job; DynamoDB's TTL does the same on AWS).
 */
export class PostgresIdempotencyStore implements IdempotencyStore {
  constructor(private readonly client: SqlClient) {}

  async begin(key: string, payloadHash: string, options: IdempotencyOptions): Promise<IdempotencyBegin> {
    const now = options.now.getTime();
    // A key released between our two statements is free again: a few rounds settle it.
    for (let attempt = 0; attempt < 5; attempt++) {
      const taken = await this.client.query(
        `INSERT INTO idempotency_keys (key, payload_hash, status, result, expires_at)
         VALUES ($1, $2, 'IN_PROGRESS', NULL, $3)
         ON CONFLICT (key) DO UPDATE
           SET payload_hash = EXCLUDED.payload_hash, status = 'IN_PROGRESS', result = NULL,
               expires_at = EXCLUDED.expires_at
           WHERE idempotency_keys.expires_at <= $4
         RETURNING key`,
        [key, payloadHash, now + options.inProgressTimeoutMs, now],
      );
      if (taken.rowCount === 1) return { status: "STARTED" };
      const { rows } = await this.client.query<KeyRow>(
        "SELECT payload_hash, status, result, result IS NULL AS no_result FROM idempotency_keys WHERE key = $1 AND expires_at > $2",
        [key, now],
      );
      const row = rows[0];
      if (!row) continue;
      if (row.payload_hash !== payloadHash) throw new IdempotencyConflictError(key);
      if (row.status === "COMPLETED")
        return { status: "COMPLETED", result: row.no_result ? undefined : row.result };
      throw new IdempotencyInProgressError(key);
    }
    throw new IdempotencyInProgressError(key);
  }

  async complete(key: string, result: unknown, options: IdempotencyOptions): Promise<void> {
    // No row: nothing to check a later request against (as the other adapters, it stores nothing).
    await this.client.query(
      `UPDATE idempotency_keys SET status = 'COMPLETED', result = $2::jsonb, expires_at = $3
       WHERE key = $1`,
      [key, result === undefined ? null : JSON.stringify(result), options.now.getTime() + options.ttlMs],
    );
  }

  async release(key: string): Promise<void> {
    await this.client.query("DELETE FROM idempotency_keys WHERE key = $1 AND status = 'IN_PROGRESS'", [key]);
  }

  /**
   * Removes the keys whose time ran out before `now` (they would be taken
   * over anyway) and answers how many.
   */
  async deleteExpired(now: Date): Promise<number> {
    const { rowCount } = await this.client.query("DELETE FROM idempotency_keys WHERE expires_at <= $1", [
      now.getTime(),
    ]);
    return rowCount;
  }
}
