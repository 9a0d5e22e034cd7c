import { randomUUID } from "node:crypto";
import type { Alert, AlertPublisher } from "../../ports/alert-publisher.js";
import type { Clock } from "../../ports/clock.js";
import type { QueueMessage } from "../../ports/command-queue.js";
import { DeliveryError, type DeliveryFailure } from "../../ports/errors.js";
import { InMemoryQueue } from "./in-memory-queue.js";
import {
  type FilterPolicy,
  type FilterPolicyScope,
  matchesFilterPolicy,
  type SnsAttributeValue,
  validateFilterPolicy,
} from "./sns-filter-policy.js";
import {
  checkRetryAttempts,
  DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
  type DeliveryOutcome,
  deliverWithRetries,
  errorMessageOf,
} from "./target-delivery.js";

/** Largest SNS message: body plus message attributes, in bytes. */
export const SNS_MAX_MESSAGE_BYTES = 262_144;
const MAX_MESSAGE_ATTRIBUTES = 10;

/** A message attribute as SNS writes it into a notification. */
export interface SnsMessageAttribute {
  readonly Type: "String" | "Number" | "String.Array";
  readonly Value: string;
}

/** The JSON document SNS delivers to an SQS (or HTTP, Lambda) subscriber without raw message delivery. */
export interface SnsNotification {
  readonly Type: "Notification";
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Subject?: string;
  readonly Message: string;
  readonly Timestamp: string;
  readonly SignatureVersion: "1";
  readonly Signature: string;
  readonly SigningCertURL: string;
  readonly UnsubscribeURL: string;
  readonly MessageAttributes?: Readonly<Record<string, SnsMessageAttribute>>;
}

export type TopicTarget = InMemoryQueue | ((notification: SnsNotification) => void | Promise<void>);

export interface TopicSubscription {
  readonly name: string;
  readonly target: TopicTarget;
  readonly filterPolicy?: FilterPolicy | undefined;
  /** Default `MessageAttributes`. */
  readonly filterPolicyScope?: FilterPolicyScope | undefined;
  /** Queue targets: deliver the bare message with its attributes instead of the notification JSON. */
  readonly rawMessageDelivery?: boolean | undefined;
  /**
   * Where a message goes that could not be delivered (the subscription's
   * `RedrivePolicy`): a standard queue, as for a standard topic. Required here,
   * so that a failed delivery always leaves a message to see and redrive.
   */
  readonly deadLetterQueue: InMemoryQueue;
  /** Retries of a failed delivery, made at once; default 2. */
  readonly maximumRetryAttempts?: number | undefined;
}

export interface TopicMessage {
  readonly message: string;
  /** At most 100 printable ASCII characters, no line break. */
  readonly subject?: string | undefined;
  readonly attributes?: Readonly<Record<string, SnsAttributeValue>> | undefined;
}

/** A message the topic accepted, for assertions. */
export interface PublishedTopicMessage {
  readonly messageId: string;
  readonly subject?: string | undefined;
  readonly message: string;
  readonly attributes: Readonly<Record<string, SnsAttributeValue>>;
  readonly timestamp: string;
  /** Names of the subscriptions whose filter let it through. */
  readonly deliveredTo: readonly string[];
}

export interface InMemoryTopicOptions {
  readonly name: string;
  readonly clock: Clock;
  readonly region?: string;
  readonly accountId?: string;
}

/**
 * An SNS standard topic in memory (FIFO topics are not modelled, so FIFO queues cannot subscribe). Publishing validates like SNS (non-empty
 * message, at most 256 KiB with attributes, at most 10 attributes, a subject of
 * at most 100 printable ASCII characters) and fans the message out to every
 * subscription whose filter policy matches. A queue subscriber receives the
 * notification JSON, or with raw delivery the bare message with its attributes
 * as SQS message attributes. A subscriber that fails does not fail the publish
 * (SNS accepted the message): the delivery is retried at once (see
 * {@link TopicSubscription.maximumRetryAttempts}; not when the error says a
 * retry cannot help), then what the subscriber would have received (the
 * notification JSON, or the raw message with its attributes) goes to the
 * subscription's dead-letter queue, as SNS's redrive policy does. Only when
 * that queue refuses it too (SNS would lose it) does the publish fail.
 */
