import { createHash, randomUUID } from "node:crypto";
import { type Clock, epochMsOf } from "../../ports/clock.js";
import type { CommandQueue, QueueMessage, ReceivedMessage } from "../../ports/command-queue.js";
import {
  DeliveryError,
  type DeliveryFailure,
  PortError,
  ServiceUnavailableError,
} from "../../ports/errors.js";
import type { SqlClient } from "./sql-client.js";

/** FIFO deduplication interval, as SQS's. */
export const POSTGRES_QUEUE_DEDUPLICATION_WINDOW_MS = 5 * 60_000;
/** Largest message by default: body plus attribute names, types and values, as SQS counts (1 MiB since 2025). */
export const POSTGRES_QUEUE_MAX_MESSAGE_BYTES = 1024 * 1024;
/** Most messages one receive hands out. */
export const POSTGRES_QUEUE_MAX_RECEIVE = 1000;
const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;
const MAX_DELAY_SECONDS = 900;

/** Options of {@link PostgresQueue}. */
export interface PostgresQueueOptions {
  /** The queue's name: its rows in `queue_messages` carry it. */
  readonly name: string;
  /** Default: the name ends with `.fifo`, as SQS names FIFO queues. */
  readonly fifo?: boolean | undefined;
  /** Every time the queue compares or records (visibility, delays, deduplication window). */
  readonly clock: Clock;
  /** How long a received message stays hidden; default 30 s, like SQS. */
  readonly visibilityTimeoutSeconds?: number | undefined;
  /** Receives after which a message moves to `deadLetterQueue` instead of being received again. */
  readonly maxReceiveCount?: number | undefined;
  /** The name of the dead-letter queue; without one, messages are never moved. */
  readonly deadLetterQueue?: string | undefined;
  /** FIFO: the SHA-256 of the body stands for a missing deduplication id. */
  readonly contentBasedDeduplication?: boolean | undefined;
  /** Largest message accepted (body and attributes, UTF-8 bytes); default 1 MiB. */
  readonly maxMessageBytes?: number | undefined;
  /**
   * How long a message stays hidden after it was stored (SQS's `DelaySeconds`
   * attribute): 0..900, default 0; fractions are kept. It also holds back
   * messages stored by `route_events` rather than {@link PostgresQueue.send}
   * (so it is applied when receiving: a message's own longer delay still counts).
   */
  readonly delaySeconds?: number | undefined;
}

/** Options of {@link PostgresQueue.receive}. */
export interface PostgresReceiveOptions {
  /** 1..1000, default 10. */
  readonly max?: number | undefined;
  /** Overrides the queue's visibility timeout for this receive (0..43200). */
  readonly visibilityTimeoutSeconds?: number | undefined;
}

/** Where a stored message stands. */
export type PostgresStoredMessageState = "visible" | "inFlight" | "delayed";

/** A stored message as {@link PostgresQueue.peek} shows it. */
export interface PostgresStoredMessageView
  extends Omit<ReceivedMessage, "receiptHandle" | "firstReceivedAt"> {
  readonly firstReceivedAt?: Date | undefined;
  readonly state: PostgresStoredMessageState;
  /** When it becomes (or became) receivable. */
  readonly visibleAt: Date;
  /** The queue it was moved here from after too many receives. */
  readonly deadLetteredFrom?: string | undefined;
}

/** A receipt handle this queue cannot have issued (not `<seq>.<count>.<random>`). */
export class InvalidReceiptHandleError extends PortError {
  readonly code = "INVALID_RECEIPT_HANDLE";

  constructor(
    readonly queue: string,
    readonly receiptHandle: string,
  ) {
    super(`${queue}: not a receipt handle of this queue: ${receiptHandle.slice(0, 80)}`, {
      details: { queue },
    });
  }
}

interface MessageRow {
  readonly seq: number;
  readonly message_id: string;
  readonly body: string;
  readonly attributes: Record<string, string>;
  readonly group_id: string | null;
  readonly deduplication_id: string | null;
  readonly sent_at: number;
  readonly visible_at: number;
  readonly receive_count: number;
  readonly first_received_at: number | null;
  readonly receipt: string | null;
  readonly dead_letter_source: string | null;
}

