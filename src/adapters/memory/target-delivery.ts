import { escapeUndeliverable } from "../../domain/deliverable-text.js";
/**
 * How the in-memory bus and topic deliver to a target (a rule's target, a
 * topic's subscriber), like EventBridge's RetryPolicy and SNS's delivery
 * policy: an attempt, then up to `maximumRetryAttempts` retries, at once (a
 * retry that waited would learn nothing more in memory). An error a retry
 * cannot fix (one that says `retryable: false`, e.g. SQS refusing a message for
 * what it holds) is not retried, as EventBridge sends such failures straight
 * to the dead-letter queue.
 */

/** Retries of a failed delivery when a rule or subscription names none: "an immediate retry or two". */
export const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2;

export type DeliveryOutcome =
  | { readonly delivered: true }
  | {
      readonly delivered: false;
      /** The error of the last attempt. */
      readonly error: unknown;
      readonly retryAttempts: number;
      /** True when the retries ran out; false when the error was not worth retrying. */
      readonly exhausted: boolean;
    };

export async function deliverWithRetries(
  attempt: () => void | Promise<void>,
  maximumRetryAttempts: number,
): Promise<DeliveryOutcome> {
  let retryAttempts = 0;
  for (;;) {
    try {
      await attempt();
      return { delivered: true };
    } catch (error) {
      const permanent = (error as { retryable?: unknown } | null)?.retryable === false;
      if (permanent || retryAttempts >= maximumRetryAttempts) {
        return { delivered: false, error, retryAttempts, exhausted: !permanent };
      }
      retryAttempts++;
    }
  }
}

/** Checks a retry count as EventBridge does (MaximumRetryAttempts: 0..185). */
export function checkRetryAttempts(value: number, owner: string): void {
  if (!Number.isInteger(value) || value < 0 || value > 185) {
    throw new RangeError(`${owner}: maximumRetryAttempts must be an integer in 0..185, got ${value}`);
  }
}

/** An error as a dead-letter message attribute: never empty, at most 1 KiB, only characters SQS carries. */
export function errorMessageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const carried = escapeUndeliverable(text);
  if (carried.length === 0) return "unknown error";
  const cut = carried.slice(0, 1024);
  // A cut between the two halves of a pair would leave a lone surrogate, which SQS refuses.
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}