export class InMemoryTopic implements AlertPublisher {
  readonly name: string;
  readonly topicArn: string;
  readonly published: PublishedTopicMessage[] = [];

  readonly #clock: Clock;
  readonly #subscriptions: TopicSubscription[] = [];

  constructor(options: InMemoryTopicOptions) {
    this.name = options.name;
    this.#clock = options.clock;
    this.topicArn = `arn:aws:sns:${options.region ?? "us-east-1"}:${options.accountId ?? "123456789012"}:${options.name}`;
  }

  /**
   * Subscribes a queue or a function. @throws InvalidFilterPatternError when SNS would refuse the
   * filter policy; RangeError when the name is taken, a queue (or the dead-letter queue) is FIFO,
   * or the retries are out of 0..185.
   * @returns the subscription ARN.
   */
  subscribe(subscription: TopicSubscription): string {
    if (subscription.filterPolicy !== undefined) {
      validateFilterPolicy(subscription.filterPolicy, subscription.filterPolicyScope ?? "MessageAttributes");
    }
    for (const queue of [subscription.target, subscription.deadLetterQueue]) {
      if (queue instanceof InMemoryQueue && queue.fifo) {
        throw new RangeError(`a standard topic cannot deliver to the FIFO queue ${queue.name}`);
      }
    }
    checkRetryAttempts(
      subscription.maximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
      `subscription ${subscription.name}`,
    );
    if (this.#subscriptions.some((existing) => existing.name === subscription.name)) {
      throw new RangeError(`subscription ${subscription.name} already exists on topic ${this.name}`);
    }
    this.#subscriptions.push(subscription);
    return `${this.topicArn}:${subscription.name}`;
  }

  unsubscribe(name: string): void {
    const index = this.#subscriptions.findIndex((subscription) => subscription.name === name);
    if (index >= 0) this.#subscriptions.splice(index, 1);
  }

  /**
   * Publishes alerts (a delivery that failed and whose dead-letter queue refused it too counts as failed): Subject = the alert's subject, Message = JSON of the alert,
   * attributes `kind`, `severity` and the alert's own attributes.
   * @throws DeliveryError naming (by index) the alerts SNS would refuse; the others are published.
   */
  async publish(alerts: readonly Alert[]): Promise<void> {
    const failures: DeliveryFailure[] = [];
    for (const [index, alert] of alerts.entries()) {
      const message: TopicMessage = {
        subject: alert.subject,
        message: JSON.stringify({
          kind: alert.kind,
          severity: alert.severity,
          subject: alert.subject,
          message: alert.message,
          attributes: alert.attributes ?? {},
        }),
        attributes: { ...alert.attributes, kind: alert.kind, severity: alert.severity },
      };
      const reason = refusal(message);
      if (reason) {
        failures.push({ id: String(index), reason, retryable: false });
        continue;
      }
      const lost = (await this.#fanOut(message)).lost;
      if (lost) failures.push({ ...lost, id: String(index) });
    }
    if (failures.length > 0) throw new DeliveryError(this.name, failures);
  }

  /**
   * Publishes one message. @throws DeliveryError when SNS would refuse it.
   * @returns its message id.
   */
  async publishMessage(message: TopicMessage): Promise<string> {
    const reason = refusal(message);
    if (reason) throw new DeliveryError(this.name, [{ id: "message", reason, retryable: false }]);
    const { messageId, lost } = await this.#fanOut(message);
    if (lost) throw new DeliveryError(this.name, [lost]);
    return messageId;
  }

  async #fanOut(message: TopicMessage): Promise<{ messageId: string; lost?: DeliveryFailure }> {
    const messageId = randomUUID();
    const timestamp = this.#clock.now().toISOString();
    const attributes = { ...message.attributes };
    const notification: SnsNotification = {
      Type: "Notification",
      MessageId: messageId,
      TopicArn: this.topicArn,
      ...(message.subject === undefined ? {} : { Subject: message.subject }),
      Message: message.message,
      Timestamp: timestamp,
      SignatureVersion: "1",
      Signature: "",
      SigningCertURL: "",
      UnsubscribeURL: "",
      ...(Object.keys(attributes).length > 0
        ? { MessageAttributes: toNotificationAttributes(attributes) }
        : {}),
    };
    const deliveredTo: string[] = [];
    let lost: DeliveryFailure | undefined;
    for (const subscription of this.#subscriptions) {
      if (
        subscription.filterPolicy !== undefined &&
        !matchesFilterPolicy(
          subscription.filterPolicy,
          { attributes, body: message.message },
          subscription.filterPolicyScope ?? "MessageAttributes",
        )
      ) {
        continue;
      }
      deliveredTo.push(subscription.name);
      const payload = payloadFor(subscription, notification, message.message, attributes);
      const target = subscription.target;
      const outcome = await deliverWithRetries(
        () => (target instanceof InMemoryQueue ? target.send([payload]) : target(notification)),
        subscription.maximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
      );
      if (!outcome.delivered) lost ??= await deadLetter(subscription, payload, outcome);
    }
    this.published.push({
      messageId,
      subject: message.subject,
      message: message.message,
      attributes,
      timestamp,
      deliveredTo,
    });
    return lost ? { messageId, lost } : { messageId };
  }
}

