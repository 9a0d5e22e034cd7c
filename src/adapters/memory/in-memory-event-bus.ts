import type { OrderflowEvent } from "../../domain/events.js";
import { type Clock, epochMsOf } from "../../ports/clock.js";
import { DeliveryError, type DeliveryFailure } from "../../ports/errors.js";
import type { EventBus } from "../../ports/event-bus.js";
import { EVENT_SOURCE } from "../../ports/routing.js";
import { compileEventPattern, type EventPattern, validateEventPattern } from "./event-pattern.js";
import { randomUuid } from "./ids.js";
import { InMemoryQueue } from "./in-memory-queue.js";
import {
  checkRetryAttempts,
  DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
  deliverWithRetries,
  errorMessageOf,
} from "./target-delivery.js";

/** Largest PutEvents entry (time, source, detail-type, detail and resources, in UTF-8 bytes). */
export const EVENTBRIDGE_MAX_ENTRY_BYTES = 262_144;

/** An event as EventBridge delivers it to a target (e.g. in the body of an SQS message). */
export interface BusEnvelope<TDetail = unknown> {
  readonly version: "0";
  readonly id: string;
  readonly "detail-type": string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: TDetail;
}

export type BusTarget = InMemoryQueue | ((envelope: BusEnvelope<OrderflowEvent>) => void | Promise<void>);

export interface BusRule {
  readonly name: string;
  readonly pattern: EventPattern;
  readonly target: BusTarget;
  /**
   * Where an event goes that could not be delivered to the target (the
   * target's `DeadLetterConfig`): a standard queue, as EventBridge requires.
   * Required here, so that a failed delivery always leaves a message to see and redrive.
   */
  readonly deadLetterQueue: InMemoryQueue;
  /** Retries of a failed delivery, made at once (the target's `RetryPolicy.MaximumRetryAttempts`); default 2. */
  readonly maximumRetryAttempts?: number;
  /** The target's ARN, as dead letters name it; default: a queue's ARN, or `<rule ARN>/target` for a function. */
  readonly targetArn?: string;
}

export interface InMemoryEventBusOptions {
  /** Default `default`, like EventBridge's default bus. */
  readonly name?: string;
  readonly clock: Clock;
  readonly region?: string;
  readonly accountId?: string;
}

const SOURCE_JSON = JSON.stringify(EVENT_SOURCE);

/** orderflow events name no resources: every envelope shares one frozen empty list. */
const NO_RESOURCES: readonly string[] = Object.freeze([]);

/** A rule with its pattern compiled and its names made once, when it is added. */
interface CompiledRule {
  readonly rule: BusRule;
  readonly matches: (envelope: BusEnvelope<OrderflowEvent>) => boolean;
  readonly ruleArn: string;
  readonly targetArn: string;
  readonly maximumRetryAttempts: number;
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
 * throws a DeliveryError naming the failed event ids.
 *
 * A target that fails does not fail the publish (EventBridge accepted the
 * event): the delivery is retried at once (see {@link BusRule.maximumRetryAttempts};
 * not when the error says a retry cannot help), then the event goes to the
 * rule's dead-letter queue as EventBridge sends it: the envelope JSON as body,
 * with the attributes `RULE_ARN`, `TARGET_ARN`, `ERROR_CODE`, `ERROR_MESSAGE`,
 * `RETRY_ATTEMPTS` and, when the retries ran out, `EXHAUSTED_RETRY_CONDITION`.
 * Only when the dead-letter queue refuses it too (EventBridge would lose it)
 * does the publish fail for that entry, so the sender's retry carries it.
 */
export class InMemoryEventBus implements EventBus {
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  /** Every envelope published so far, in order. */
  readonly published: BusEnvelope<OrderflowEvent>[] = [];

  readonly #clock: Clock;
  readonly #regionJson: string;
  readonly #accountJson: string;
  readonly #rules: BusRule[] = [];
  readonly #compiled: CompiledRule[] = [];
  readonly #injections: FailureInjection[] = [];
  /** EventBridge times have a resolution of one second: the text is made once per second. */
  #timeSecond = Number.NaN;
  #timeText = "";

  constructor(options: InMemoryEventBusOptions) {
    this.name = options.name ?? "default";
    this.#clock = options.clock;
    this.region = options.region ?? "us-east-1";
    this.accountId = options.accountId ?? "123456789012";
    this.#regionJson = JSON.stringify(this.region);
    this.#accountJson = JSON.stringify(this.accountId);
  }

