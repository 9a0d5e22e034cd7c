import type { MessageAttributeValue, SNSClient } from "@aws-sdk/client-sns";
import { deliverableJson } from "../../domain/deliverable-text.js";
import {
  type AcceptedNotification,
  NOTIFICATION_PRIORITY_ATTRIBUTE,
  type NotificationPublisher,
} from "../../ports/notification-publisher.js";
import { safeEntryId } from "./batching.js";
import type { RetryOptions } from "./retry.js";
import { publishToTopic, type SnsMessage } from "./sns-publishing.js";

export interface SnsNotificationPublisherOptions {
  readonly client: SNSClient;
  /** The notifications topic (standard), whose subscriptions filter on the `priority` attribute. */
  readonly topicArn: string;
  /** Attempts (default 5, one per call), delays and jitter of the retries. */
  readonly retry?: Omit<RetryOptions, "isRetryable"> | undefined;
}

/**
 * {@link NotificationPublisher} on an SNS topic (standard, not FIFO).
 *
 * Each notification becomes one message: `Message` = the notification's JSON
 * (`deliverableJson`, so any text a topic refuses travels escaped and parses
 * back whole), and one `String` message attribute,
 * {@link NOTIFICATION_PRIORITY_ATTRIBUTE}, that the subscriptions' filter
 * policies read (one SQS queue per priority, raw message delivery: the queue's
 * body is the notification's JSON). No subject: no subscriber reads one.
 *
 * Notifications go out with PublishBatch, packed in order into batches of at
 * most 10 entries and 256 KiB together. As for alerts (`sns-alert-publisher.ts`,
 * whose batching this shares): entries reported in `Failed`, or not reported at
 * all, are sent again, alone of their batch, with exponential backoff and full
 * jitter, unless SNS blamed the sender for them (then they are refused for good);
 * a throttled or failed (5xx) call is retried whole. After the retries one
 * DeliveryError names every notification not published by its index in the
 * list, with `retryable` false when one was refused for good.
 */
export class SnsNotificationPublisher implements NotificationPublisher {
  private readonly client: SNSClient;
  private readonly topicArn: string;
  private readonly retry: Omit<RetryOptions, "isRetryable"> | undefined;

  constructor(options: SnsNotificationPublisherOptions) {
    this.client = options.client;
    this.topicArn = options.topicArn;
    this.retry = options.retry;
  }

  async publish(notifications: readonly AcceptedNotification[]): Promise<void> {
    const messages = notifications.map(
      (notification, index): SnsMessage => ({
        // The notification's index in the list: what a DeliveryError names.
        id: String(index),
        entry: {
          Id: safeEntryId(index, notification.notificationId),
          Message: deliverableJson(notification),
          MessageAttributes: notificationMessageAttributes(notification),
        },
      }),
    );
    await publishToTopic(this.client, this.topicArn, messages, { retry: this.retry });
  }
}

/** The message attributes of a notification: its priority, which subscriptions filter on. */
export function notificationMessageAttributes(
  notification: AcceptedNotification,
): Record<string, MessageAttributeValue> {
  return { [NOTIFICATION_PRIORITY_ATTRIBUTE]: { DataType: "String", StringValue: notification.priority } };
}