/** What a subscriber gets: as an SQS message, the notification JSON, or with raw delivery the bare message and its attributes. */
function payloadFor(
  subscription: TopicSubscription,
  notification: SnsNotification,
  message: string,
  attributes: Readonly<Record<string, SnsAttributeValue>>,
): QueueMessage {
  if (!subscription.rawMessageDelivery) {
    return { id: notification.MessageId, body: JSON.stringify(notification) };
  }
  const sqsAttributes = Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, toNotificationAttribute(value).Value]),
  );
  return { id: notification.MessageId, body: message, attributes: sqsAttributes };
}

/** Sends a payload the subscriber did not take to the subscription's dead-letter queue; returns the failure when that refuses it too. */
async function deadLetter(
  subscription: TopicSubscription,
  payload: QueueMessage,
  outcome: Extract<DeliveryOutcome, { delivered: false }>,
): Promise<DeliveryFailure | undefined> {
  const target = subscription.target;
  try {
    await subscription.deadLetterQueue.sendDeadLetters(
      [payload],
      target instanceof InMemoryQueue ? target : undefined,
    );
    return undefined;
  } catch (error) {
    return {
      id: payload.id ?? "message",
      reason:
        `subscription ${subscription.name} could not take it (${errorMessageOf(outcome.error)}) ` +
        `and its dead-letter queue ${subscription.deadLetterQueue.name} refused it (${errorMessageOf(error)})`,
      retryable: (error as { retryable?: unknown }).retryable !== false,
    };
  }
}

function toNotificationAttributes(
  attributes: Readonly<Record<string, SnsAttributeValue>>,
): Record<string, SnsMessageAttribute> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, toNotificationAttribute(value)]),
  );
}

function toNotificationAttribute(value: SnsAttributeValue): SnsMessageAttribute {
  if (typeof value === "number") return { Type: "Number", Value: String(value) };
  if (typeof value === "string") return { Type: "String", Value: value };
  return { Type: "String.Array", Value: JSON.stringify(value) };
}

function refusal(message: TopicMessage): string | undefined {
  if (message.message.length === 0) return "the message must not be empty";
  if (message.subject !== undefined) {
    if (message.subject.length === 0 || message.subject.length > 100)
      return "the subject must be 1..100 characters";
    if (!/^[\x20-\x7E]+$/.test(message.subject)) {
      return "the subject must be printable ASCII without line breaks";
    }
  }
  const attributes = Object.entries(message.attributes ?? {});
  if (attributes.length > MAX_MESSAGE_ATTRIBUTES) {
    return `at most ${MAX_MESSAGE_ATTRIBUTES} message attributes are allowed, got ${attributes.length}`;
  }
  let size = Buffer.byteLength(message.message, "utf8");
  for (const [name, value] of attributes) {
    if (!/^[A-Za-z0-9_.-]{1,256}$/.test(name) || /^(aws|amazon)\./i.test(name)) {
      return `invalid message attribute name "${name}"`;
    }
    const encoded = toNotificationAttribute(value);
    if (encoded.Value.length === 0) return `message attribute "${name}" must not be empty`;
    size += Buffer.byteLength(name, "utf8") + encoded.Type.length + Buffer.byteLength(encoded.Value, "utf8");
  }
  if (size > SNS_MAX_MESSAGE_BYTES) {
    return `the message is ${size} bytes with its attributes; SNS accepts at most ${SNS_MAX_MESSAGE_BYTES}`;
  }
  return undefined;
}
