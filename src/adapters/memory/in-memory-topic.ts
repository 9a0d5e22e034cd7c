import { randomUUID } from "node:crypto";
import type { Alert, AlertPublisher } from "../../ports/alert-publisher.js";
import type { Clock } from "../../ports/clock.js";
import { DeliveryError, type DeliveryFailure } from "../../ports/errors.js";
import { InMemoryQueue } from "./in-memory-queue.js";
import {
  type FilterPolicy,
  type FilterPolicyScope,
  matchesFilterPolicy,
  type SnsAttributeValue,
  validateFilterPolicy,
} from "./sns-filter-policy.js";

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

export interface FailedTopicDelivery {
  readonly subscription: string;
  readonly messageId: string;
  readonly error: unknown;
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
 * (SNS accepted the message): it is recorded in {@link InMemoryTopic.failedDeliveries}.
 */
export class InMemoryTopic implements AlertPublisher {
  readonly name: string;
  readonly topicArn: string;
  readonly published: PublishedTopicMessage[] = [];
  readonly failedDeliveries: FailedTopicDelivery[] = [];

  readonly #clock: Clock;
  readonly #subscriptions: TopicSubscription[] = [];

  constructor(options: InMemoryTopicOptions) {
    this.name = options.name;
    this.#clock = options.clock;
    this.topicArn = `arn:aws:sns:${options.region ?? "us-east-1"}:${options.accountId ?? "123456789012"}:${options.name}`;
  }

  /**
   * Subscribes a queue or a function. @throws InvalidFilterPatternError when SNS would refuse the
   * filter policy; RangeError when the name is taken.
   * @returns the subscription ARN.
   */
  subscribe(subscription: TopicSubscription): string {
    if (subscription.filterPolicy !== undefined) {
      validateFilterPolicy(subscription.filterPolicy, subscription.filterPolicyScope ?? "MessageAttributes");
    }
    if (subscription.target instanceof InMemoryQueue && subscription.target.fifo) {
      throw new RangeError(`a standard topic cannot deliver to the FIFO queue ${subscription.target.name}`);
    }
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
   * Publishes alerts: Subject = the alert's subject, Message = JSON of the alert,
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
      if (reason) failures.push({ id: String(index), reason, retryable: false });
      else await this.#fanOut(message);
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
    return this.#fanOut(message);
  }

  async #fanOut(message: TopicMessage): Promise<string> {
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
      try {
        await deliver(subscription, notification, message.message, attributes);
      } catch (error) {
        this.failedDeliveries.push({ subscription: subscription.name, messageId, error });
      }
    }
    this.published.push({
      messageId,
      subject: message.subject,
      message: message.message,
      attributes,
      timestamp,
      deliveredTo,
    });
    return messageId;
  }
}

async function deliver(
  subscription: TopicSubscription,
  notification: SnsNotification,
  message: string,
  attributes: Readonly<Record<string, SnsAttributeValue>>,
): Promise<void> {
  const target = subscription.target;
  if (!(target instanceof InMemoryQueue)) return target(notification);
  const sqsAttributes = Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, toNotificationAttribute(value).Value]),
  );
  await target.send([
    subscription.rawMessageDelivery
      ? { id: notification.MessageId, body: message, attributes: sqsAttributes }
      : { id: notification.MessageId, body: JSON.stringify(notification) },
  ]);
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