  /**
   * Adds a rule. @throws InvalidFilterPatternError when EventBridge would refuse the pattern,
   * RangeError when a rule of that name exists, or its dead-letter queue is FIFO, or its retries out of 0..185.
   */
  addRule(rule: BusRule): void {
    validateEventPattern(rule.pattern);
    if (this.#rules.some((existing) => existing.name === rule.name)) {
      throw new RangeError(`rule ${rule.name} already exists on bus ${this.name}`);
    }
    if (rule.deadLetterQueue.fifo) {
      throw new RangeError(`rule ${rule.name}: EventBridge dead-letter queues are standard queues`);
    }
    const maximumRetryAttempts = rule.maximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS;
    checkRetryAttempts(maximumRetryAttempts, `rule ${rule.name}`);
    // The default bus's rules are named `rule/<name>`, a custom bus's `rule/<bus>/<name>`.
    const path = this.name === "default" ? rule.name : `${this.name}/${rule.name}`;
    const ruleArn = `arn:aws:events:${this.region}:${this.accountId}:rule/${path}`;
    const targetArn =
      rule.targetArn ??
      (rule.target instanceof InMemoryQueue
        ? `arn:aws:sqs:${this.region}:${this.accountId}:${rule.target.name}`
        : `${ruleArn}/target`);
    this.#rules.push(rule);
    this.#compiled.push({
      rule,
      matches: compileEventPattern(rule.pattern),
      ruleArn,
      targetArn,
      maximumRetryAttempts,
    });
  }

  get rules(): readonly BusRule[] {
    return this.#rules;
  }

  async publish(events: readonly OrderflowEvent[]): Promise<void> {
    let failures: DeliveryFailure[] | undefined;
    for (const event of events) {
      const envelope = this.#envelope(event);
      // Each pattern is evaluated once per event; most events match no rule.
      let matched: CompiledRule[] | undefined;
      let toQueue = false;
      for (const compiled of this.#compiled) {
        if (!compiled.matches(envelope)) continue;
        matched ??= [];
        matched.push(compiled);
        toQueue ||= compiled.rule.target instanceof InMemoryQueue;
      }
      // Serialised once, when a queue target will carry it: for the size check and, unchanged, for the body.
      // Otherwise a bound of the size is enough, unless it comes near the limit.
      let detailJson = toQueue ? JSON.stringify(event) : undefined;
      let size = detailJson === undefined ? entrySizeBound(event) : entrySize(event.type, detailJson);
      if (size > EVENTBRIDGE_MAX_ENTRY_BYTES && detailJson === undefined) {
        detailJson = JSON.stringify(event);
        size = entrySize(event.type, detailJson);
      }
      if (size > EVENTBRIDGE_MAX_ENTRY_BYTES) {
        failures ??= [];
        failures.push({
          id: event.id,
          reason: `entry is ${size} bytes; PutEvents accepts at most 256 KB`,
          retryable: false,
        });
        continue;
      }
      if (this.#injections.length > 0 && this.#injectedFailure(event)) {
        failures ??= [];
        failures.push({ id: event.id, reason: "InternalFailure (injected)" });
        continue;
      }
      this.published.push(envelope);
      if (matched === undefined) continue;
      for (const rule of matched) {
        const lost = await this.#deliver(rule, envelope, detailJson);
        if (lost === undefined) continue;
        failures ??= [];
        failures.push(lost);
      }
    }
    if (failures !== undefined) throw new DeliveryError(this.name, failures);
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
      id: randomUuid(),
      "detail-type": event.type,
      source: EVENT_SOURCE,
      account: this.accountId,
      time: this.#time(),
      region: this.region,
      resources: NO_RESOURCES,
      detail: event,
    };
  }

  /** Now, as EventBridge writes it: ISO 8601 without a fraction of a second. */
  #time(): string {
    const ms = epochMsOf(this.#clock);
    const second = Math.floor(ms / 1000);
    if (second !== this.#timeSecond) {
      this.#timeText = new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
      this.#timeSecond = second;
    }
    return this.#timeText;
  }

  #injectedFailure(event: OrderflowEvent): boolean {
    const injection = this.#injections.find(
      (candidate) => candidate.remaining > 0 && candidate.predicate(event),
    );
    if (!injection) return false;
    injection.remaining--;
    if (injection.remaining === 0) this.#injections.splice(this.#injections.indexOf(injection), 1);
    return true;
  }

  /**
   * `JSON.stringify(envelope)` (same keys, same order), reusing the detail
   * already serialised and the bus's constant fields, serialised once. The id
   * and the time are made by this bus and need no escaping.
   */
  #serialize(envelope: BusEnvelope<OrderflowEvent>, detailJson: string): string {
    return (
      `{"version":"0","id":"${envelope.id}","detail-type":${JSON.stringify(envelope["detail-type"])}` +
      `,"source":${SOURCE_JSON},"account":${this.#accountJson},"time":"${envelope.time}"` +
      `,"region":${this.#regionJson},"resources":[],"detail":${detailJson}}`
    );
  }

  /** Delivers to one rule's target, else to its dead-letter queue; returns the failure only when both refused. */
  async #deliver(
    compiled: CompiledRule,
    envelope: BusEnvelope<OrderflowEvent>,
    detailJson: string | undefined,
  ): Promise<DeliveryFailure | undefined> {
    const { rule } = compiled;
    const target = rule.target;
    let body: string | undefined;
    const outcome = await deliverWithRetries(() => {
      if (!(target instanceof InMemoryQueue)) return target(envelope);
      body ??= this.#serialize(envelope, detailJson ?? JSON.stringify(envelope.detail));
      return target.send([
        target.fifo
          ? {
              id: envelope.detail.id,
              body,
              groupId: envelope.detail.orderId,
              deduplicationId: envelope.detail.id,
            }
          : { id: envelope.detail.id, body },
      ]);
    }, compiled.maximumRetryAttempts);
    if (outcome.delivered) return undefined;
    const attributes: Record<string, string> = {
      RULE_ARN: compiled.ruleArn,
      TARGET_ARN: compiled.targetArn,
      // Codes from EventBridge's list: a refusal for what the event holds, or the target's own failure.
      ERROR_CODE: outcome.exhausted ? "ERROR_FROM_TARGET" : "INVALID_PARAMETER",
      ERROR_MESSAGE: errorMessageOf(outcome.error),
      RETRY_ATTEMPTS: String(outcome.retryAttempts),
      ...(outcome.exhausted ? { EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts" } : {}),
    };
    body ??= this.#serialize(envelope, detailJson ?? JSON.stringify(envelope.detail));
    try {
      await rule.deadLetterQueue.sendDeadLetters(
        [{ id: envelope.detail.id, body, attributes }],
        target instanceof InMemoryQueue ? target : undefined,
      );
      return undefined;
    } catch (error) {
      return {
        id: envelope.detail.id,
        reason:
          `rule ${rule.name} could not deliver it (${errorMessageOf(outcome.error)}) ` +
          `and its dead-letter queue ${rule.deadLetterQueue.name} refused it (${errorMessageOf(error)})`,
        retryable: (error as { retryable?: unknown }).retryable !== false,
      };
    }
  }
}

/**
 * The entry size as documented for PutEvents: 14 bytes for Time, plus the UTF-8
 * bytes of Source, DetailType, Detail and Resources (none here). A UTF-16 code
 * unit takes at most 3 UTF-8 bytes, so when even that bound is within the
 * limit the exact count is skipped (the answer is then only used as "small enough").
 */
function entrySize(detailType: string, detailJson: string): number {
  const bound = 14 + 3 * (EVENT_SOURCE.length + detailType.length + detailJson.length);
  if (bound <= EVENTBRIDGE_MAX_ENTRY_BYTES) return bound;
  return (
    14 +
    Buffer.byteLength(EVENT_SOURCE, "utf8") +
    Buffer.byteLength(detailType, "utf8") +
    Buffer.byteLength(detailJson, "utf8")
  );
}

/**
 * A bound of {@link entrySize} computed without serialising the event, or
 * +Infinity when the event holds something only JSON.stringify can size
 * (`toJSON`, class instances, BigInt, deep nesting).
 */
function entrySizeBound(event: OrderflowEvent): number {
  const detail = jsonBytesBound(event, 0);
  return detail < 0 ? Number.POSITIVE_INFINITY : 14 + 3 * (EVENT_SOURCE.length + event.type.length) + detail;
}

/**
 * An upper bound of the UTF-8 bytes of `JSON.stringify(value)`, or -1. A string
 * takes at most 6 bytes per UTF-16 code unit (`\uXXXX`, and UTF-8 needs at
 * most 3), a number at most 25; keys are counted like strings.
 */
function jsonBytesBound(value: unknown, depth: number): number {
  switch (typeof value) {
    case "string":
      return 6 * value.length + 2;
    case "number":
      return 25;
    case "boolean":
      return 5;
    case "undefined":
    case "function":
    case "symbol":
      return 4;
    case "object": {
      if (value === null) return 4;
      if (depth >= 32 || typeof (value as { toJSON?: unknown }).toJSON === "function") return -1;
      const prototype = Object.getPrototypeOf(value);
      let total = 2;
      if (Array.isArray(value)) {
        if (prototype !== Array.prototype) return -1;
        for (let i = 0; i < value.length; i++) {
          const bound = jsonBytesBound(value[i], depth + 1);
          if (bound < 0) return -1;
          total += bound + 1;
        }
        return total;
      }
      if (prototype !== Object.prototype && prototype !== null) return -1;
      // for-in also sees inherited enumerable keys, which JSON.stringify skips: that only loosens the bound.
      for (const key in value) {
        const bound = jsonBytesBound((value as Record<string, unknown>)[key], depth + 1);
        if (bound < 0) return -1;
        total += 6 * key.length + 4 + bound;
      }
      return total;
    }
    default:
      return -1;
  }
}
