import type { DeliveryFailure } from "../../ports/errors.js";
import { isThrottlingError } from "./aws-errors.js";
import { type RetryOptions, retryWithBackoff } from "./retry.js";

/**
 * Packing entries into batch requests and re-sending only the entries a batch
 * API reports as failed. Shared by SQS `SendMessageBatch`, EventBridge
 * `PutEvents` and SNS `PublishBatch`, which all accept up to 10 entries per call
 * within a total payload size, and all answer a call that "succeeded" with a
 * list of entries that did not.
 */

/** Limits of one batch request. */
export interface BatchLimits {
  /** At most this many entries per request. */
  readonly maxEntries: number;
  /** The sizes of the entries of one request add up to at most this many bytes. */
  readonly maxBytes: number;
}

/** Size of a string in UTF-8 bytes, which is how every AWS size limit is measured. */
export function utf8Length(value: string): number {
  return Buffer.byteLength(value, "utf8");
}

/**
 * Splits `items` into consecutive batches of at most `limits.maxEntries` entries
 * whose sizes add up to at most `limits.maxBytes`, keeping their order (a FIFO
 * queue relies on it). Greedy: a batch is closed as soon as the next item does
 * not fit, which is optimal for order-preserving packing.
 * @throws RangeError when one item alone exceeds `maxBytes`: callers refuse those first.
 */
