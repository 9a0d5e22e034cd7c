import type { InMemoryQueue } from "../../adapters/memory/in-memory-queue.js";
import type { QueueConsumer } from "../consumers/queue-consumer.js";
import type { SqsRecordLike } from "../consumers/sqs-batch.js";

/**
 * The queues of the in-memory pipeline as its drain loop reads them, apart
 * from the pipeline itself so that the modules adding flows to it
 * (notifications, batch files) need nothing else of it.
 */

/** A received message as the drain loop hands it to a consumer, with the handle to settle it. */
export interface DrivenRecord extends SqsRecordLike {
  readonly receiptHandle: string;
}

/**
 * How {@link InMemoryOrderflow.drain} reads one queue, whatever runs it: the
 * in-memory queues ({@link InMemoryQueueDriver}), or a real queue service
 * (SQS on an emulator) driven through its API. The drain loop treats both the
 * same, as a Lambda event source mapping does: receive a batch, hand it to the
 * consumer, delete the successes, make the failures visible again.
 */
export interface QueueDriver {
  readonly name: string;
  /** Receives up to `max` (1..10) visible messages and hides them for the queue's visibility timeout. */
  receive(max: number): Promise<readonly DrivenRecord[]>;
  /** Deletes handled messages. */
  ack(records: readonly DrivenRecord[]): Promise<void>;
  /**
   * Makes failed messages visible again at once, for a retry; the queue's own
   * redrive policy moves a message to its dead-letter queue after `maxReceiveCount` receives.
   */
  retry(records: readonly DrivenRecord[]): Promise<void>;
  /** Messages held: visible, in flight or delayed. */
  size(): Promise<number>;
  /** When the next in-flight or delayed message becomes visible, if the driver knows (lets a ManualClock jump there). */
  nextVisibleAt?(): Date | undefined;
}

/** {@link QueueDriver} of an {@link InMemoryQueue}. */
export class InMemoryQueueDriver implements QueueDriver {
  constructor(readonly queue: InMemoryQueue) {}

  get name(): string {
    return this.queue.name;
  }

  async receive(max: number): Promise<readonly DrivenRecord[]> {
    return this.queue.receive({ max }).map((message) => this.queue.toSqsRecord(message));
  }

  async ack(records: readonly DrivenRecord[]): Promise<void> {
    for (const record of records) this.queue.delete(record.receiptHandle);
  }

  async retry(records: readonly DrivenRecord[]): Promise<void> {
    for (const record of records) this.queue.changeVisibility(record.receiptHandle, 0);
  }

  async size(): Promise<number> {
    return this.queue.size;
  }

  nextVisibleAt(): Date | undefined {
    return this.queue.nextVisibleAt();
  }
}

/** A queue of the pipeline as the drain loop sees it: its drivers and the consumer that drains it. */
export interface DrainedQueue {
  readonly consumer: QueueConsumer;
  readonly driver: QueueDriver;
  readonly deadLetterDriver: QueueDriver;
  /** Queues this one yields to: it is read only in a round where none of them handed out a message (priorities). */
  readonly yieldsTo?: readonly DrainedQueue[];
}

/** An in-memory queue of the pipeline with its dead-letter queue and the consumer that drains it. */
export interface PipelineQueue extends DrainedQueue {
  readonly queue: InMemoryQueue;
  readonly deadLetterQueue: InMemoryQueue;
}
