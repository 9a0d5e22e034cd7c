import { parseJson, reportMalformedMessage } from "./malformed-message.js";
import { BusEventSchema } from "./messages.js";
import { type ConsumerDeps, type QueueConsumer, queueConsumer } from "./queue-consumer.js";

const parseBusEnvelope = BusEventSchema.safeParse.bind(BusEventSchema);

/**
 * Starts the order workflow for each validated order the processing queue
 * delivers (in place of process-order): what the bus rule's Step Functions
 * target does on AWS. Starting is idempotent per order, so a redelivered event
 * starts nothing new.
 */
export function startWorkflowConsumer(
  start: (orderId: string, correlationId: string) => void | Promise<void>,
  deps: ConsumerDeps,
): QueueConsumer {
  return queueConsumer("start-workflow", deps, async (record, log) => {
    const event = parseJson(record.body, parseBusEnvelope);
    if (!event.ok) return reportMalformedMessage("start-workflow", record, event.issues, deps);
    const { detail } = event.value;
    if (detail.type !== "OrderValidated") {
      const issues = [
        {
          path: "detail.type",
          code: "UNEXPECTED_EVENT",
          message: `expected OrderValidated, got ${detail.type}`,
        },
      ];
      return reportMalformedMessage("start-workflow", record, issues, deps, detail.orderId);
    }
    await start(detail.orderId, detail.correlationId);
    log
      .child({ orderId: detail.orderId, correlationId: detail.correlationId })
      .info("order workflow started");
  });
}
