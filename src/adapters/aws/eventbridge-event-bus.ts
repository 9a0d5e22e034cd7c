import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import type { OrderflowEvent } from "../../domain/events.js";
import { DeliveryError, type DeliveryFailure } from "../../ports/errors.js";
import type { EventBus } from "../../ports/event-bus.js";
import { EVENT_SOURCE } from "../../ports/routing.js";
import { isTransientAwsError, translateAwsError } from "./aws-errors.js";
import {
  deliverBatches,
  describeEntryError,
  type EntryFailure,
  isThrottlingCode,
  packBatches,
  utf8Length,
} from "./batching.js";
import { type AwsClientOptions, baseClientConfig } from "./client-options.js";
import type { RetryOptions } from "./retry.js";

/** PutEvents accepts at most this many entries. */
export const EVENTBRIDGE_MAX_BATCH_ENTRIES = 10;
/** PutEvents accepts at most 256 KB of entries per request (and so per entry). */
export const EVENTBRIDGE_MAX_REQUEST_BYTES = 256 * 1024;
/** `Time` counts as 14 bytes whatever its value (EventBridge's own size rule). */
const TIME_BYTES = 14;

export interface EventBridgeEventBusOptions {
  readonly client: EventBridgeClient;
  /** Name or ARN of the custom bus. */
  readonly eventBusName: string;
  /** `source` of every entry; defaults to {@link EVENT_SOURCE}, which the bus rules match on. */
  readonly source?: string | undefined;
  /** Attempts (default 5, one per call), delays and jitter of the retries. */
  readonly retry?: Omit<RetryOptions, "isRetryable"> | undefined;
}

/** An EventBridge client for {@link EventBridgeEventBus}; created by the caller, never at import time. */
export function createEventBridgeClient(options: AwsClientOptions = {}): EventBridgeClient {
  return new EventBridgeClient(baseClientConfig(options));
}

/**
 * Size of a PutEvents entry as EventBridge computes it ("Calculating PutEvents
 * event entry size"): 14 bytes for `Time` when present, plus the UTF-8 bytes of
 * `Source`, `DetailType`, `Detail` and of each of `Resources`.
 */
export function putEventsEntrySize(entry: PutEventsRequestEntry): number {
  let size = entry.Time === undefined ? 0 : TIME_BYTES;
  for (const field of [entry.Source, entry.DetailType, entry.Detail]) {
    if (field !== undefined) size += utf8Length(field);
  }
  for (const resource of entry.Resources ?? []) size += utf8Length(resource);
  return size;
}

interface Pending {
  readonly id: string;
  readonly entry: PutEventsRequestEntry;
  readonly size: number;
}

/**
 * {@link EventBus} on an EventBridge custom bus.
 *
 * Conventions (defined in `ports/routing.ts`, matched by the bus rules):
 * - `Source` = {@link EVENT_SOURCE} (`orderflow`) unless `source` says otherwise;
 * - `DetailType` = the event's `type` (e.g. `OrderValidated`);
 * - `Detail` = JSON of the whole orderflow envelope (`id`, `type`, `orderId`,
 *   `orderVersion`, `correlationId`, …, `data`), so a target reads back exactly
 *   the event that was published, under `detail`;
 * - `Time` = the event's `occurredAt`; no `Resources`.
 *
 * Entries go out with PutEvents in order, at most 10 per call and at most 256 KB
 * per call ({@link putEventsEntrySize}); an event larger than that alone is
 * refused up front. `FailedEntryCount` is checked and the results matched to the
 * entries by position: entries that failed for a transient reason (throttling,
 * `InternalFailure`) and entries with no result (a missing or empty result, even
 * when `FailedEntryCount` is 0) are sent again, alone, with exponential backoff and full
 * jitter; a throttled or failed (5xx) call is retried whole. After the retries,
 * one DeliveryError names every event not published, with its ErrorCode and
 * ErrorMessage.
 */
export class EventBridgeEventBus implements EventBus {
  private readonly client: EventBridgeClient;
  private readonly eventBusName: string;
  private readonly source: string;
  private readonly retry: Omit<RetryOptions, "isRetryable"> | undefined;

  constructor(options: EventBridgeEventBusOptions) {
    this.client = options.client;
    this.eventBusName = options.eventBusName;
    this.source = options.source ?? EVENT_SOURCE;
    this.retry = options.retry;
  }

  async publish(events: readonly OrderflowEvent[]): Promise<void> {
    const destination = `EventBridge bus ${this.eventBusName}`;
    const failures: DeliveryFailure[] = [];
    const accepted: Pending[] = [];
    for (const event of events) {
      const entry = this.toEntry(event);
      const size = putEventsEntrySize(entry);
      if (size > EVENTBRIDGE_MAX_REQUEST_BYTES) {
        failures.push({
          id: event.id,
          reason: `EntryTooLarge: ${size} bytes exceed the PutEvents limit of ${EVENTBRIDGE_MAX_REQUEST_BYTES} bytes`,
          retryable: false,
        });
      } else {
        accepted.push({ id: event.id, entry, size });
      }
    }

    const batches = packBatches(accepted, (p) => p.size, {
      maxEntries: EVENTBRIDGE_MAX_BATCH_ENTRIES,
      maxBytes: EVENTBRIDGE_MAX_REQUEST_BYTES,
    });
    const outcome = await deliverBatches(batches, (entries) => this.putEvents(entries), {
      retry: this.retry,
      isCallRetryable: isTransientAwsError,
    });
    failures.push(...outcome.failures);
    if (failures.length > 0) {
      const cause =
        outcome.callError === undefined ? undefined : translateAwsError(outcome.callError, destination);
      throw new DeliveryError(destination, failures, cause === undefined ? {} : { cause });
    }
  }

  private async putEvents(batch: readonly Pending[]): Promise<EntryFailure<Pending>[]> {
    const output = await this.client.send(new PutEventsCommand({ Entries: batch.map((p) => p.entry) }));
    const results = output.Entries ?? [];
    if (
      !output.FailedEntryCount &&
      results.length >= batch.length &&
      results.every((result) => result.EventId !== undefined && result.ErrorCode === undefined)
    )
      return [];
    const failed: EntryFailure<Pending>[] = [];
    // PutEvents answers entry by entry, in request order: position is the only link.
    batch.forEach((pending, index) => {
      const result = results[index];
      if (result?.EventId !== undefined && result.ErrorCode === undefined) return;
      const code = result?.ErrorCode ?? "UnknownError";
      failed.push({
        entry: pending,
        reason: describeEntryError(
          code,
          result?.ErrorMessage ?? (result ? undefined : "no result for this entry"),
        ),
        retryable:
          result?.ErrorCode === undefined || isThrottlingCode(code) || isTransientAwsError({ name: code }),
      });
    });
    return failed;
  }

  private toEntry(event: OrderflowEvent): PutEventsRequestEntry {
    const time = new Date(event.occurredAt);
    return {
      EventBusName: this.eventBusName,
      Source: this.source,
      DetailType: event.type,
      Detail: JSON.stringify(event),
      ...(Number.isNaN(time.getTime()) ? {} : { Time: time }),
    };
  }
}
