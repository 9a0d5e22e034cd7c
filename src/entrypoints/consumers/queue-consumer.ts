import { describeError } from "../../domain/errors.js";
import type { AlertPublisher } from "../../ports/alert-publisher.js";
import type { Logger } from "../../ports/logger.js";
import { type BatchOptions, type BatchResult, processSqsBatch, type SqsRecordLike } from "./sqs-batch.js";

/** A queue consumer: what a Lambda SQS handler (or the in-memory pipeline) calls with a batch. */
export type QueueConsumer = (records: readonly SqsRecordLike[]) => Promise<BatchResult>;

/** What every consumer needs besides its use case: where it logs, and where a message it cannot use is reported. */
export interface ConsumerDeps {
  readonly logger: Logger;
  readonly alerts: AlertPublisher;
}

/**
 * A flow's consumer: partial batch failures over `handle` (FIFO groups stop at
 * their first failure), each record with its own log context, each failure
 * logged before the queue retries it. `context` is what the invocation passes
 * on (extract-orders: the time it has left).
 */
export function queueConsumer<C = undefined>(
  flow: string,
  deps: ConsumerDeps,
  handle: (record: SqsRecordLike, log: Logger, context: C) => Promise<void>,
  options: Pick<BatchOptions, "fifo"> = {},
): (records: readonly SqsRecordLike[], context?: C) => Promise<BatchResult> {
  const onFailure = (record: SqsRecordLike, error: unknown) =>
    deps.logger.error("record failed; it will be retried", {
      flow,
      messageId: record.messageId,
      receiveCount: record.attributes?.ApproximateReceiveCount,
      error: describeError(error),
    });
  return (records, context) =>
    processSqsBatch(
      records,
      (record) => {
        const log = deps.logger.child({ flow, messageId: record.messageId });
        log.debug("message received", {
          receiveCount: record.attributes?.ApproximateReceiveCount,
          bytes: record.body.length,
        });
        return handle(record, log, context as C);
      },
      { ...options, onFailure },
    );
}
