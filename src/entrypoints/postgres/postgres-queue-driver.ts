import { sqsRecordOf } from "../../adapters/memory/sqs-record.js";
import type { PostgresQueue } from "../../adapters/postgres/postgres-queue.js";
import type { DrivenRecord, QueueDriver } from "../consumers/queue-driver.js";

/** Options of {@link PostgresQueueDriver}. */
export interface PostgresQueueDriverOptions {
  /** What the records name as their source; `orderflow:postgres:<queue name>` by default. */
  readonly eventSourceARN?: string | undefined;
  /** What the records name as their region; `local` by default. */
  readonly awsRegion?: string | undefined;
}

/**
 * Drives a {@link PostgresQueue} for a drain loop as a Lambda event source
 * mapping drives SQS: receive a batch (one statement), hand the consumer
 * records shaped as an SQS event's (`sqsRecordOf`, the same builder the
 * in-memory queues use, so a consumer cannot tell the two apart), delete the
 * handled ones (one statement), make the failed ones visible again (one
 * statement) so the queue's `maxReceiveCount` dead-letters them in the end.
 *
 * A record whose handle went stale meanwhile (its visibility timeout ran out
 * and another worker received it) settles nothing: the other worker's receive
 * owns the message now. `nextVisibleAt` is left out: the driver interface asks
 * for an answer without waiting, and the queue's needs a query.
 */
export class PostgresQueueDriver implements QueueDriver {
  readonly #source: { fifo: boolean; eventSourceARN: string; awsRegion: string };

  constructor(
    readonly queue: PostgresQueue,
    options: PostgresQueueDriverOptions = {},
  ) {
    this.#source = {
      fifo: queue.fifo,
      eventSourceARN: options.eventSourceARN ?? `orderflow:postgres:${queue.name}`,
      awsRegion: options.awsRegion ?? "local",
    };
  }

  get name(): string {
    return this.queue.name;
  }

  async receive(max: number): Promise<readonly DrivenRecord[]> {
    const messages = await this.queue.receive({ max });
    return messages.map((message) => sqsRecordOf(message, this.#source));
  }

  async ack(records: readonly DrivenRecord[]): Promise<void> {
    await this.queue.deleteBatch(records.map((record) => record.receiptHandle));
  }

  async retry(records: readonly DrivenRecord[]): Promise<void> {
    await this.queue.changeVisibilityBatch(
      records.map((record) => record.receiptHandle),
      0,
    );
  }

  size(): Promise<number> {
    return this.queue.size();
  }
}
