/** How {@link retryWithBackoff} retries. Every field has a default suited to AWS API calls. */
export interface RetryOptions {
  /** Total number of calls, the first included (default 5). */
  readonly attempts?: number;
  /** Upper bound of the first delay, doubled on each retry (default 50 ms). */
  readonly baseDelayMs?: number;
  /** No delay exceeds this (default 2 000 ms). */
  readonly maxDelayMs?: number;
  /** Whether an error is worth another call (default: every error). */
  readonly isRetryable?: (err: unknown) => boolean;
  /** Waits between calls; injectable so tests need not wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Source of jitter in [0, 1); injectable for deterministic tests. */
  readonly random?: () => number;
}

const DEFAULTS = { attempts: 5, baseDelayMs: 50, maxDelayMs: 2_000 } as const;

/**
 * Delay before retry number `attempt` (1 for the first retry), with "full jitter":
 * a uniform draw in `[0, min(maxDelayMs, baseDelayMs * 2^(attempt-1)))`. Full jitter
 * spreads competing clients best (see the AWS Architecture Blog, "Exponential
 * Backoff And Jitter").
 */
export function backoffDelay(
  attempt: number,
  baseDelayMs: number = DEFAULTS.baseDelayMs,
  maxDelayMs: number = DEFAULTS.maxDelayMs,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(exponent, 30));
  return Math.floor(random() * ceiling);
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `fn(attempt)` (attempt counts from 1) until it resolves, the error is not
 * retryable, or `attempts` calls have failed; then rethrows the last error as is,
 * so the caller translates it once.
 */
export async function retryWithBackoff<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? DEFAULTS.attempts);
  const baseDelayMs = options.baseDelayMs ?? DEFAULTS.baseDelayMs;
  const maxDelayMs = options.maxDelayMs ?? DEFAULTS.maxDelayMs;
  const isRetryable = options.isRetryable ?? (() => true);
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;

  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
      await sleep(backoffDelay(attempt, baseDelayMs, maxDelayMs, random));
    }
  }
}
