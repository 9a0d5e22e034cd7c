import { ORDER_EVENT_TYPES, type OrderEvent } from "../../domain/events.js";
import { AcceptedNotificationSchema } from "../../domain/schemas.js";
import type { NotifyOrderCustomers } from "../../domain/use-cases/notify-order-customers.js";
import type { StoreAndDeliverNotification } from "../../domain/use-cases/store-and-deliver-notification.js";
import { parseJson, reportMalformedMessage } from "./malformed-message.js";
import { BusEventSchema } from "./messages.js";
import { type ConsumerDeps, type QueueConsumer, queueConsumer } from "./queue-consumer.js";
import type { BatchResult, SqsRecordLike } from "./sqs-batch.js";

const parseNotification = AcceptedNotificationSchema.safeParse.bind(AcceptedNotificationSchema);
const parseBusEnvelope = BusEventSchema.safeParse.bind(BusEventSchema);

/**
 * The priority queues' consumer (the same for high, medium and low: the
 * queues differ in how fast they are drained, not in what is done): stores and
 * delivers each notification. A transient channel failure fails the record,
 * for the queue to retry and at last dead-letter.
 */
export function deliverNotificationConsumer(
  storeAndDeliver: StoreAndDeliverNotification,
  deps: ConsumerDeps,
): QueueConsumer {
  return queueConsumer("deliver-notification", deps, async (record, log) => {
    const message = parseJson(record.body, parseNotification);
    if (!message.ok) return reportMalformedMessage("deliver-notification", record, message.issues, deps);
    const result = await storeAndDeliver.execute(message.value);
    const { notificationId, userId, priority, orderId } = result.notification;
    log
      .child({ notificationId, ...(orderId ? { orderId } : {}) })
      .info(`notification: ${result.outcome.toLowerCase()}`, {
        userId,
        priority,
        status: result.notification.status,
        ...(result.notification.failureReason ? { reason: result.notification.failureReason } : {}),
      });
  });
}

/**
 * The order-notifications queue's consumer (order outcomes from the bus):
 * tells each order's customer, the whole batch published in one call. A
 * record whose notification could not be published fails alone.
 */
export function notifyOrderConsumer(notify: NotifyOrderCustomers, deps: ConsumerDeps): QueueConsumer {
  return async (records: readonly SqsRecordLike[]): Promise<BatchResult> => {
    const events: { record: SqsRecordLike; event: OrderEvent }[] = [];
    const failures: { itemIdentifier: string }[] = [];
    for (const record of records) {
      const envelope = parseJson(record.body, parseBusEnvelope);
      if (!envelope.ok) {
        await reportOrFail(record, () =>
          reportMalformedMessage("notify-order", record, envelope.issues, deps),
        );
        continue;
      }
      const { detail } = envelope.value;
      if (!(ORDER_EVENT_TYPES as readonly string[]).includes(detail.type)) {
        const issues = [
          { path: "detail.type", code: "UNEXPECTED_EVENT", message: `not an order event: ${detail.type}` },
        ];
        await reportOrFail(record, () =>
          reportMalformedMessage("notify-order", record, issues, deps, detail.orderId),
        );
        continue;
      }
      // The outcome's data is read by the message builder, which tolerates what the event type allows.
      events.push({ record, event: detail as unknown as OrderEvent });
    }
    const outcomes = await notify.execute(events.map((e) => e.event));
    for (const [index, outcome] of outcomes.entries()) {
      const { record, event } = events[index]!;
      const log = deps.logger.child({
        flow: "notify-order",
        messageId: record.messageId,
        orderId: event.orderId,
      });
      if (outcome.outcome === "FAILED") {
        log.error("record failed; it will be retried", { error: String(outcome.error) });
        failures.push({ itemIdentifier: record.messageId });
      } else if (outcome.outcome === "ORDER_NOT_FOUND" || outcome.outcome === "UNDELIVERABLE") {
        const issues =
          outcome.outcome === "UNDELIVERABLE"
            ? outcome.issues
            : [{ path: "detail.orderId", code: "ORDER_NOT_FOUND", message: "no such order" }];
        await reportOrFail(record, () =>
          reportMalformedMessage("notify-order", record, issues, deps, event.orderId),
        );
      } else if (outcome.outcome === "PUBLISHED") {
        log.info("customer notified", {
          event: event.type,
          notificationId: outcome.notification.notificationId,
          priority: outcome.notification.priority,
        });
      }
    }
    return { batchItemFailures: failures };

    async function reportOrFail(record: SqsRecordLike, report: () => Promise<void>) {
      try {
        await report();
      } catch (error) {
        deps.logger.error("record failed; it will be retried", {
          flow: "notify-order",
          messageId: record.messageId,
          error: String(error),
        });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
  };
}
