import type { FileHistory } from "../../ports/file-history.js";
import type { ObjectStore } from "../../ports/object-store.js";
import type { OrderRepository } from "../../ports/order-repository.js";
import type { HttpApi } from "../http/http-core.js";
import { HttpRequestError } from "../http/http-errors.js";
import type { EventFeed } from "./event-feed.js";

/** A queue of the flows as the operator routes show it. */
export interface QueueView {
  readonly name: string;
  readonly fifo: boolean;
  /** Messages waiting, in flight and delayed (in memory these are told apart; on PostgreSQL `visible` counts them all). */
  readonly visible: number;
  readonly inFlight?: number | undefined;
  readonly delayed?: number | undefined;
  readonly deadLetterQueue: string;
  readonly deadLettered: number;
}

/** A dead-letter queue with its message count and the queue its messages came from. */
export interface DeadLetterQueueView {
  readonly name: string;
  readonly fifo: boolean;
  readonly messages: number;
  readonly source?: string | undefined;
}

/** A dead-lettered message, left in place: what the queue shows of it, its time as ISO text. */
export interface DeadLetterView extends Omit<PeekedMessage, "sentAt" | "state"> {
  readonly sentAt: string;
}

export interface RedriveRequest {
  /** A queue of the flows to move them to; default: each message's source queue. */
  readonly to?: string | undefined;
  readonly dryRun?: boolean | undefined;
  readonly max?: number | undefined;
}

export type RedriveOutcome =
  | {
      readonly queue: string;
      readonly dryRun: true;
      readonly count: number;
      readonly messages: readonly (DeadLetterView & { readonly destination: string | undefined })[];
    }
  | {
      readonly queue: string;
      readonly dryRun: false;
      readonly moved: number;
      readonly destination: string;
      readonly remaining: number;
    };

/** An alert an operator would have received by mail from the SNS alert topic on AWS. */
export interface AlertView {
  readonly kind: string;
  readonly severity: string;
  readonly subject: string;
  readonly message: string;
  readonly raisedAt: string;
}

/**
 * What the local runner runs orderflow on: the HTTP API, the flows' queues
 * worked in the background, the batch-file flows, and what an operator looks
 * at. Two of them: {@link MemoryBackend} (`--memory`, nothing kept) and
 * {@link PostgresBackend} (PGlite in a data folder, or a PostgreSQL server:
 * a restart loses nothing accepted).
 */
export interface LocalBackend {
  /** One line for the banner: where the state lives. */
  readonly description: string;
  readonly http: HttpApi;
  readonly fileHistory: FileHistory;
  /** The orders, for the operator's board (the public API reads one order at a time). */
  readonly orders: Pick<OrderRepository, "listByStatus">;
  /** Where uploaded batch files are kept (`incoming/<name>`), to read one's orders back. */
  readonly objects: Pick<ObjectStore, "get">;
  /** The events the flows published in this process (the web console's live feed and timelines). */
  readonly events: EventFeed;
  /**
   * Stores a batch file under `incoming/` and notifies the file flows, as an
   * S3 upload would. @returns its key and the version its history record has.
   */
  upload(name: string, body: AsyncIterable<Uint8Array>): Promise<{ key: string; fileVersion: string }>;
  queues(): Promise<QueueView[]>;
  deadLetterQueues(): Promise<DeadLetterQueueView[]>;
  /** @throws HttpRequestError 404 `QUEUE_NOT_FOUND` when there is no such dead-letter queue. */
  deadLetters(queue: string): Promise<DeadLetterView[]>;
  /** @throws HttpRequestError 404 `QUEUE_NOT_FOUND` for an unknown queue (either side). */
  redrive(queue: string, request: RedriveRequest): Promise<RedriveOutcome>;
  /** The most recent alerts, newest first. */
  alerts(limit: number): Promise<AlertView[]>;
  /** Starts working the queues in the background. */
  start(): void;
  /** Something was sent: work the queues now rather than at the next poll. */
  kick(): void;
  /** Works the queues now; resolves once they are idle (for tests and scripts). */
  settle(): Promise<void>;
  /** Lets the work in progress finish, stops, and releases what it holds (the database). */
  stop(): Promise<void>;
}

/** A stored message as either family's queue shows it (`peek`). */
export interface PeekedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly groupId?: string | undefined;
  readonly deduplicationId?: string | undefined;
  readonly receiveCount: number;
  readonly sentAt: Date;
  readonly deadLetteredFrom?: string | undefined;
  readonly state: string;
}

export function deadLetterView(message: PeekedMessage): DeadLetterView {
  return {
    messageId: message.messageId,
    body: message.body,
    attributes: message.attributes,
    groupId: message.groupId,
    deduplicationId: message.deduplicationId,
    receiveCount: message.receiveCount,
    sentAt: message.sentAt.toISOString(),
    deadLetteredFrom: message.deadLetteredFrom,
  };
}

/**
 * What a redrive would move, and where: the messages not in flight that have
 * somewhere to go (`to`, or the queue each came from), at most `max`.
 */
export function redriveDryRun(
  queue: string,
  messages: readonly PeekedMessage[],
  to: string | undefined,
  max: number | undefined,
): RedriveOutcome {
  const movable = messages
    .filter((message) => message.state !== "inFlight")
    .filter((message) => to !== undefined || message.deadLetteredFrom !== undefined)
    .slice(0, max ?? Number.POSITIVE_INFINITY);
  return {
    queue,
    dryRun: true,
    count: movable.length,
    messages: movable.map((message) => ({
      ...deadLetterView(message),
      destination: to ?? message.deadLetteredFrom,
    })),
  };
}

/** The 404 of a queue (or dead-letter queue) the backend does not have, naming those it has. */
export function queueNotFound(kind: "queue" | "dead-letter queue", name: string, known: readonly string[]) {
  return new HttpRequestError(
    404,
    "QUEUE_NOT_FOUND",
    `no ${kind} named ${name.slice(0, 80)}; known: ${known.join(", ")}`,
  );
}