export function packBatches<T>(items: readonly T[], sizeOf: (item: T) => number, limits: BatchLimits): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let currentBytes = 0;
  for (const item of items) {
    const size = sizeOf(item);
    if (size > limits.maxBytes) {
      throw new RangeError(`an entry of ${size} bytes exceeds the batch limit of ${limits.maxBytes} bytes`);
    }
    if (
      current.length > 0 &&
      (current.length >= limits.maxEntries || currentBytes + size > limits.maxBytes)
    ) {
      batches.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(item);
    currentBytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * {@link packBatches} for a FIFO queue: a message group appears at most once
 * per batch, and the k-th message of a group goes in a later batch than its
 * (k-1)-th. Sent one batch after the other, each batch's retries finished
 * before the next one starts, a retried entry can then never land after a
 * later message of its group, which a batch holding two messages of one group
 * would allow (the first fails, the second succeeds, the first is retried).
 *
 * Items are taken by rank in their group (every group's first message, then
 * every group's second, …), in their original order within a rank, and packed
 * greedily; a batch is also closed when the next item's group is already in
 * it. Distinct groups (one order each) therefore fill whole batches; a single
 * group is sent one message per call, which is what its ordering costs.
 * @throws RangeError when one item alone exceeds `maxBytes`: callers refuse those first.
 */
export function packGroupedBatches<T>(
  items: readonly T[],
  sizeOf: (item: T) => number,
  groupOf: (item: T) => string,
  limits: BatchLimits,
): T[][] {
  const seen = new Map<string, number>();
  const ranked = items.map((item, index) => {
    const group = groupOf(item);
    const rank = seen.get(group) ?? 0;
    seen.set(group, rank + 1);
    return { item, index, rank, group };
  });
  ranked.sort((a, b) => a.rank - b.rank || a.index - b.index);

  const batches: T[][] = [];
  let current: T[] = [];
  let groups = new Set<string>();
  let currentBytes = 0;
  for (const { item, group } of ranked) {
    const size = sizeOf(item);
    if (size > limits.maxBytes) {
      throw new RangeError(`an entry of ${size} bytes exceeds the batch limit of ${limits.maxBytes} bytes`);
    }
    if (
      current.length > 0 &&
      (current.length >= limits.maxEntries || currentBytes + size > limits.maxBytes || groups.has(group))
    ) {
      batches.push(current);
      current = [];
      groups = new Set();
      currentBytes = 0;
    }
    current.push(item);
    groups.add(group);
    currentBytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** An entry a batch call did not deliver, and why. */
export interface EntryFailure<T> {
  readonly entry: T;
  /** Error code and message as the service reported them, for the DeliveryError. */
  readonly reason: string;
  /** Whether sending the same entry again may succeed (throttling, internal errors). */
  readonly retryable: boolean;
}

/** One entry of a batch response's `Failed` list (SQS SendMessageBatch, SNS PublishBatch). */
export interface BatchResultErrorEntry {
  readonly Id?: string | undefined;
  readonly Code?: string | undefined;
  readonly Message?: string | undefined;
  readonly SenderFault?: boolean | undefined;
}

/**
 * The failed entries of a batch call answered with `Successful` and `Failed`
 * lists by entry id. An entry the service reported neither way may or may not
 * have been delivered: it is retried, since a duplicate is tolerated by every
 * consumer while a silent loss is noticed by none.
 */
export function failedEntries<T extends { readonly entry: { readonly Id?: string | undefined } }>(
  batch: readonly T[],
  output: {
    readonly Successful?: readonly { readonly Id?: string | undefined }[] | undefined;
    readonly Failed?: readonly BatchResultErrorEntry[] | undefined;
  },
  service: string,
): EntryFailure<T>[] {
  const unanswered = new Map(batch.map((pending) => [pending.entry.Id, pending]));
  const failed: EntryFailure<T>[] = [];
  for (const f of output.Failed ?? []) {
    const pending = unanswered.get(f.Id);
    if (pending === undefined) continue;
    unanswered.delete(f.Id);
    failed.push({
      entry: pending,
      reason: describeEntryError(f.Code, f.Message),
      retryable: f.SenderFault !== true || isThrottlingCode(f.Code),
    });
  }
  for (const s of output.Successful ?? []) unanswered.delete(s.Id);
  for (const pending of unanswered.values()) {
    failed.push({
      entry: pending,
      reason: describeEntryError("MissingEntryResult", `${service} reported no result for this entry`),
      retryable: true,
    });
  }
  return failed;
}

/** What became of one batch after its retries. */
export interface BatchOutcome<T> {
  /** Entries not delivered: refused for good, or still failing after the last attempt. */
  readonly failures: readonly EntryFailure<T>[];
  /**
   * Set when the last call failed as a whole (an exception rather than entry
   * results): nothing suggests that the next batch would fare better.
   */
  readonly callError?: unknown;
}

/** Options of {@link sendBatchWithRetry}. */
export interface BatchRetryOptions {
  /** Attempts, delays, sleep and jitter; see {@link RetryOptions}. One attempt = one call. */
  readonly retry?: Omit<RetryOptions, "isRetryable"> | undefined;
  /** Whether an exception of the whole call is worth another call (throttling). */
  readonly isCallRetryable: (err: unknown) => boolean;
}

/** Signals to retryWithBackoff that some entries are left to send. */
class EntriesPending extends Error {}

/**
 * Sends one batch with `send`, which resolves to the entries the service
 * reported as failed. Retryable failures are sent again, alone, with exponential
 * backoff and full jitter; a whole-call error is retried when
 * `isCallRetryable` says so. Every call, whether throttled or partly failed,
 * uses one of the `retry.attempts`.
 */
export async function sendBatchWithRetry<T>(
  batch: readonly T[],
  send: (entries: readonly T[]) => Promise<readonly EntryFailure<T>[]>,
  options: BatchRetryOptions,
): Promise<BatchOutcome<T>> {
  let pending: readonly T[] = batch;
  let lastRetryable: readonly EntryFailure<T>[] = [];
  const permanent: EntryFailure<T>[] = [];
  try {
    await retryWithBackoff(
      async () => {
        const failed = await send(pending);
        permanent.push(...failed.filter((f) => !f.retryable));
        lastRetryable = failed.filter((f) => f.retryable);
        pending = lastRetryable.map((f) => f.entry);
        if (pending.length > 0) throw new EntriesPending();
      },
      {
        ...options.retry,
        isRetryable: (err) => err instanceof EntriesPending || options.isCallRetryable(err),
      },
    );
    return { failures: permanent };
  } catch (err) {
    if (err instanceof EntriesPending) return { failures: [...permanent, ...lastRetryable] };
    const reason = describeError(err);
    const retryable = options.isCallRetryable(err);
    return {
      failures: [...permanent, ...pending.map((entry) => ({ entry, reason, retryable }))],
      callError: err,
    };
  }
}

/** The entries of a `send` that were not delivered, by the caller's id, and the call error that stopped it. */
export interface DeliveryOutcome {
  readonly failures: readonly DeliveryFailure[];
  /** The whole-call error (after its retries) that ended the delivery early, if any. */
  readonly callError?: unknown;
}

/** Options of {@link deliverBatches}. */
export interface DeliveryOptions<T> extends BatchRetryOptions {
  /**
   * FIFO queues: the message group of an entry. Once an entry of a group is
   * not delivered, the group's entries in later batches are not sent either
   * (they are reported as not sent), so a group never has a gap.
   */
  readonly groupOf?: ((entry: T) => string) | undefined;
}

/**
 * Sends `batches` one after the other with {@link sendBatchWithRetry}: the
 * retries of a batch end before the next batch is sent, which keeps FIFO order
 * when batches come from {@link packGroupedBatches}. A call that still fails as
 * a whole after its retries (missing queue, access denied, throttling that
 * outlasted the attempts) ends the delivery: the entries of the later batches
 * are reported as not sent rather than sent into the same wall.
 */
export async function deliverBatches<T extends { readonly id: string }>(
  batches: readonly (readonly T[])[],
  send: (entries: readonly T[]) => Promise<readonly EntryFailure<T>[]>,
  options: DeliveryOptions<T>,
): Promise<DeliveryOutcome> {
  const failures: DeliveryFailure[] = [];
  const { groupOf } = options;
  const failedGroups = new Set<string>();
  for (const [index, packed] of batches.entries()) {
    let batch = packed;
    if (groupOf !== undefined && failedGroups.size > 0) {
      batch = packed.filter((entry) => {
        const group = groupOf(entry);
        if (!failedGroups.has(group)) return true;
        failures.push({
          id: entry.id,
          reason: `not sent: an earlier message of group ${group} was not delivered`,
        });
        return false;
      });
      if (batch.length === 0) continue;
    }
    const outcome = await sendBatchWithRetry(batch, send, options);
    failures.push(
      ...outcome.failures.map((f) => ({ id: f.entry.id, reason: f.reason, retryable: f.retryable })),
    );
    if (groupOf !== undefined) for (const f of outcome.failures) failedGroups.add(groupOf(f.entry));
    if (outcome.callError !== undefined) {
      const reason = `not sent: an earlier batch failed (${describeError(outcome.callError)})`;
      for (const rest of batches.slice(index + 1))
        failures.push(...rest.map((entry) => ({ id: entry.id, reason })));
      return { failures, callError: outcome.callError };
    }
  }
  return { failures };
}

/** `Code: message` of an SDK error (or anything thrown), for a DeliveryError's reasons. */
export function describeError(err: unknown): string {
  if (err instanceof Error)
    return err.message && err.message !== err.name ? `${err.name}: ${err.message}` : err.name;
  return String(err);
}

/** `Code: message` of a failed batch entry. */
export function describeEntryError(code: string | undefined, message: string | undefined): string {
  const c = code ?? "UnknownError";
  return message ? `${c}: ${message}` : c;
}

/**
 * A batch entry id that SQS and SNS accept (letters, digits, `-`, `_`, at most
 * 80 characters) and that is unique within a call: the entry's position, then
 * the caller's id with other characters replaced by `_`, for readable logs.
 */
export function safeEntryId(index: number, id: string): string {
  const prefix = `${index}-`;
  return prefix + id.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 80 - prefix.length);
}

/**
 * Whether a batch entry's error code means throttling. Entry codes are not
 * exception names (SNS reports `Throttled`, SQS `RequestThrottled`, KMS
 * `KmsThrottled`), so any code that speaks of throttling counts.
 */
export function isThrottlingCode(code: string | undefined): boolean {
  return code !== undefined && (isThrottlingError({ name: code }) || /throttl/i.test(code));
}
