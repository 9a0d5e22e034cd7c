import { createHash, randomFillSync } from "node:crypto";
import { type Clock, epochMsOf } from "../../ports/clock.js";
import type { CommandQueue, QueueMessage } from "../../ports/command-queue.js";
import { DeliveryError, type DeliveryFailure, PortError } from "../../ports/errors.js";
import { randomUuid } from "./ids.js";
import { sendRefusal } from "./sqs-message-rules.js";
import { type ReceivedMessage, type SqsRecord, sqsRecordOf } from "./sqs-record.js";

/** FIFO deduplication interval. */
export const SQS_DEDUPLICATION_WINDOW_MS = 5 * 60_000;
const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
const DEFAULT_REGION = "us-east-1";
const DEFAULT_ACCOUNT_ID = "123456789012";

/** SQS error names for requests the queue refuses. */
export type QueueRequestFailure = "ReceiptHandleIsInvalid" | "MessageNotInflight" | "InvalidParameterValue";

/** A receive, delete or visibility change that SQS would refuse. */
export class InvalidQueueRequestError extends PortError {
  readonly code = "INVALID_QUEUE_REQUEST";

  constructor(
    readonly queue: string,
    /** The error SQS would answer with. */
    readonly failure: QueueRequestFailure,
    message: string,
  ) {
    super(`${queue}: ${failure}: ${message}`, { details: { queue, failure } });
  }
}

export interface InMemoryQueueOptions {
  readonly name: string;
  /** Default: the name ends with `.fifo`, as SQS requires of FIFO queues. */
  readonly fifo?: boolean;
  readonly clock: Clock;
  /** Default 30, like SQS. */
  readonly visibilityTimeoutSeconds?: number;
  /** Receives before a message moves to `deadLetterQueue` (the redrive policy); needs a DLQ. */
  readonly maxReceiveCount?: number;
  /**
   * How long a sent message stays hidden when it names no delay of its own
   * (SQS's `DelaySeconds` attribute); 0..900, default 0. Fractions are kept
   * (SQS takes whole seconds).
   */
  readonly delaySeconds?: number;
  /** Must be FIFO when this queue is FIFO, standard otherwise (SQS refuses mixing). */
  readonly deadLetterQueue?: InMemoryQueue;
  /** FIFO: use the SHA-256 of the body when a message has no deduplication id. */
  readonly contentBasedDeduplication?: boolean;
  /** Standard queues: probability (0..1) that a sent message is stored twice (at-least-once delivery). */
  readonly duplicateDeliveryRate?: number;
  /** Standard queues: receive visible messages in random order (best-effort ordering). */
  readonly reorder?: boolean;
  /** Source of randomness for duplicates and reordering; seed it for reproducible tests. */
  readonly random?: () => number;
}

export interface ReceiveOptions {
  /** 1..10, default 10. */
  readonly max?: number;
  /** Overrides the queue's visibility timeout for this receive (0..43200). */
  readonly visibilityTimeoutSeconds?: number;
}

export type StoredMessageState = "visible" | "inFlight" | "delayed";

/** A stored message as a test sees it with {@link InMemoryQueue.peek}. */
export interface StoredMessageView extends Omit<ReceivedMessage, "receiptHandle" | "firstReceivedAt"> {
  /** Absent until its first receive. */
  readonly firstReceivedAt?: Date | undefined;
  readonly state: StoredMessageState;
  /** When it becomes (or became) receivable. */
  readonly visibleAt: Date;
  /** The queue that moved it here after too many receives. */
  readonly deadLetteredFrom?: string | undefined;
}

interface StoredMessage {
  readonly key: number;
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly groupId: string | undefined;
  readonly deduplicationId: string | undefined;
  readonly sequenceNumber: string | undefined;
  readonly sentAt: Date;
  readonly deadLetterSource: InMemoryQueue | undefined;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt: Date | undefined;
  lastReceivedAt: number | undefined;
  /** The latest receipt handle: older ones no longer delete or extend the message. */
  receiptHandle: string | undefined;
  /** Deleted (or moved): receives skip it in the queue's send order. */
  removed: boolean;
}

