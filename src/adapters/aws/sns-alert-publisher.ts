import type { MessageAttributeValue, SNSClient } from "@aws-sdk/client-sns";
import type { Alert, AlertPublisher } from "../../ports/alert-publisher.js";
import { safeEntryId } from "./batching.js";
import type { RetryOptions } from "./retry.js";
import { publishToTopic, type SnsMessage } from "./sns-publishing.js";

export { SNS_MAX_BATCH_ENTRIES, SNS_MAX_PAYLOAD_BYTES, snsMessageSize } from "./sns-publishing.js";
/**
 * Message attributes sent per alert. SNS delivers at most 10 to SQS
 * subscriptions (raw delivery), so orderflow never sends more.
 */
export const SNS_MAX_MESSAGE_ATTRIBUTES = 10;
/** Longest subject SNS accepts: it requires fewer than 100 characters (e-mail subject line). */
export const SNS_MAX_SUBJECT_LENGTH = 99;

const STRING_TYPE = "String";

export interface SnsAlertPublisherOptions {
  readonly client: SNSClient;
  readonly topicArn: string;
  /** Attempts (default 5, one per call), delays and jitter of the retries. */
  readonly retry?: Omit<RetryOptions, "isRetryable"> | undefined;
}

/**
 * The alert's subject as SNS accepts it: ASCII printable characters only, fewer
 * than 100 of them. Control characters (line breaks included) become spaces,
 * accented letters lose their accents (NFKD, combining marks dropped: `São` →
 * `Sao`), any other non-ASCII character becomes `?`; runs of spaces collapse,
 * and the result is trimmed and cut to {@link SNS_MAX_SUBJECT_LENGTH}
 * characters. Empty when nothing printable is left.
 */
export function sanitizeSubject(subject: string): string {
  const clean = subject
    .replace(/[\p{Cc}\u2028\u2029]+/gu, " ")
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/\s+/g, " ")
    // One `?` per code point (not per UTF-16 unit), after the whitespace pass so
    // that non-ASCII spaces became plain spaces first.
    .replace(/[^\x20-\x7E]/gu, "?")
    .trim();
  return clean.length <= SNS_MAX_SUBJECT_LENGTH ? clean : clean.slice(0, SNS_MAX_SUBJECT_LENGTH).trimEnd();
}

/** Names SNS accepts for message attributes. */
function isValidAttributeName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 256 &&
    /^[A-Za-z0-9_.-]+$/.test(name) &&
    !name.startsWith(".") &&
    !name.endsWith(".") &&
    !name.includes("..") &&
    !/^(aws|amazon)\./i.test(name)
  );
}

/**
 * The message attributes of an alert: `kind` and `severity` first, then the
 * alert's own attributes in their order, as long as the total stays within
 * {@link SNS_MAX_MESSAGE_ATTRIBUTES}. Attributes SNS would refuse (empty value,
 * invalid name) or that exceed the count are left out of the attributes only:
 * the message body carries every one of them.
 */
export function alertMessageAttributes(alert: Alert): Record<string, MessageAttributeValue> {
  const attributes: Record<string, MessageAttributeValue> = {
    kind: { DataType: STRING_TYPE, StringValue: alert.kind },
    severity: { DataType: STRING_TYPE, StringValue: alert.severity },
  };
  let count = 2;
  for (const [name, value] of Object.entries(alert.attributes ?? {})) {
    if (count >= SNS_MAX_MESSAGE_ATTRIBUTES) break;
    if (name in attributes || value.length === 0 || !isValidAttributeName(name)) continue;
    attributes[name] = { DataType: STRING_TYPE, StringValue: value };
    count++;
  }
  return attributes;
}

/**
 * {@link AlertPublisher} on an SNS topic (standard, not FIFO).
 *
 * Each alert becomes one message: `Message` = JSON of the whole alert (kind,
 * severity, subject as given, message, every attribute), `Subject` =
 * {@link sanitizeSubject} of its subject (omitted when empty), message
 * attributes from {@link alertMessageAttributes} (all of type `String`), which
 * subscriptions filter on. One alert is sent with Publish; more with
 * PublishBatch, packed in order into batches of at most 10 entries and 256 KiB.
 * Entries reported in `Failed`, or in neither `Failed` nor `Successful`, are sent again, alone, with exponential backoff
 * and full jitter when SNS did not blame the sender or throttled them; a
 * throttled or failed (5xx) call is retried whole. After the retries one
 * DeliveryError names every alert not published (`<index>:<kind>`) and why.
 */
export class SnsAlertPublisher implements AlertPublisher {
  private readonly client: SNSClient;
  private readonly topicArn: string;
  private readonly retry: Omit<RetryOptions, "isRetryable"> | undefined;

  constructor(options: SnsAlertPublisherOptions) {
    this.client = options.client;
    this.topicArn = options.topicArn;
    this.retry = options.retry;
  }

  async publish(alerts: readonly Alert[]): Promise<void> {
    const messages = alerts.map((alert, index): SnsMessage => {
      const subject = sanitizeSubject(alert.subject);
      return {
        id: `${index}:${alert.kind}`,
        entry: {
          Id: safeEntryId(index, alert.kind),
          Message: JSON.stringify(alert),
          ...(subject.length > 0 ? { Subject: subject } : {}),
          MessageAttributes: alertMessageAttributes(alert),
        },
      };
    });
    await publishToTopic(this.client, this.topicArn, messages, {
      retry: this.retry,
      loneMessageAsPublish: true,
    });
  }
}
