import { randomUUID } from "node:crypto";
import type { OrderflowEvent } from "../../domain/events.js";
import type { Clock } from "../../ports/clock.js";
import { DeliveryError } from "../../ports/errors.js";
import type { EventBus } from "../../ports/event-bus.js";
import { type BusEnvelope, EVENT_SOURCE, type EventPattern } from "../../ports/routing.js";
import { matchesEventPattern, validateEventPattern } from "./event-pattern.js";
import { InMemoryQueue } from "./in-memory-queue.js";

/** Largest PutEvents entry (time, source, detail-type, detail and resources, in UTF-8 bytes). */
export const EVENTBRIDGE_MAX_ENTRY_BYTES = 262_144;

export type BusTarget = InMemoryQueue | ((envelope: BusEnvelope<OrderflowEvent>) => void | Promise<void>);

export interface BusRule {
  readonly name: string;
  readonly pattern: EventPattern;
  readonly target: BusTarget;
}

/** A delivery to a rule's target that failed after the event was accepted (EventBridge would retry, then use the target's DLQ). */
export interface FailedBusDelivery {
  readonly rule: string;
  readonly envelope: BusEnvelope<OrderflowEvent>;
  readonly error: unknown;
}

export interface InMemoryEventBusOptions {
  /** Default `default`, like EventBridge's default bus. */
  readonly name?: string;
  readonly clock: Clock;
  readonly region?: string;
  readonly accountId?: string;
}

interface FailureInjection {
  remaining: number;
  readonly predicate: (event: OrderflowEvent) => boolean;
}

/**
 * An EventBridge bus in memory. Each published event is wrapped as EventBridge
 * delivers it (version "0", a fresh UUID as id, `detail-type` = the event type,
 * `source` = {@link EVENT_SOURCE}, time to the second) and handed to every rule
 * whose pattern matches it, in the order the rules were added. A queue target
 * gets the envelope JSON as body; a FIFO one with group = `detail.orderId` and
 * deduplication id = `detail.id`, so a re-published event is dropped like on AWS.
 *
 * Like PutEvents, failures are per entry: an entry over 256 KB (or one that an
 * injected failure hits) is not published, the others are, and the call then
 * throws a DeliveryError naming the failed event ids. A target that fails does
 * not fail the publish (EventBridge accepted the event); it is recorded in
 * {@link InMemoryEventBus.failedDeliveries}.
 */
export class InMemoryEventBus implements EventBus {
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  /** Every envelope published so far, in order. */
  readonly published: BusEnvelope<OrderflowEvent>[] = [];
  readonly failedDeliveries: FailedBusDelivery[] = [];

  readonly #clock: Clock;
  readonly #rules: BusRule[] = [];
  readonly #injections: FailureInjection[] = [];

  constructor(options: InMemoryEventBusOptions) {
    this.name = options.name ?? "default";
    this.#clock = options.clock;
    this.region = options.region ?? "us-east-1";
    this.accountId = options.accountId ?? "123456789012";
  }

  /**
   * Adds a rule. @throws InvalidFilterPatternError when EventBridge would refuse the pattern,
   * RangeError when a rule of that name exists.
   */
  addRule(rule: BusRule): void {
    validateEventPattern(rule.pattern);
    if (this.#rules.some((existing) => existing.name === rule.name)) {
      throw new RangeError(`rule ${rule.name} already exists on bus ${this.name}`);
    }
    this.#rules.push(rule);
  }

  get rules(): readonly BusRule[] {
    return this.#rules;
  }

  async publish(events: readonly OrderflowEvent[]): Promise<void> {
    const failures: { id: string; reason: string }[] = [];
    for (const event of events) {
      const envelope = this.#envelope(event);
      // Serialised once: for the size check and, unchanged, for every queue target.
      const detailJson = JSON.stringify(event);
      const size = entrySize(envelope, detailJson);
      if (size > EVENTBRIDGE_MAX_ENTRY_BYTES) {
        failures.push({ id: event.id, reason: `entry is ${size} bytes; PutEvents accepts at most 256 KB` });
        continue;
      }
      const injected = this.#injectedFailure(event);
      if (injected) {
        failures.push({ id: event.id, reason: "InternalFailure (injected)" });
        continue;
      }
      this.published.push(envelope);
      await this.#route(envelope, detailJson);
    }
    if (failures.length > 0) throw new DeliveryError(this.name, failures);
  }

  /**
   * Makes the next `count` published events that match `predicate` (default: any) fail as PutEvents
   * entries, e.g. to test that an outbox is repaired later.
   */
  failNext(count: number, predicate: (event: OrderflowEvent) => boolean = () => true): void {
    this.#injections.push({ remaining: count, predicate });
  }

  /** The orderflow events published so far (the `detail` of each envelope), optionally of one type. */
  events<TType extends OrderflowEvent["type"]>(type?: TType): Extract<OrderflowEvent, { type: TType }>[] {
    return this.published
      .map((envelope) => envelope.detail)
      .filter(
        (event): event is Extract<OrderflowEvent, { type: TType }> =>
          type === undefined || event.type === type,
      );
  }

  #envelope(event: OrderflowEvent): BusEnvelope<OrderflowEvent> {
    return {
      version: "0",
      id: randomUUID(),
      "detail-type": event.type,
      source: EVENT_SOURCE,
      account: this.accountId,
      // EventBridge times have no fraction of a second.
      time: this.#clock
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, "Z"),
      region: this.region,
      resources: [],
      detail: event,
    };
  }

  #injectedFailure(event: OrderflowEvent): boolean {
    const injection = this.#injections.find(
      (candidate) => candidate.remaining > 0 && candidate.predicate(event),
    );
    if (!injection) return false;
    injection.remaining--;
    return true;
  }

  async #route(envelope: BusEnvelope<OrderflowEvent>, detailJson: string): Promise<void> {
    for (const rule of this.#rules) {
      if (!matchesEventPattern(rule.pattern, envelope)) continue;
      try {
        if (rule.target instanceof InMemoryQueue) {
          const queue = rule.target;
          await queue.send([
            {
              id: envelope.detail.id,
              body: serializeEnvelope(envelope, detailJson),
              ...(queue.fifo
                ? { groupId: envelope.detail.orderId, deduplicationId: envelope.detail.id }
                : {}),
            },
          ]);
        } else {
          await rule.target(envelope);
        }
      } catch (error) {
        this.failedDeliveries.push({ rule: rule.name, envelope, error });
      }
    }
  }
}

/** `JSON.stringify(envelope)`, reusing the detail already serialised. */
function serializeEnvelope(envelope: BusEnvelope<OrderflowEvent>, detailJson: string): string {
  const { detail: _detail, ...head } = envelope;
  return `${JSON.stringify(head).slice(0, -1)},"detail":${detailJson}}`;
}

function entrySize(envelope: BusEnvelope<OrderflowEvent>, detailJson: string): number {
  // As documented for PutEvents: 14 bytes for Time, plus the UTF-8 bytes of the other fields.
  return (
    14 +
    Buffer.byteLength(envelope.source, "utf8") +
    Buffer.byteLength(envelope["detail-type"], "utf8") +
    Buffer.byteLength(detailJson, "utf8") +
    envelope.resources.reduce((sum, resource) => sum + Buffer.byteLength(resource, "utf8"), 0)
  );
}