const MESSAGE_COLUMNS = `m.seq, m.message_id, m.body, m.attributes, m.group_id, m.deduplication_id,
  m.sent_at, m.visible_at, m.receive_count, m.first_received_at, m.receipt, m.dead_letter_source`;

/**
 * {@link CommandQueue} on the `queue_messages` table (migration 8), with the
 * SQS semantics of the in-memory queue: visibility timeouts, receive counts,
 * a dead-letter queue after `maxReceiveCount`, FIFO groups delivered in order
 * one message at a time, a 5-minute deduplication window, delays, a size
 * limit, redrive, peek and purge. Every queue shares the one table; a queue is
 * its `queue` column, so a dead-letter queue is a queue like the others.
 *
 * **Several processes share a queue safely.** Each operation is one statement,
 * and the statement is the unit of atomicity:
 * - `receive` is one `UPDATE … FROM (SELECT … FOR UPDATE SKIP LOCKED)`:
 *   concurrent receivers lock disjoint rows, skip each other's without
 *   waiting, and each row they take gets a new visibility time, receive count
 *   and receipt before any other receiver can see it. The same statement moves
 *   the messages it picked that were already received `maxReceiveCount` times
 *   to the dead-letter queue instead (as SQS does, when they would be received
 *   again): a second UPDATE in a data-modifying CTE, on disjoint rows. Only a
 *   receive that found nothing but messages to dead-letter runs the statement
 *   once more, so an empty answer always means nothing is deliverable now.
 * - FIFO: only a group's head (its lowest `seq`) is deliverable, and a message
 *   in flight is still its group's head, so a group with one in flight (or a
 *   delayed head) delivers nothing; a receive hands out at most one message
 *   per group. A receiver that sees the head locked skips it, and the next
 *   message is not a head while the locked one exists: one in flight per group
 *   holds across processes. (Messages of one group sent concurrently by two
 *   processes take their order from `seq`, assigned before commit: a receiver
 *   may see the later-numbered one first. One sender per group, as the
 *   pipeline has, keeps the order exactly.)
 * - `send` is one INSERT of the whole call (`unnest` of arrays); on FIFO queues
 *   the same statement first records the deduplication ids in
 *   `queue_deduplication` (`ON CONFLICT` replaces only an expired id), and
 *   stores only the messages whose id it recorded: a duplicate within the
 *   window is accepted and dropped, as SQS does, also across processes.
 * - `delete` and `changeVisibility` match the row by `seq` (from the handle)
 *   and the whole handle: a stale handle (the message was received again since,
 *   or moved) settles nothing and is answered `false`, never an error. SQS
 *   answers a delete with an old handle with success too ("the message might
 *   not be deleted"); we take the strict reading, as the in-memory queue does.
 *
 * **Order of delivery.** A receive takes the messages that became visible
 * first, then in send order (`visible_at, seq`: the order of the
 * `queue_messages_visible` index, so a receive reads only the rows it skips or
 * takes, never the whole backlog; on a standard queue a retried message goes
 * behind those visible before it, as SQS promises no order there). Within a
 * FIFO group the order is `seq` whatever the visibility times. A message moved
 * to the dead-letter queue or redriven out of it is appended (a new `seq`) and
 * starts with a receive count of 0.
 *
 * **Cost of a receive** is the visible rows it walks past (in-flight and
 * delayed ones lie outside its index range): rows other receivers hold
 * locked, and on FIFO queues the messages behind a group's head. With a
 * group per order, as the pipeline has, most visible messages are heads and a
 * receive stops after `max`; a FIFO queue whose few groups hold deep backlogs
 * behind heads in flight makes each receive walk that backlog (one index probe
 * per message: ≈ 80 ms for 20 000 messages in 50 groups on a test server).
 *
 * **Validation** is what PostgreSQL can store faithfully and what SQS would
 * refuse: an empty body, lone surrogates or NUL characters (text and jsonb
 * hold neither), a message over `maxMessageBytes`, delays beyond 900 s, FIFO
 * messages without a group or deduplication id. Refused entries are named in
 * one {@link DeliveryError}; the others of the call are stored.
 *
 * Times come from the {@link Clock} given (epoch milliseconds in the table),
 * never from the database's `now()`, so tests drive it with a manual clock and
 * every process must keep its clock in step with the others (NTP).
 */
