import type { InMemoryQueue } from "../../adapters/memory/in-memory-queue.js";
import type { QueueConsumer } from "../consumers/queue-consumer.js";
import type { DrivenRecord, QueueDriver } from "../consumers/queue-driver.js";

export type { DrivenRecord, QueueDriver } from "../consumers/queue-driver.js";

/**
 * The queues of the in-memory pipeline as its drain loop reads them, apart
 * from the pipeline itself so that the modules adding flows to it
 * (notifications, batch files) need nothing else of it.
 */

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
