import { AcceptedNotificationSchema } from "../../domain/schemas.js";
import type { NotifyOrderCustomers } from "../../domain/use-cases/notify-order-customers.js";
import type { StoreAndDeliverNotification } from "../../domain/use-cases/store-and-deliver-notification.js";
import { parseJson, reportMalformedMessage } from "./malformed-message.js";
import { OrderEventBatch } from "./order-event-batch.js";
import { type ConsumerDeps, type QueueConsumer, queueConsumer } from "./queue-consumer.js";
import type { BatchResult, SqsRecordLike } from "./sqs-batch.js";

const parseNotification = AcceptedNotificationSchema.safeParse.bind(AcceptedNotificationSchema);

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
    const batch = await OrderEventBatch.read("notify-order", records, deps);
    const outcomes = await notify.execute(batch.events.map((e) => e.event));
    for (const [index, outcome] of outcomes.entries()) {
      const { record, event } = batch.events[index]!;
      if (outcome.outcome === "FAILED") batch.fail(record, outcome.error);
      else if (outcome.outcome === "ORDER_NOT_FOUND" || outcome.outcome === "UNDELIVERABLE") {
        const issues =
          outcome.outcome === "UNDELIVERABLE"
            ? outcome.issues
            : [{ path: "detail.orderId", code: "ORDER_NOT_FOUND", message: "no such order" }];
        await batch.reject(record, issues, event.orderId);
      } else if (outcome.outcome === "PUBLISHED") {
        deps.logger
          .child({ flow: "notify-order", messageId: record.messageId, orderId: event.orderId })
          .info("customer notified", {
            event: event.type,
            notificationId: outcome.notification.notificationId,
            priority: outcome.notification.priority,
          });
      }
    }
    return { batchItemFailures: batch.failures };
  };
}