/**
 * Whether any of the queues holds a message that is visible now, in one
 * statement: what an idle worker asks before it receives from each queue in
 * turn. (A queue's own delay, applied when receiving, is not looked at: a
 * message it still holds back counts as visible here.)
 */
export async function anyVisible(client: SqlClient, queues: readonly string[], at: Date): Promise<boolean> {
  const { rows } = await client.query<{ visible: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM queue_messages WHERE queue = ANY($1::text[]) AND visible_at <= $2::bigint) AS visible",
    [queues, at.getTime()],
  );
  return rows[0]?.visible === true;
}

/** The messages each queue holds (visible, in flight, delayed), in one statement; 0 for a queue that holds none. */
export async function queueSizes(
  client: SqlClient,
  queues: readonly string[],
): Promise<Record<string, number>> {
  const { rows } = await client.query<{ queue: string; n: number }>(
    "SELECT queue, count(*)::integer AS n FROM queue_messages WHERE queue = ANY($1::text[]) GROUP BY queue",
    [queues],
  );
  const sizes: Record<string, number> = Object.fromEntries(queues.map((queue) => [queue, 0]));
  for (const row of rows) sizes[row.queue] = row.n;
  return sizes;
}

export class PostgresQueue implements CommandQueue {
  readonly name: string;
  readonly fifo: boolean;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number | undefined;
  readonly deadLetterQueue: string | undefined;
  readonly maxMessageBytes: number;
  readonly delaySeconds: number;

  readonly #client: SqlClient;
  readonly #clock: Clock;
  readonly #contentBasedDeduplication: boolean;

  constructor(client: SqlClient, options: PostgresQueueOptions) {
    this.#client = client;
    this.#clock = options.clock;
    this.name = options.name;
    this.fifo = options.fifo ?? options.name.endsWith(".fifo");
    this.visibilityTimeoutSeconds = options.visibilityTimeoutSeconds ?? 30;
    this.maxReceiveCount = options.maxReceiveCount;
    this.deadLetterQueue = options.deadLetterQueue;
    this.maxMessageBytes = options.maxMessageBytes ?? POSTGRES_QUEUE_MAX_MESSAGE_BYTES;
    this.delaySeconds = options.delaySeconds ?? 0;
    this.#contentBasedDeduplication = options.contentBasedDeduplication ?? false;

    if (this.name.length === 0) throw new RangeError("a queue needs a name");
    checkSeconds(this.visibilityTimeoutSeconds, MAX_VISIBILITY_TIMEOUT_SECONDS, "visibilityTimeoutSeconds");
    if (
      this.maxReceiveCount !== undefined &&
      !(Number.isInteger(this.maxReceiveCount) && this.maxReceiveCount >= 1)
    ) {
      throw new RangeError(`maxReceiveCount must be an integer >= 1, got ${this.maxReceiveCount}`);
    }
    if (this.deadLetterQueue === this.name)
      throw new RangeError("a queue cannot be its own dead-letter queue");
    if (!(this.delaySeconds >= 0 && this.delaySeconds <= MAX_DELAY_SECONDS)) {
      throw new RangeError(`delaySeconds must be in 0..${MAX_DELAY_SECONDS}, got ${this.delaySeconds}`);
    }
    if (!(Number.isInteger(this.maxMessageBytes) && this.maxMessageBytes >= 1)) {
      throw new RangeError(`maxMessageBytes must be a positive integer, got ${this.maxMessageBytes}`);
    }
  }

