import { deliverableJson } from "../../domain/deliverable-text.js";
import { DeliveryError, type DeliveryFailure } from "../../ports/errors.js";
import {
  type AcceptedNotification,
  NOTIFICATION_PRIORITY_ATTRIBUTE,
  type NotificationPublisher,
} from "../../ports/notification-publisher.js";
import type { InMemoryTopic } from "./in-memory-topic.js";

/**
 * Publishes notifications to an {@link InMemoryTopic}: the message is the
 * notification's JSON, with its priority as the `priority` message attribute,
 * so subscriptions with a filter policy on it (one queue per priority, raw
 * message delivery) each receive exactly their priority.
 */
export class InMemoryNotificationPublisher implements NotificationPublisher {
  constructor(readonly topic: InMemoryTopic) {}

  async publish(notifications: readonly AcceptedNotification[]): Promise<void> {
    const failures: DeliveryFailure[] = [];
    for (const [index, notification] of notifications.entries()) {
      try {
        await this.topic.publishMessage({
          message: deliverableJson(notification),
          attributes: { [NOTIFICATION_PRIORITY_ATTRIBUTE]: notification.priority },
        });
      } catch (error) {
        if (!(error instanceof DeliveryError)) throw error;
        failures.push(...error.failures.map((failure) => ({ ...failure, id: String(index) })));
      }
    }
    if (failures.length > 0) throw new DeliveryError(this.topic.name, failures);
  }
}
