import { type MessageAttributeValue, PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { escapeUndeliverable } from "../../domain/deliverable-text.js";
import { DeliveryError } from "../../ports/errors.js";
import type { Notification, NotificationChannel } from "../../ports/notification-channel.js";
import { awsErrorName, isTransientAwsError, translateAwsError } from "./aws-errors.js";
import { describeError } from "./batching.js";
import { sanitizeSubject } from "./sns-alert-publisher.js";

/** The message attribute that names the notification's user: each user's e-mail subscription filters on it. */
export const EMAIL_USER_ATTRIBUTE = "userId";

/**
 * Errors with which SNS refuses a Publish for good: the same call cannot
 * succeed later (no permission, no such topic, a parameter or a KMS key it will
 * not take). Throttling and server faults are transient; so is anything unknown.
 */
const PERMANENT_ERRORS: ReadonlySet<string> = new Set([
  "AuthorizationErrorException",
  "NotFoundException",
  "InvalidParameterException",
  "InvalidParameterValueException",
  "ValidationException",
  "InvalidSecurityException",
  "EndpointDisabledException",
  "KMSAccessDeniedException",
  "KMSDisabledException",
  "KMSInvalidStateException",
  "KMSNotFoundException",
  "KMSOptInRequired",
]);

export interface SnsEmailNotificationChannelOptions {
  readonly client: SNSClient;
  /** The e-mail topic: one e-mail subscription per user, each with a filter policy on `userId`. */
  readonly topicArn: string;
}

/**
 * {@link NotificationChannel} `email`: one SNS Publish per notification to an
 * e-mail topic.
 *
 * **One topic, one user.** The message carries the notification's user as the
 * `String` message attribute {@link EMAIL_USER_ATTRIBUTE}. Each user's address
 * is an `email` subscription of the topic with the filter policy
 * `{"userId": ["<their id>"]}` (attribute scope, the default), so SNS sends each
 * message to that user's address only; a message whose user has no
 * (confirmed) subscription reaches nobody, which SNS does not report. Managing
 * the subscriptions (subscribe on sign-up, the user confirms by e-mail) is
 * outside this adapter. SNS caps filter policies per account and region (10 000
 * by default, adjustable) and e-mail deliveries per second: past those, a
 * transactional e-mail service called per user is the better channel.
 *
 * **The message.** Subject: the message itself (`Order <id>: ` first when it is
 * about an order, `Urgent: ` first when its priority is high), made into what
 * SNS accepts for a subject by `sanitizeSubject` (printable ASCII, fewer than
 * 100 characters). Body: the message whole, then priority, order id when
 * present, notification id and time, one per line.
 *
 * **Errors.** What SNS refuses for good (authorization, topic not found,
 * invalid parameter, KMS key unusable) is thrown as a DeliveryError with
 * `retryable: false`, so the notification is marked FAILED; throttling and 5xx
 * as a retryable ServiceUnavailableError, so the queue delivers it again. The
 * client's own retries (its `maxAttempts`) come first.
 */
export class SnsEmailNotificationChannel implements NotificationChannel {
  readonly name = "email";
  private readonly client: SNSClient;
  private readonly topicArn: string;

  constructor(options: SnsEmailNotificationChannelOptions) {
    this.client = options.client;
    this.topicArn = options.topicArn;
  }

  async deliver(notification: Notification): Promise<void> {
    const destination = `SNS topic ${this.topicArn}`;
    try {
      await this.client.send(
        new PublishCommand({
          TopicArn: this.topicArn,
          Subject: emailSubject(notification),
          Message: emailBody(notification),
          MessageAttributes: emailMessageAttributes(notification),
        }),
      );
    } catch (err) {
      if (isTransientAwsError(err)) throw translateAwsError(err, destination);
      const name = awsErrorName(err);
      if (name !== undefined && PERMANENT_ERRORS.has(name)) {
        throw new DeliveryError(
          destination,
          [{ id: notification.notificationId, reason: describeError(err), retryable: false }],
          { cause: err },
        );
      }
      throw err;
    }
  }
}

/** The e-mail's subject line (see the class notes); never empty. */
export function emailSubject(notification: Notification): string {
  const urgent = notification.priority === "high" ? "Urgent: " : "";
  const order = notification.orderId === undefined ? "" : `Order ${notification.orderId}: `;
  const subject = sanitizeSubject(`${urgent}${order}${notification.message}`);
  return subject.length > 0 ? subject : "Notification";
}

/** The e-mail's text: the message, then what it is about, one field per line. */
export function emailBody(notification: Notification): string {
  const lines = [
    escapeUndeliverable(notification.message),
    "",
    `Priority: ${notification.priority}`,
    ...(notification.orderId === undefined ? [] : [`Order: ${notification.orderId}`]),
    `Notification: ${notification.notificationId}`,
    `Sent: ${notification.createdAt}`,
  ];
  return lines.join("\n");
}

/** The attribute each user's subscription filters on. */
export function emailMessageAttributes(notification: Notification): Record<string, MessageAttributeValue> {
  return { [EMAIL_USER_ATTRIBUTE]: { DataType: "String", StringValue: notification.userId } };
}
