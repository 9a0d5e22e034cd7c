import type { OrderflowEvent } from "../../domain/events.js";
import type { FulfilmentWait } from "../../domain/use-cases/fulfilment-wait.js";
import type { OrderWorkflows } from "../../ports/order-workflows.js";
import { parseJson, reportMalformedMessage } from "./malformed-message.js";
import { BusEventSchema } from "./messages.js";
import { type ConsumerDeps, type QueueConsumer, queueConsumer } from "./queue-consumer.js";
import type { SqsRecordLike } from "./sqs-batch.js";

const parseBusEnvelope = BusEventSchema.safeParse.bind(BusEventSchema);

/**
 * A consumer of one event type from the bus: the record's envelope parsed and
 * checked to carry `type`; anything else is reported and acknowledged.
 */
function busEventConsumer<T extends OrderflowEvent["type"]>(
  flow: string,
  type: T,
  deps: ConsumerDeps,
  handle: (event: Extract<OrderflowEvent, { type: T }>, log: ConsumerDeps["logger"]) => Promise<void>,
): QueueConsumer {
  return queueConsumer(flow, deps, async (record: SqsRecordLike, log) => {
    const event = parseJson(record.body, parseBusEnvelope);
    if (!event.ok) return reportMalformedMessage(flow, record, event.issues, deps);
    const { detail } = event.value;
    if (detail.type !== type) {
      const issues = [
        { path: "detail.type", code: "UNEXPECTED_EVENT", message: `expected ${type}, got ${detail.type}` },
      ];
      return reportMalformedMessage(flow, record, issues, deps, detail.orderId);
    }
    const child = log.child({ orderId: detail.orderId, correlationId: detail.correlationId });
    await handle(detail as Extract<OrderflowEvent, { type: T }>, child);
  });
}

/**
 * Starts the order workflow for each validated order the processing queue
 * delivers (in place of process-order, under the workflow orchestration).
 * Starting is idempotent per order, so a redelivered event starts nothing new.
 */
export function startWorkflowConsumer(
  workflows: Pick<OrderWorkflows, "start">,
  deps: ConsumerDeps,
): QueueConsumer {
  return busEventConsumer("start-workflow", "OrderValidated", deps, async (event, log) => {
    await workflows.start(event.orderId, event.correlationId);
    log.info("order workflow started");
  });
}

/**
 * Releases the workflow's wait for each fulfilled order: the kept task token
 * completes it. No token kept means no wait has begun (the wait, when it
 * begins, sees the order fulfilled and ends itself) or no workflow runs the
 * order (the queue orchestration): nothing to do either way.
 */
export function releaseFulfilmentConsumer(
  wait: Pick<FulfilmentWait, "release">,
  deps: ConsumerDeps,
): QueueConsumer {
  return busEventConsumer("release-fulfilment", "OrderFulfilled", deps, async (event, log) => {
    const released = await wait.release(event.orderId);
    log.info(released ? "fulfilment wait released" : "no fulfilment wait to release");
  });
}