  /**
   * Stores the messages, in one statement. FIFO duplicates within the window
   * are accepted and dropped.
   * @throws DeliveryError naming every refused message (the others are stored),
   * or, when the database was unavailable, every message of the call (retryable).
   */
  async send(messages: readonly QueueMessage[]): Promise<void> {
    const failures: DeliveryFailure[] = [];
    const ids: string[] = [];
    const bodies: string[] = [];
    const attributes: string[] = [];
    const groups: (string | null)[] = [];
    const deduplicationIds: (string | null)[] = [];
    const visibleAts: string[] = [];
    const sent: string[] = [];
    const now = this.#now();
    messages.forEach((message, index) => {
      const id = message.id ?? String(index);
      const reason = this.#refusal(message);
      if (reason !== undefined) {
        failures.push({ id, reason, retryable: false });
        return;
      }
      sent.push(id);
      ids.push(randomUUID());
      bodies.push(message.body);
      attributes.push(JSON.stringify(message.attributes ?? {}));
      groups.push(this.fifo ? message.groupId! : null);
      deduplicationIds.push(this.fifo ? (message.deduplicationId ?? sha256(message.body)) : null);
      visibleAts.push(String(now + (message.delaySeconds ?? this.delaySeconds) * 1000));
    });
    if (sent.length > 0) {
      try {
        await this.#client.query(
          `WITH input AS (
             SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
               WITH ORDINALITY AS t(message_id, body, attributes, group_id, deduplication_id, visible_at, ord)
           ),
           -- The first message of the call with each deduplication id; ON CONFLICT may touch a key once.
           firsts AS (
             SELECT DISTINCT ON (deduplication_id) deduplication_id, ord FROM input
             WHERE deduplication_id IS NOT NULL ORDER BY deduplication_id, ord
           ),
           recorded AS (
             INSERT INTO queue_deduplication (queue, deduplication_id, expires_at)
             SELECT $1, deduplication_id, $8::bigint + $9::bigint FROM firsts
             ON CONFLICT (queue, deduplication_id) DO UPDATE SET expires_at = EXCLUDED.expires_at
               WHERE queue_deduplication.expires_at <= $8::bigint
             RETURNING deduplication_id
           )
           INSERT INTO queue_messages (queue, message_id, body, attributes, group_id, deduplication_id, sent_at, visible_at)
           SELECT $1, i.message_id, i.body, i.attributes::jsonb, i.group_id, i.deduplication_id, $8::bigint, i.visible_at::bigint
           FROM input i
           WHERE i.deduplication_id IS NULL
              OR i.ord IN (SELECT f.ord FROM firsts f JOIN recorded r USING (deduplication_id))
           ORDER BY i.ord`,
          [
            this.name,
            ids,
            bodies,
            attributes,
            groups,
            deduplicationIds,
            visibleAts,
            now,
            POSTGRES_QUEUE_DEDUPLICATION_WINDOW_MS,
          ],
        );
      } catch (err) {
        if (!(err instanceof ServiceUnavailableError)) throw err;
        const unsent = sent.map((id) => ({ id, reason: err.message }));
        throw new DeliveryError(this.name, [...failures, ...unsent], { cause: err });
      }
    }
    if (failures.length > 0) throw new DeliveryError(this.name, failures);
  }

  /**
   * Receives up to `max` deliverable messages and hides them for the
   * visibility timeout; moves those received `maxReceiveCount` times already
   * to the dead-letter queue instead. One statement (see the class notes).
   */
  async receive(options: PostgresReceiveOptions = {}): Promise<ReceivedMessage[]> {
    const max = options.max ?? 10;
    if (!Number.isInteger(max) || max < 1 || max > POSTGRES_QUEUE_MAX_RECEIVE) {
      throw new RangeError(`max must be an integer in 1..${POSTGRES_QUEUE_MAX_RECEIVE}, got ${max}`);
    }
    const timeout = options.visibilityTimeoutSeconds ?? this.visibilityTimeoutSeconds;
    checkSeconds(timeout, MAX_VISIBILITY_TIMEOUT_SECONDS, "visibilityTimeoutSeconds");
    const now = this.#now();
    // Without a dead-letter queue nothing moves: the limit is out of reach.
    const limit = this.deadLetterQueue === undefined ? null : (this.maxReceiveCount ?? null);
    const head = this.fifo
      ? `AND NOT EXISTS (SELECT 1 FROM queue_messages e
           WHERE e.queue = m.queue AND e.group_id = m.group_id AND e.seq < m.seq)`
      : "";
    const delayed =
      this.delaySeconds > 0 ? `AND m.sent_at <= $2::bigint - ${Math.round(this.delaySeconds * 1000)}` : "";
    for (;;) {
      const { rows } = await this.#client.query<MessageRow & { readonly moved: number }>(
        `WITH picked AS (
           SELECT m.seq, m.receive_count FROM queue_messages m
           WHERE m.queue = $1 AND m.visible_at <= $2::bigint ${delayed} ${head}
           ORDER BY m.visible_at, m.seq LIMIT $3
           FOR UPDATE OF m SKIP LOCKED
         ),
         dead_lettered AS (
           UPDATE queue_messages m
           SET queue = $5, dead_letter_source = m.queue, seq = DEFAULT, visible_at = $2::bigint,
               receive_count = 0, first_received_at = NULL, receipt = NULL,
               sent_at = CASE WHEN $6::boolean THEN $2::bigint ELSE m.sent_at END
           FROM picked p
           WHERE m.seq = p.seq AND p.receive_count >= $7::integer
           RETURNING m.seq
         ),
         delivered AS (
           UPDATE queue_messages m
           SET visible_at = $2::bigint + $4::bigint * 1000,
               receive_count = m.receive_count + 1,
               first_received_at = COALESCE(m.first_received_at, $2::bigint),
               receipt = m.seq || '.' || (m.receive_count + 1) || '.' || replace(gen_random_uuid()::text, '-', '')
           FROM picked p
           WHERE m.seq = p.seq AND ($7::integer IS NULL OR p.receive_count < $7::integer)
           RETURNING ${MESSAGE_COLUMNS}
         )
         SELECT *, 0 AS moved FROM delivered
         UNION ALL
         SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, count(*)
         FROM dead_lettered HAVING count(*) > 0`,
        [this.name, now, max, timeout, this.deadLetterQueue ?? null, this.fifo, limit],
      );
      const delivered = rows.filter((row) => row.seq !== null);
      // A receive that found only messages to dead-letter tries once more, so an
      // empty answer always means that nothing is deliverable now.
      if (delivered.length > 0 || delivered.length === rows.length) {
        return delivered.sort((a, b) => a.seq - b.seq).map((row) => this.#received(row));
      }
    }
  }

  /**
   * Deletes a received message by the handle of its latest receive.
   * @returns false when nothing was deleted: the handle is stale (received
   * again since) or its message is gone; SQS answers both with success.
   * @throws InvalidReceiptHandleError for a string that is no handle of a queue.
   */
  async delete(receiptHandle: string): Promise<boolean> {
    return (await this.deleteBatch([receiptHandle])) === 1;
  }

  /** Deletes received messages in one statement; answers how many were deleted (stale handles settle nothing). */
  async deleteBatch(receiptHandles: readonly string[]): Promise<number> {
    if (receiptHandles.length === 0) return 0;
    const seqs = receiptHandles.map((handle) => this.#seqOf(handle));
    const { rowCount } = await this.#client.query(
      `DELETE FROM queue_messages m
       USING unnest($2::text[], $3::text[]) AS h(seq, receipt)
       WHERE m.seq = h.seq::bigint AND m.receipt = h.receipt AND m.queue = $1`,
      [this.name, seqs, receiptHandles],
    );
    return rowCount;
  }

  /**
   * Hides a message in flight for `seconds` from now (0: visible at once).
   * @returns false when nothing changed: a stale handle, a message gone, or one
   * no longer in flight (its timeout expired), where SQS answers `MessageNotInflight`.
   * @throws RangeError for seconds outside 0..43200.
   */
  async changeVisibility(receiptHandle: string, seconds: number): Promise<boolean> {
    return (await this.changeVisibilityBatch([receiptHandle], seconds)) === 1;
  }

  /** {@link changeVisibility} of several messages in one statement; answers how many changed. */
  async changeVisibilityBatch(receiptHandles: readonly string[], seconds: number): Promise<number> {
    checkSeconds(seconds, MAX_VISIBILITY_TIMEOUT_SECONDS, "visibility timeout");
    if (receiptHandles.length === 0) return 0;
    const seqs = receiptHandles.map((handle) => this.#seqOf(handle));
    const now = this.#now();
    const { rowCount } = await this.#client.query(
      `UPDATE queue_messages m SET visible_at = $4::bigint + $5::bigint * 1000
       FROM unnest($2::text[], $3::text[]) AS h(seq, receipt)
       WHERE m.seq = h.seq::bigint AND m.receipt = h.receipt AND m.queue = $1 AND m.visible_at > $4::bigint`,
      [this.name, seqs, receiptHandles, now, seconds],
    );
    return rowCount;
  }

  /** Messages held: visible, in flight and delayed. */
  async size(): Promise<number> {
    const { rows } = await this.#client.query<{ n: number }>(
      "SELECT count(*) AS n FROM queue_messages WHERE queue = $1",
      [this.name],
    );
    return rows[0]?.n ?? 0;
  }

  /** Every stored message in delivery order, for assertions and operators; receives nothing. */
  async peek(): Promise<PostgresStoredMessageView[]> {
    const now = this.#now();
    const { rows } = await this.#client.query<MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM queue_messages m WHERE m.queue = $1 ORDER BY m.seq`,
      [this.name],
    );
    return rows.map((row) => ({
      ...this.#common(row),
      firstReceivedAt: row.first_received_at === null ? undefined : new Date(row.first_received_at),
      state:
        row.visible_at > now
          ? row.receipt === null
            ? "delayed"
            : "inFlight"
          : row.sent_at + this.delaySeconds * 1000 > now
            ? "delayed"
            : "visible",
      visibleAt: new Date(row.visible_at),
      deadLetteredFrom: row.dead_letter_source ?? undefined,
    }));
  }

  /** When the next in-flight or delayed message becomes visible (lets a driver advance a manual clock). */
  async nextVisibleAt(): Promise<Date | undefined> {
    const { rows } = await this.#client.query<{ at: number | null }>(
      "SELECT min(visible_at) AS at FROM queue_messages WHERE queue = $1 AND visible_at > $2::bigint",
      [this.name, this.#now()],
    );
    const at = rows[0]?.at;
    return at === null || at === undefined ? undefined : new Date(at);
  }

  /** Deletes every message, in flight too; the deduplication ids stay for their window, as in SQS. Answers how many. */
  async purge(): Promise<number> {
    const { rowCount } = await this.#client.query("DELETE FROM queue_messages WHERE queue = $1", [this.name]);
    return rowCount;
  }

  /**
   * Moves the messages not in flight out of this (dead-letter) queue: to the
   * queue each came from (SQS's "redrive to source"), or all to `target`.
   * Moved messages are appended there, start over with a receive count of 0
   * and bypass its deduplication, so a redrive never loses a message. Without
   * a target, messages of unknown source stay. One statement, safe beside
   * receivers (in-flight and locked rows are left).
   * @returns how many messages were moved.
   */
  async redrive(target?: string, options: { readonly max?: number } = {}): Promise<number> {
    const max = options.max ?? null;
    const now = this.#now();
    const { rowCount } = await this.#client.query(
      `UPDATE queue_messages m
       SET queue = COALESCE($2, m.dead_letter_source), dead_letter_source = NULL, seq = DEFAULT,
           visible_at = $3::bigint, sent_at = $3::bigint, receive_count = 0, first_received_at = NULL, receipt = NULL
       FROM (
         SELECT seq FROM queue_messages
         WHERE queue = $1 AND (visible_at <= $3::bigint OR receipt IS NULL)
           AND COALESCE($2, dead_letter_source) IS NOT NULL
         ORDER BY seq LIMIT $4
         FOR UPDATE SKIP LOCKED
       ) p
       WHERE m.seq = p.seq`,
      [this.name, target ?? null, now, max],
    );
    return rowCount;
  }

  /** Removes the deduplication ids past their window, of every queue (a periodic job's work); answers how many. */
  async deleteExpiredDeduplicationIds(): Promise<number> {
    const { rowCount } = await this.#client.query("DELETE FROM queue_deduplication WHERE expires_at <= $1", [
      this.#now(),
    ]);
    return rowCount;
  }

  // ------------------------------------------------------------------ internals

  #now(): number {
    return epochMsOf(this.#clock);
  }

  /** Why `message` cannot be stored, or undefined. */
  #refusal(message: QueueMessage): string | undefined {
    const body = message.body;
    if (typeof body !== "string" || body.length === 0) return "the body must not be empty";
    if (!storable(body)) return "the body holds a NUL character or a lone surrogate";
    let size = Buffer.byteLength(body, "utf8");
    for (const [name, value] of Object.entries(message.attributes ?? {})) {
      if (typeof value !== "string" || value.length === 0)
        return `message attribute "${name}" must not be empty`;
      if (!storable(name) || !storable(value)) {
        return `message attribute "${name}" holds a NUL character or a lone surrogate`;
      }
      size += Buffer.byteLength(name, "utf8") + "String".length + Buffer.byteLength(value, "utf8");
    }
    if (size > this.maxMessageBytes) {
      return `the message is ${size} bytes with its attributes; the queue accepts at most ${this.maxMessageBytes}`;
    }
    const delay = message.delaySeconds ?? 0;
    if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_SECONDS) {
      return `delaySeconds must be an integer in 0..${MAX_DELAY_SECONDS}, got ${delay}`;
    }
    if (!this.fifo) return undefined;
    if (message.groupId === undefined || !VALID_ID.test(message.groupId)) {
      return "FIFO queues require a groupId of 1..128 printable ASCII characters";
    }
    if (message.deduplicationId === undefined) {
      return this.#contentBasedDeduplication
        ? undefined
        : "FIFO queues without content-based deduplication require a deduplicationId";
    }
    return VALID_ID.test(message.deduplicationId)
      ? undefined
      : "deduplicationId must be 1..128 printable ASCII characters";
  }

  /** The `seq` a handle names. @throws InvalidReceiptHandleError when it names none. */
  #seqOf(receiptHandle: string): string {
    const match = RECEIPT_HANDLE.exec(receiptHandle);
    if (!match) throw new InvalidReceiptHandleError(this.name, receiptHandle);
    return match[1]!;
  }

  #common(row: MessageRow): Omit<ReceivedMessage, "receiptHandle" | "firstReceivedAt"> {
    return {
      messageId: row.message_id,
      body: row.body,
      attributes: row.attributes,
      groupId: row.group_id ?? undefined,
      deduplicationId: row.deduplication_id ?? undefined,
      // SQS sequence numbers are large increasing decimal strings of constant width.
      sequenceNumber: this.fifo ? `18${String(row.seq).padStart(18, "0")}` : undefined,
      receiveCount: row.receive_count,
      sentAt: new Date(row.sent_at),
    };
  }

  #received(row: MessageRow): ReceivedMessage {
    return {
      ...this.#common(row),
      receiptHandle: row.receipt!,
      firstReceivedAt: new Date(row.first_received_at!),
    };
  }
}

/** `<seq>.<receive count>.<32 hex digits>`, as the receive statement writes it. */
const RECEIPT_HANDLE = /^([1-9][0-9]{0,18})\.[1-9][0-9]*\.[0-9a-f]{32}$/;
const VALID_ID = /^[\x21-\x7E]{1,128}$/;
/** What text and jsonb cannot hold (NUL), and what UTF-8 cannot encode (lone surrogates). */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function storable(text: string): boolean {
  return !UNSTORABLE.test(text);
}

function checkSeconds(seconds: number, max: number, what: string): void {
  if (!(Number.isInteger(seconds) && seconds >= 0 && seconds <= max)) {
    throw new RangeError(`${what} must be an integer in 0..${max}, got ${seconds}`);
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}
