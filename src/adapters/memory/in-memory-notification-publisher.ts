import { deliverableJson } from "../../domain/deliverable-text.js";
import type { AcceptedNotification, NotificationPublisher } from "../../ports/notification-publisher.js";
import type { InMemoryTopic } from "./in-memory-topic.js";

/** The message attribute that carries a notification's priority, for subscription filter policies. */
export const NOTIFICATION_PRIORITY_ATTRIBUTE = "priority";

/**
 * Publishes notifications to an {@link InMemoryTopic}: the message is the
 * notification's JSON, with its priority as the `priority` message attribute,
 * so subscriptions with a filter policy on it (one queue per priority, raw
 * message delivery) each receive exactly their priority.
 */
export class InMemoryNotificationPublisher implements NotificationPublisher {
  constructor(readonly topic: InMemoryTopic) {}

  async publish(notification: AcceptedNotification): Promise<void> {
    await this.topic.publishMessage({
      message: deliverableJson(notification),
      attributes: { [NOTIFICATION_PRIORITY_ATTRIBUTE]: notification.priority },
    });
  }
}
