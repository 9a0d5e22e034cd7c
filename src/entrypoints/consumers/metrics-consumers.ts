import { ORDER_EVENT_TYPES, type OrderEvent } from "../../domain/events.js";
import type { RecordOrderMetrics } from "../../domain/use-cases/record-order-metrics.js";
import type { Clock } from "../../ports/clock.js";
import { parseJson, reportMalformedMessage } from "./malformed-message.js";
import { BusEventSchema } from "./messages.js";
import { businessMetricLines } from "./metrics-emf.js";
import type { ConsumerDeps, QueueConsumer } from "./queue-consumer.js";
import type { BatchResult, SqsRecordLike } from "./sqs-batch.js";

const parseBusEnvelope = BusEventSchema.safeParse.bind(BusEventSchema);

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
    const events: { record: SqsRecordLike; event: OrderEvent }[] = [];
    const failures: { itemIdentifier: string }[] = [];
    const reportOrFail = async (message: SqsRecordLike, report: () => Promise<void>) => {
      try {
        await report();
      } catch (error) {
        deps.logger.error("record failed; it will be retried", {
          flow: "record-metrics",
          messageId: message.messageId,
          error: String(error),
        });
        failures.push({ itemIdentifier: message.messageId });
      }
    };
    for (const message of records) {
      const envelope = parseJson(message.body, parseBusEnvelope);
      if (!envelope.ok) {
        await reportOrFail(message, () =>
          reportMalformedMessage("record-metrics", message, envelope.issues, deps),
        );
        continue;
      }
      const { detail } = envelope.value;
      if (!(ORDER_EVENT_TYPES as readonly string[]).includes(detail.type)) {
        const issues = [
          { path: "detail.type", code: "UNEXPECTED_EVENT", message: `not an order event: ${detail.type}` },
        ];
        await reportOrFail(message, () =>
          reportMalformedMessage("record-metrics", message, issues, deps, detail.orderId),
        );
        continue;
      }
      // The contributions read the event's data defensively, as the event type allows.
      events.push({ record: message, event: detail as unknown as OrderEvent });
    }

    const outcomes = await record.execute(events.map((e) => e.event));
    for (const [index, outcome] of outcomes.entries()) {
      const { record: message, event } = events[index]!;
      const log = deps.logger.child({
        flow: "record-metrics",
        messageId: message.messageId,
        orderId: event.orderId,
      });
      if (outcome.outcome === "FAILED") {
        log.error("record failed; it will be retried", { error: String(outcome.error) });
        failures.push({ itemIdentifier: message.messageId });
      } else if (outcome.outcome === "ORDER_NOT_FOUND") {
        const issues = [{ path: "detail.orderId", code: "ORDER_NOT_FOUND", message: "no such order" }];
        await reportOrFail(message, () =>
          reportMalformedMessage("record-metrics", message, issues, deps, event.orderId),
        );
      } else if (outcome.outcome !== "IGNORED") {
        log.debug(outcome.outcome === "RECORDED" ? "metrics: counted" : "metrics: already counted", {
          event: event.type,
          eventId: event.id,
        });
      }
    }
    for (const line of businessMetricLines(outcomes, deps.clock.now().getTime())) {
      deps.logger.info("business metrics", line);
    }
    return { batchItemFailures: failures };
  };
}
