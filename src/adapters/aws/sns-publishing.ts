import {
  PublishBatchCommand,
  type PublishBatchRequestEntry,
  PublishCommand,
  SNSClient,
} from "@aws-sdk/client-sns";
import { DeliveryError, type DeliveryFailure } from "../../ports/errors.js";
import { isTransientAwsError, translateAwsError } from "./aws-errors.js";
import { deliverBatches, type EntryFailure, failedEntries, packBatches, utf8Length } from "./batching.js";
import { type AwsClientOptions, baseClientConfig } from "./client-options.js";
import type { RetryOptions } from "./retry.js";

/** PublishBatch accepts at most this many entries. */
export const SNS_MAX_BATCH_ENTRIES = 10;
/** Limit of one message and of the messages of one PublishBatch together: 256 KiB. */
export const SNS_MAX_PAYLOAD_BYTES = 256 * 1024;

/** An SNS client for the SNS adapters (alerts, notifications, e-mail); created by the caller, never at import time. */
export function createSnsClient(options: AwsClientOptions = {}): SNSClient {
  return new SNSClient(baseClientConfig(options));
}

/** One message for a topic, with the id a DeliveryError names it by. */
export interface SnsMessage {
  readonly id: string;
  readonly entry: PublishBatchRequestEntry;
}

export interface PublishToTopicOptions {
  /** Attempts (default 5, one per call), delays and jitter of the retries. */
  readonly retry?: Omit<RetryOptions, "isRetryable"> | undefined;
  /** Send a lone message with Publish rather than a PublishBatch of one. */
  readonly loneMessageAsPublish?: boolean | undefined;
}

interface Pending extends SnsMessage {
  readonly size: number;
}

/**
 * Publishes messages to an SNS topic, what every SNS publisher of orderflow
 * shares: a message over 256 KiB is refused here (for good); the others go
 * out with PublishBatch, packed in order into batches of at most 10 entries
 * and 256 KiB. Entries reported in `Failed`, or in neither `Failed` nor
 * `Successful`, are sent again, alone, with exponential backoff and full
 * jitter, unless SNS blamed the sender for them (refused for good); a
 * throttled or failed (5xx) call is retried whole.
 * @throws DeliveryError naming every message not published by its id, with
 * `retryable` false when one was refused for good.
 */
export async function publishToTopic(
  client: SNSClient,
  topicArn: string,
  messages: readonly SnsMessage[],
  options: PublishToTopicOptions = {},
): Promise<void> {
  const destination = `SNS topic ${topicArn}`;
  const failures: DeliveryFailure[] = [];
  const accepted: Pending[] = [];
  for (const message of messages) {
    const size = snsMessageSize(message.entry);
    if (size > SNS_MAX_PAYLOAD_BYTES) {
      failures.push({
        id: message.id,
        reason: `MessageTooLong: ${size} bytes exceed the limit of ${SNS_MAX_PAYLOAD_BYTES} bytes`,
        retryable: false,
      });
    } else {
      accepted.push({ ...message, size });
    }
  }
  const batches = packBatches(accepted, (p) => p.size, {
    maxEntries: SNS_MAX_BATCH_ENTRIES,
    maxBytes: SNS_MAX_PAYLOAD_BYTES,
  });
  const alone = options.loneMessageAsPublish === true && accepted.length === 1;
  const outcome = await deliverBatches(
    batches,
    (batch) => (alone ? publishOne(client, topicArn, batch) : publishBatch(client, topicArn, batch)),
    { retry: options.retry, isCallRetryable: isTransientAwsError },
  );
  failures.push(...outcome.failures);
  if (failures.length > 0) {
    const cause =
      outcome.callError === undefined ? undefined : translateAwsError(outcome.callError, destination);
    throw new DeliveryError(destination, failures, cause === undefined ? {} : { cause });
  }
}

/** A lone message goes out with Publish, whose failures are exceptions (retried whole) rather than a `Failed` list. */
async function publishOne(
  client: SNSClient,
  topicArn: string,
  batch: readonly Pending[],
): Promise<EntryFailure<Pending>[]> {
  for (const { entry } of batch) {
    await client.send(
      new PublishCommand({
        TopicArn: topicArn,
        Message: entry.Message,
        Subject: entry.Subject,
        MessageAttributes: entry.MessageAttributes,
      }),
    );
  }
  return [];
}

async function publishBatch(
  client: SNSClient,
  topicArn: string,
  batch: readonly Pending[],
): Promise<EntryFailure<Pending>[]> {
  const output = await client.send(
    new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: batch.map((p) => p.entry) }),
  );
  return failedEntries(batch, output, "SNS");
}

/** The size SNS counts for a message: body, subject, and each attribute's name, type and value. */
export function snsMessageSize(entry: Omit<PublishBatchRequestEntry, "Id">): number {
  let size = utf8Length(entry.Message ?? "") + utf8Length(entry.Subject ?? "");
  for (const [name, value] of Object.entries(entry.MessageAttributes ?? {})) {
    size += utf8Length(name) + utf8Length(value.DataType ?? "") + utf8Length(value.StringValue ?? "");
  }
  return size;
}