type Transfer = Pick<StoredMessage, "messageId" | "body" | "attributes" | "groupId" | "deduplicationId"> & {
  readonly sentAt: Date;
  readonly deadLetterSource?: InMemoryQueue | undefined;
};

/**
 * An SQS queue in memory, standard or FIFO, driven by a {@link Clock} so tests
 * control visibility timeouts, delays and the deduplication window.
 *
 * Behaviour follows the SQS developer guide:
 * - FIFO: a group id is required, and a deduplication id unless content-based
 *   deduplication is on; a message whose deduplication id was accepted in the
 *   last 5 minutes is accepted but not stored; messages of a group are received
 *   in send order and the group is blocked while any of its messages is in flight
 *   (or its head is delayed); every message gets an increasing sequence number.
 * - Standard: group and deduplication ids are ignored; with `duplicateDeliveryRate`
 *   a message may be stored twice (same message id), with `reorder` visible
 *   messages come back in random order.
 * - A received message is invisible for the visibility timeout, then comes back
 *   with a higher receive count; a receive that would exceed `maxReceiveCount`
 *   moves it to the dead-letter queue instead (which remembers where it came from,
 *   for {@link InMemoryQueue.redrive}).
 * - Receipt handles: each receive issues a new one. Deleting with an older handle
 *   succeeds but deletes nothing ("the request will still succeed, but the message
 *   might not be deleted": we take the strict reading so that consumers which
 *   rely on stale handles fail here rather than in production). A handle this
 *   queue never issued is refused (`ReceiptHandleIsInvalid`).
 * - Sending validates like SQS: a non-empty body of allowed Unicode characters,
 *   at most 256 KiB with attributes, at most 10 attributes with valid names and
 *   non-empty values, delays of 0..900 s, ids of 1..128 printable ASCII
 *   characters. Invalid entries are reported together in one DeliveryError; the
 *   valid ones of the same call are stored (like SendMessageBatch).
 */
export class InMemoryQueue implements CommandQueue {
  readonly name: string;
  readonly fifo: boolean;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number | undefined;
  readonly delaySeconds: number;
  readonly deadLetterQueue: InMemoryQueue | undefined;

  readonly #clock: Clock;
  readonly #contentBasedDeduplication: boolean;
  readonly #duplicateDeliveryRate: number;
  readonly #reorder: boolean;
  readonly #random: () => number;
  /** Insertion order is send order, which FIFO delivery relies on. */
  readonly #messages = new Map<number, StoredMessage>();
  /**
   * The stored messages in send order, from `#head` on: what a receive walks.
   * A Map walks the holes its deleted entries leave until it shrinks, so a queue
   * drained from its head would make every receive walk all that was deleted;
   * here the head moves past them and the array is cut down now and then. (A
   * message kept in flight near the head still makes receives walk from it.)
   */
  #sendOrder: StoredMessage[] = [];
  #head = 0;
  /**
   * Stored messages received at least once: only these can be in flight, so a
   * receive finds the blocked FIFO groups without scanning the whole queue.
   */
  readonly #received = new Set<StoredMessage>();
  /**
   * Signs receipt handles, so a handle tells by itself whether this queue
   * issued it (a stale handle is accepted, a forged one refused) and no
   * per-receive record has to be kept after its message is gone.
   */
  readonly #handleSecret = randomFillSync(new Uint32Array(2));
  /** Deduplication id → when it was accepted; insertion order is acceptance order, pruned from the front. */
  readonly #deduplication = new Map<string, number>();
  #nextKey = 1;
  #sequence = 0;
  readonly #injections: { remaining: number; readonly predicate: (message: QueueMessage) => boolean }[] = [];

