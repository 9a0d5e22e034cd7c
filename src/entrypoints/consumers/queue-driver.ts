import type { SqsRecordLike } from "./sqs-batch.js";

/** A received message as the drain loop hands it to a consumer, with the handle to settle it. */
export interface DrivenRecord extends SqsRecordLike {
  readonly receiptHandle: string;
}

/**
 * How a loop that runs consumers in process (the in-memory pipeline's drain,
 * the workers of orderflow on PostgreSQL) reads one queue, whatever runs it:
 * in-memory queues, the PostgreSQL queue table, or a real queue service (SQS
 * on an emulator) driven through its API. The loop treats them all the
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
