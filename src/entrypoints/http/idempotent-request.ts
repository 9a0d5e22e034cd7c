import type { Clock } from "../../ports/clock.js";
import type { IdempotencyStore } from "../../ports/idempotency-store.js";

/** How long an idempotency key is remembered, and how long an unfinished attempt holds it. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const IDEMPOTENCY_IN_PROGRESS_TIMEOUT_MS = 30 * 1000;

export interface IdempotencyDeps {
  readonly idempotency: IdempotencyStore;
  readonly clock: Clock;
}

/**
 * Runs a request under its client's `Idempotency-Key`: the first attempt runs
 * `attempt` and keeps its answer for {@link IDEMPOTENCY_TTL_MS}; the same key
 * with the same request (`requestFingerprint`) answers that again; the same
 * key with another request is refused (`IDEMPOTENCY_KEY_CONFLICT`, a 409).
 * `attempt` must itself be safe to repeat (a retry after a failed attempt runs
 * it again), which is why callers derive their ids from the key.
 */
export async function withIdempotencyKey<T>(
  deps: IdempotencyDeps,
  key: string,
  requestFingerprint: string,
  attempt: () => Promise<T>,
): Promise<T> {
  const options = {
    now: deps.clock.now(),
    ttlMs: IDEMPOTENCY_TTL_MS,
    inProgressTimeoutMs: IDEMPOTENCY_IN_PROGRESS_TIMEOUT_MS,
  };
  const begun = await deps.idempotency.begin(key, requestFingerprint, options);
  if (begun.status === "COMPLETED") return begun.result as T;
  try {
    const result = await attempt();
    await deps.idempotency.complete(key, result, options);
    return result;
  } catch (error) {
    // Releasing only lets a retry in sooner; if it fails the key expires by itself. The request's error matters.
    await deps.idempotency.release(key).catch(() => undefined);
    throw error;
  }
}