  constructor(options: InMemoryQueueOptions) {
    this.name = options.name;
    this.fifo = options.fifo ?? options.name.endsWith(".fifo");
    this.#clock = options.clock;
    this.visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 30;
    this.maxReceiveCount = options.maxReceiveCount;
    this.delaySeconds = options.delaySeconds ?? 0;
    if (!(this.delaySeconds >= 0 && this.delaySeconds <= 900)) {
      throw new RangeError(`delaySeconds must be in 0..900, got ${this.delaySeconds}`);
    }
    this.deadLetterQueue = options.deadLetterQueue;
    this.#contentBasedDeduplication = options.contentBasedDeduplication ?? false;
    this.#duplicateDeliveryRate = options.duplicateDeliveryRate ?? 0;
    this.#reorder = options.reorder ?? false;
    this.#random = options.random ?? Math.random;

    if (this.fifo && !this.name.endsWith(".fifo")) {
      throw new RangeError(`FIFO queue names must end with ".fifo": ${this.name}`);
    }
    checkSeconds(this.visibilityTimeoutSeconds, MAX_VISIBILITY_TIMEOUT_SECONDS, "visibilityTimeoutSeconds");
    if ((this.maxReceiveCount === undefined) !== (this.deadLetterQueue === undefined)) {
      throw new RangeError("a redrive policy needs both maxReceiveCount and deadLetterQueue");
    }
    if (
      this.maxReceiveCount !== undefined &&
      !(Number.isInteger(this.maxReceiveCount) && this.maxReceiveCount >= 1)
    ) {
      throw new RangeError(`maxReceiveCount must be an integer >= 1, got ${this.maxReceiveCount}`);
    }
    if (this.deadLetterQueue && this.deadLetterQueue.fifo !== this.fifo) {
      throw new RangeError(
        `the dead-letter queue of a ${this.fifo ? "FIFO" : "standard"} queue must be one too`,
      );
    }
    if (this.#duplicateDeliveryRate < 0 || this.#duplicateDeliveryRate > 1) {
      throw new RangeError(`duplicateDeliveryRate must lie in 0..1, got ${this.#duplicateDeliveryRate}`);
    }
    if (this.fifo && (this.#duplicateDeliveryRate > 0 || this.#reorder)) {
      throw new RangeError("duplicateDeliveryRate and reorder only apply to standard queues");
    }
  }

  /** @throws DeliveryError naming every message that SQS would refuse (or that an injected failure hits); the others are stored. */
  send(messages: readonly QueueMessage[]): Promise<void> {
    return this.#send(messages, undefined);
  }

  /**
   * Stores messages that another service could not deliver to `source`: this
   * queue is the dead-letter queue of an EventBridge rule's target or of an SNS
   * subscription. Checked like {@link send}; each message remembers `source`,
   * so a redrive to source delivers it where it was going (SQS itself records
   * no source for these; the target's ARN is in the message's attributes).
   */
  sendDeadLetters(messages: readonly QueueMessage[], source: InMemoryQueue | undefined): Promise<void> {
    return this.#send(messages, source);
  }

  /**
   * Makes the next `count` sent messages that match `predicate` (default: any)
   * fail as SQS's own errors do (InternalError: worth a retry), to test what a
   * sender does when the queue fails.
   */
  failNext(count: number, predicate: (message: QueueMessage) => boolean = () => true): void {
    this.#injections.push({ remaining: count, predicate });
  }

  async #send(messages: readonly QueueMessage[], deadLetterSource: InMemoryQueue | undefined): Promise<void> {
    let failures: DeliveryFailure[] | undefined;
    for (let index = 0; index < messages.length; index++) {
      const message = messages[index]!;
      const reason = sendRefusal(message, this.fifo, this.#contentBasedDeduplication);
      if (reason !== undefined) {
        failures ??= [];
        failures.push({ id: message.id ?? String(index), reason, retryable: false });
      } else if (this.#injections.length > 0 && this.#injectedFailure(message)) {
        failures ??= [];
        failures.push({ id: message.id ?? String(index), reason: "InternalError (injected)" });
      } else {
        this.#accept(message, deadLetterSource);
      }
    }
    if (failures !== undefined) throw new DeliveryError(this.name, failures);
  }

  /** Receives up to `max` visible messages and hides them for the visibility timeout. */
  receive(options: ReceiveOptions = {}): ReceivedMessage[] {
    const max = options.max ?? 10;
    if (!Number.isInteger(max) || max < 1 || max > 10) {
      throw new InvalidQueueRequestError(this.name, "InvalidParameterValue", `max must be 1..10, got ${max}`);
    }
    const timeout = options.visibilityTimeoutSeconds ?? this.visibilityTimeoutSeconds;
    checkSeconds(timeout, MAX_VISIBILITY_TIMEOUT_SECONDS, "visibilityTimeoutSeconds", this.name);
    if (this.#messages.size === 0) return [];
    const now = this.#now();
    const received: ReceivedMessage[] = [];
    if (this.#reorder) {
      for (const stored of this.#shuffledVisible(now)) {
        if (received.length >= max) break;
        this.#receiveOne(stored, now, timeout, received);
      }
      return received;
    }
    // Walks the queue in send order and stops once `max` are taken: a receive
    // costs what it skips (in-flight and blocked messages), not the whole backlog.
    // Blocking is decided before any delivery, so one receive may return several
    // messages of a group, as SQS does.
    const blocked = this.fifo ? this.#groupsInFlight(now) : undefined;
    const order = this.#advanceHead();
    for (let i = this.#head; i < order.length; i++) {
      if (received.length >= max) break;
      const stored = order[i]!;
      if (stored.removed) continue;
      if (blocked !== undefined) {
        const group = stored.groupId!;
        if (blocked.has(group)) continue;
        if (stored.visibleAt > now) {
          // A delayed head holds back the rest of its group, so order is kept.
          blocked.add(group);
          continue;
        }
      } else if (stored.visibleAt > now) {
        continue;
      }
      this.#receiveOne(stored, now, timeout, received);
    }
    return received;
  }

  /**
   * Deletes a received message. A stale handle (the message was received again
   * since) is accepted and deletes nothing; so is a handle of a message already gone.
   * @throws InvalidQueueRequestError (`ReceiptHandleIsInvalid`) for a handle this queue never issued.
   */
  delete(receiptHandle: string): void {
    const stored = this.#storedFor(receiptHandle);
    if (stored?.receiptHandle === receiptHandle) this.#remove(stored);
  }

  /**
   * Changes how long a received message stays invisible, counted from now
   * (0: visible at once).
   * @throws InvalidQueueRequestError `MessageNotInflight` when the message is not in flight (anymore),
   * `ReceiptHandleIsInvalid` for a stale or unknown handle, `InvalidParameterValue` beyond 12 hours.
   */
  changeVisibility(receiptHandle: string, seconds: number): void {
    checkSeconds(seconds, MAX_VISIBILITY_TIMEOUT_SECONDS, "visibility timeout", this.name);
    const stored = this.#storedFor(receiptHandle);
    if (!stored) throw new InvalidQueueRequestError(this.name, "MessageNotInflight", "the message is gone");
    if (stored.receiptHandle !== receiptHandle) {
      throw new InvalidQueueRequestError(
        this.name,
        "ReceiptHandleIsInvalid",
        "the message was received again since",
      );
    }
    const now = this.#now();
    if (stored.visibleAt <= now) {
      throw new InvalidQueueRequestError(
        this.name,
        "MessageNotInflight",
        "its visibility timeout has expired",
      );
    }
    const visibleAt = now + seconds * 1000;
    if (visibleAt - (stored.lastReceivedAt ?? now) > MAX_VISIBILITY_TIMEOUT_SECONDS * 1000) {
      throw new InvalidQueueRequestError(
        this.name,
        "InvalidParameterValue",
        "a message cannot stay invisible more than 12 hours after it was received",
      );
    }
    stored.visibleAt = visibleAt;
  }

  /** Deletes every message (the deduplication history stays, as in SQS). */
  purge(): void {
    for (const stored of this.#messages.values()) stored.removed = true;
    this.#messages.clear();
    this.#received.clear();
    this.#sendOrder = [];
    this.#head = 0;
  }

  /** Messages that a receive could return now (ignoring FIFO group blocking). */
  get visibleCount(): number {
    return this.#count("visible");
  }

  /** Messages received and not yet deleted nor visible again. */
  get inFlightCount(): number {
    return this.#count("inFlight");
  }

  /** Messages sent with a delay that has not elapsed yet. */
  get delayedCount(): number {
    return this.#count("delayed");
  }

  /** Every stored message: visible, in flight and delayed. */
  get size(): number {
    return this.#messages.size;
  }

  /** Every stored message, in send order, for assertions; receives nothing. */
  peek(): readonly StoredMessageView[] {
    const now = this.#now();
    return [...this.#messages.values()].map((stored) => ({
      messageId: stored.messageId,
      body: stored.body,
      attributes: stored.attributes,
      groupId: stored.groupId,
      deduplicationId: stored.deduplicationId,
      sequenceNumber: stored.sequenceNumber,
      receiveCount: stored.receiveCount,
      sentAt: stored.sentAt,
      firstReceivedAt: stored.firstReceivedAt,
      state: stateOf(stored, now),
      visibleAt: new Date(stored.visibleAt),
      deadLetteredFrom: stored.deadLetterSource?.name,
    }));
  }

  /** The earliest time an in-flight or delayed message becomes visible; lets a driver advance its clock. */
  nextVisibleAt(): Date | undefined {
    const now = this.#now();
    let earliest: number | undefined;
    for (const stored of this.#messages.values()) {
      if (stored.visibleAt > now && (earliest === undefined || stored.visibleAt < earliest)) {
        earliest = stored.visibleAt;
      }
    }
    return earliest === undefined ? undefined : new Date(earliest);
  }

  /**
   * Moves messages that are not in flight out of this (dead-letter) queue, by
   * default back to the queue each came from (SQS's "redrive to source"). Moved
   * messages start over with a receive count of 0 and bypass the target's
   * deduplication, so a redrive never loses a message. Messages with no known
   * source stay here unless a `target` is given.
   * @returns how many messages were moved.
   */
  async redrive(target?: InMemoryQueue, options: { max?: number } = {}): Promise<number> {
    const max = options.max ?? Number.POSITIVE_INFINITY;
    const now = this.#now();
    let moved = 0;
    for (const stored of [...this.#messages.values()]) {
      if (moved >= max) break;
      if (stateOf(stored, now) === "inFlight") continue;
      const destination = target ?? stored.deadLetterSource;
      if (!destination) continue;
      if (destination.fifo && stored.groupId === undefined) continue;
      if (#messages in destination) {
        destination.#store(
          { ...stored, sentAt: new Date(destination.#now()), deadLetterSource: undefined },
          0,
        );
      } else {
        // A wrapper of the queue (a test's fault injector, a Proxy) reaches it only through its public API.
        const { messageId: id, body, attributes, groupId, deduplicationId } = stored;
        await (destination as InMemoryQueue).send([{ id, body, attributes, groupId, deduplicationId }]);
      }
      this.#remove(stored);
      moved++;
    }
    return moved;
  }

  /** The record an AWS Lambda SQS event would hold for this received message. */
  toSqsRecord(message: ReceivedMessage, options: { region?: string; accountId?: string } = {}): SqsRecord {
    const region = options.region ?? DEFAULT_REGION;
    const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
    const eventSourceARN = `arn:aws:sqs:${region}:${accountId}:${this.name}`;
    return sqsRecordOf(message, { fifo: this.fifo, eventSourceARN, awsRegion: region });
  }

  // ------------------------------------------------------------------ internals

  #now(): number {
    return epochMsOf(this.#clock);
  }

  #count(state: StoredMessageState): number {
    const now = this.#now();
    let count = 0;
    for (const stored of this.#messages.values()) if (stateOf(stored, now) === state) count++;
    return count;
  }

  #injectedFailure(message: QueueMessage): boolean {
    const injection = this.#injections.find(
      (candidate) => candidate.remaining > 0 && candidate.predicate(message),
    );
    if (!injection) return false;
    injection.remaining--;
    if (injection.remaining === 0) this.#injections.splice(this.#injections.indexOf(injection), 1);
    return true;
  }

  #accept(message: QueueMessage, deadLetterSource: InMemoryQueue | undefined): void {
    const now = this.#now();
    const delay = message.delaySeconds ?? this.delaySeconds;
    const transfer: Transfer = {
      messageId: randomUuid(),
      body: message.body,
      attributes: { ...message.attributes },
      groupId: this.fifo ? message.groupId : undefined,
      deduplicationId: undefined,
      sentAt: new Date(now),
      deadLetterSource,
    };
    if (!this.fifo) {
      this.#store(transfer, delay, now);
      if (this.#random() < this.#duplicateDeliveryRate) this.#store(transfer, delay, now);
      return;
    }
    const deduplicationId = message.deduplicationId ?? sha256(message.body);
    this.#pruneDeduplication(now);
    // Accepted but dropped, as SQS does with a duplicate inside the window.
    if (this.#deduplication.has(deduplicationId)) return;
    this.#deduplication.set(deduplicationId, now);
    this.#store(transfer, delay, now, deduplicationId);
  }

  /** Forgets deduplication ids older than the window: the oldest come first, so this stops at the first recent one. */
  #pruneDeduplication(now: number): void {
    for (const [id, acceptedAt] of this.#deduplication) {
      if (now - acceptedAt < SQS_DEDUPLICATION_WINDOW_MS) break;
      this.#deduplication.delete(id);
    }
  }

  #store(
    transfer: Transfer,
    delaySeconds: number,
    now = this.#now(),
    deduplicationId = transfer.deduplicationId,
  ): void {
    const key = this.#nextKey++;
    const stored: StoredMessage = {
      key,
      messageId: transfer.messageId,
      body: transfer.body,
      attributes: transfer.attributes,
      groupId: this.fifo ? transfer.groupId : undefined,
      deduplicationId: this.fifo ? deduplicationId : undefined,
      sequenceNumber: this.fifo ? this.#nextSequenceNumber() : undefined,
      sentAt: transfer.sentAt,
      deadLetterSource: transfer.deadLetterSource,
      visibleAt: now + delaySeconds * 1000,
      receiveCount: 0,
      firstReceivedAt: undefined,
      lastReceivedAt: undefined,
      receiptHandle: undefined,
      removed: false,
    };
    this.#messages.set(key, stored);
    this.#sendOrder.push(stored);
  }

