import type { RecordOrderMetrics } from "../../domain/use-cases/record-order-metrics.js";
import type { Clock } from "../../ports/clock.js";
import { businessMetricLines } from "./metrics-emf.js";
import { OrderEventBatch } from "./order-event-batch.js";
import type { ConsumerDeps, QueueConsumer } from "./queue-consumer.js";
import type { BatchResult, SqsRecordLike } from "./sqs-batch.js";

/**
 * The metrics queue's consumer (completed-order events from the bus): counts
 * each event once into the metrics store, and writes the batch's business
 * metrics as EMF lines. Partial batch failures: a record whose order could not
 * be read or whose counters could not be stored fails alone and is retried;
 * the store counts it once whatever part of it had been applied before. A
 * message that is not an order event, or names no recorded order, is reported
 * and acknowledged.
 */
export function recordMetricsConsumer(
  record: RecordOrderMetrics,
  deps: ConsumerDeps & { readonly clock: Clock },
): QueueConsumer {
  return async (records: readonly SqsRecordLike[]): Promise<BatchResult> => {
    const batch = await OrderEventBatch.read("record-metrics", records, deps);
    const outcomes = await record.execute(batch.events.map((e) => e.event));
    for (const [index, outcome] of outcomes.entries()) {
      const { record: message, event } = batch.events[index]!;
      if (outcome.outcome === "FAILED") batch.fail(message, outcome.error);
      else if (outcome.outcome === "ORDER_NOT_FOUND") {
        const issues = [{ path: "detail.orderId", code: "ORDER_NOT_FOUND", message: "no such order" }];
        await batch.reject(message, issues, event.orderId);
      } else if (outcome.outcome !== "IGNORED") {
        deps.logger.debug(outcome.outcome === "RECORDED" ? "metrics: counted" : "metrics: already counted", {
          flow: "record-metrics",
          messageId: message.messageId,
          orderId: event.orderId,
          event: event.type,
          eventId: event.id,
        });
      }
    }
    for (const line of businessMetricLines(outcomes, deps.clock.now().getTime())) {
      deps.logger.info("business metrics", line);
    }
    return { batchItemFailures: batch.failures };
  };
}