  #nextSequenceNumber(): string {
    this.#sequence += 1;
    // SQS sequence numbers are large, increasing decimal strings of constant width
    // (here 18000000000000000000 + n, written without BigInt arithmetic).
    return `18${String(this.#sequence).padStart(18, "0")}`;
  }

  /** Visible messages in random order (standard queues with `reorder`). */
  #shuffledVisible(now: number): StoredMessage[] {
    const visible: StoredMessage[] = [];
    for (const stored of this.#messages.values()) if (stored.visibleAt <= now) visible.push(stored);
    for (let i = visible.length - 1; i > 0; i--) {
      const j = Math.floor(this.#random() * (i + 1));
      [visible[i], visible[j]] = [visible[j]!, visible[i]!];
    }
    return visible;
  }

  /** FIFO groups with a message in flight: they are blocked until it is deleted or visible again. */
  #groupsInFlight(now: number): Set<string> {
    const blocked = new Set<string>();
    for (const stored of this.#received) if (stored.visibleAt > now) blocked.add(stored.groupId!);
    return blocked;
  }

  /** Delivers a receivable message, or moves it to the dead-letter queue when it was received too often. */
  #receiveOne(stored: StoredMessage, now: number, timeout: number, received: ReceivedMessage[]): void {
    if (this.maxReceiveCount !== undefined && stored.receiveCount >= this.maxReceiveCount) {
      this.#deadLetter(stored);
      return;
    }
    received.push(this.#deliver(stored, now, timeout));
  }

  #remove(stored: StoredMessage): void {
    stored.removed = true;
    this.#messages.delete(stored.key);
    this.#received.delete(stored);
  }

  /** Moves the head past removed messages, cutting the array down once most of it lies behind; returns it. */
  #advanceHead(): StoredMessage[] {
    const order = this.#sendOrder;
    let head = this.#head;
    while (head < order.length && order[head]!.removed) head++;
    if (head > 1024 && head * 2 > order.length) {
      this.#sendOrder = order.slice(head);
      this.#head = 0;
      return this.#sendOrder;
    }
    this.#head = head;
    return order;
  }

  #deliver(stored: StoredMessage, now: number, timeoutSeconds: number): ReceivedMessage {
    stored.receiveCount++;
    stored.firstReceivedAt ??= new Date(now);
    stored.lastReceivedAt = now;
    stored.visibleAt = now + timeoutSeconds * 1000;
    const receiptHandle = this.#receiptHandle(stored.key, stored.receiveCount);
    stored.receiptHandle = receiptHandle;
    this.#received.add(stored);
    return {
      messageId: stored.messageId,
      receiptHandle,
      body: stored.body,
      attributes: stored.attributes,
      groupId: stored.groupId,
      deduplicationId: stored.deduplicationId,
      sequenceNumber: stored.sequenceNumber,
      receiveCount: stored.receiveCount,
      sentAt: stored.sentAt,
      firstReceivedAt: stored.firstReceivedAt,
    };
  }

  #deadLetter(stored: StoredMessage): void {
    const dlq = this.deadLetterQueue!;
    this.#remove(stored);
    // SQS keeps the enqueue time of standard messages moved to a DLQ and resets it for FIFO ones.
    const sentAt = this.fifo ? new Date(dlq.#now()) : stored.sentAt;
    dlq.#store({ ...stored, sentAt, deadLetterSource: this }, 0);
  }

  /**
   * `<key>.<receive count>.<signature>`: names one receive of one message. The
   * signature is a keyed 32-bit hash (murmur3's finaliser) of the two numbers:
   * no cryptography, only enough that a handle this queue did not issue (another
   * queue's, a made-up or altered one) is told apart.
   */
  #receiptHandle(key: number, receiveCount: number): string {
    const seeds = this.#handleSecret;
    let h = Math.imul(key ^ seeds[0]!, 0xcc9e2d51);
    h = Math.imul(((h << 15) | (h >>> 17)) ^ receiveCount ^ seeds[1]!, 0x1b873593);
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return `${key}.${receiveCount}.${(h ^ (h >>> 16)) >>> 0}`;
  }

  /** The message a handle names (undefined once it is gone). @throws InvalidQueueRequestError for a handle this queue never issued. */
  #storedFor(receiptHandle: string): StoredMessage | undefined {
    const firstDot = receiptHandle.indexOf(".");
    const key = firstDot > 0 ? Number(receiptHandle.slice(0, firstDot)) : Number.NaN;
    const stored = this.#messages.get(key);
    // The latest handle of a stored message needs no signature check: it is the one this queue keeps.
    if (stored !== undefined && stored.receiptHandle === receiptHandle) return stored;
    const secondDot = receiptHandle.indexOf(".", firstDot + 1);
    const receiveCount = secondDot > 0 ? Number(receiptHandle.slice(firstDot + 1, secondDot)) : Number.NaN;
    if (
      !Number.isSafeInteger(key) ||
      !Number.isSafeInteger(receiveCount) ||
      key < 1 ||
      receiveCount < 1 ||
      receiptHandle !== this.#receiptHandle(key, receiveCount)
    ) {
      throw new InvalidQueueRequestError(
        this.name,
        "ReceiptHandleIsInvalid",
        "this queue never issued that handle",
      );
    }
    return stored;
  }
}

function stateOf(stored: StoredMessage, now: number): StoredMessageState {
  if (stored.visibleAt <= now) return "visible";
  return stored.receiptHandle === undefined ? "delayed" : "inFlight";
}

function checkSeconds(seconds: number, max: number, what: string, queue?: string): void {
  if (Number.isInteger(seconds) && seconds >= 0 && seconds <= max) return;
  const message = `${what} must be an integer in 0..${max}, got ${seconds}`;
  if (queue === undefined) throw new RangeError(message);
  throw new InvalidQueueRequestError(queue, "InvalidParameterValue", message);
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
