import {
  type MessageAttributeValue,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  SQSClient,
} from "@aws-sdk/client-sqs";
import type { CommandQueue, QueueMessage } from "../../ports/command-queue.js";
import { DeliveryError, type DeliveryFailure } from "../../ports/errors.js";
import { isTransientAwsError, translateAwsError } from "./aws-errors.js";
import {
  deliverBatches,
  type EntryFailure,
  failedEntries,
  packBatches,
  packGroupedBatches,
  safeEntryId,
  utf8Length,
} from "./batching.js";
import { type AwsClientOptions, baseClientConfig } from "./client-options.js";
import type { RetryOptions } from "./retry.js";

/** SendMessageBatch accepts at most this many entries. */
export const SQS_MAX_BATCH_ENTRIES = 10;
/**
 * Default limit of one message and of one SendMessageBatch payload: 256 KiB,
 * the historical SQS quota (raised to 1 MiB in 2025; pass `maxPayloadBytes` to use more).
 */
export const SQS_DEFAULT_MAX_PAYLOAD_BYTES = 256 * 1024;
/** SQS accepts at most 10 message attributes per message. */
export const SQS_MAX_MESSAGE_ATTRIBUTES = 10;

/** The data type every orderflow attribute is sent with. */
const STRING_TYPE = "String";

export interface SqsCommandQueueOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /** For logs and errors; defaults to the last segment of `queueUrl`. */
  readonly name?: string | undefined;
  /** Defaults to whether `queueUrl` ends with `.fifo`. */
  readonly fifo?: boolean | undefined;
  /** Attempts (default 5, one per call), delays and jitter of the retries. */
  readonly retry?: Omit<RetryOptions, "isRetryable"> | undefined;
  /** Size limit of one message and of one batch; default {@link SQS_DEFAULT_MAX_PAYLOAD_BYTES}. */
  readonly maxPayloadBytes?: number | undefined;
}

/** An SQS client for {@link SqsCommandQueue}; created by the caller, never at import time. */
export function createSqsClient(options: AwsClientOptions = {}): SQSClient {
  return new SQSClient(baseClientConfig(options));
}

/**
 * Size of a message as SQS counts it against its payload quota: the UTF-8 bytes
 * of the body, plus, for each message attribute, the UTF-8 bytes of its name,
 * of its data type (`String`) and of its value. Group id, deduplication id,
 * delay and entry id do not count.
 */
export function sqsMessageSize(message: QueueMessage): number {
  let size = utf8Length(message.body);
  for (const [name, value] of Object.entries(message.attributes ?? {})) {
    size += utf8Length(name) + utf8Length(STRING_TYPE) + utf8Length(value);
  }
  return size;
}

interface Pending {
  /** The caller's message id, or its index in the `send` call. */
  readonly id: string;
  readonly entry: SendMessageBatchRequestEntry;
  readonly size: number;
  /** FIFO queues: the message group (every accepted FIFO message has one). */
  readonly group: string;
}

/**
 * {@link CommandQueue} on an SQS queue, standard or FIFO.
 *
 * - Messages go out with SendMessageBatch, packed in order into batches of at most
 *   10 entries whose sizes ({@link sqsMessageSize}) add up to at most the payload limit.
 * - Entry ids are derived from the position and the message id ({@link safeEntryId}),
 *   so any message id is accepted.
 * - FIFO queues: `groupId` becomes MessageGroupId (required), `deduplicationId`
 *   MessageDeduplicationId (when absent, the queue needs content-based
 *   deduplication); `delaySeconds` is refused, as SQS allows no per-message delay there.
 * - Entries reported in `Failed`, or in neither `Failed` nor `Successful`, are sent again, alone, with exponential backoff and
 *   full jitter when SQS did not blame the sender (`SenderFault` false) or throttled
 *   them; a throttled or failed (5xx) call is retried whole.
 * - FIFO order survives retries: a batch holds at most one message of each group
 *   ({@link packGroupedBatches}), batches go out one after the other, and a batch's
 *   failed entries are retried before the next batch is sent. When a message still
 *   fails after the retries, the later messages of its group are not sent (and are
 *   named in the DeliveryError), so a group never has a gap. A message refused up
 *   front (below) does not hold its group back: the CommandQueue contract has the
 *   others delivered, as every adapter does.
 * - A message that cannot be valid (too large, more than 10 attributes, an empty
 *   attribute value, FIFO rules) is refused up front; the others are still sent.
 * - After the retries, one DeliveryError names every message not sent, with SQS's
 *   code and message. An error no retry fixes (missing queue, access denied) stops
 *   the call: the messages not sent yet are named too, the error is the `cause`.
 */
export class SqsCommandQueue implements CommandQueue {
  readonly name: string;
  readonly fifo: boolean;
  private readonly client: SQSClient;
  private readonly queueUrl: string;
  private readonly retry: Omit<RetryOptions, "isRetryable"> | undefined;
  private readonly maxPayloadBytes: number;

  constructor(options: SqsCommandQueueOptions) {
    this.client = options.client;
    this.queueUrl = options.queueUrl;
    this.name = options.name ?? queueNameOf(options.queueUrl);
    this.fifo = options.fifo ?? options.queueUrl.endsWith(".fifo");
    this.retry = options.retry;
    this.maxPayloadBytes = options.maxPayloadBytes ?? SQS_DEFAULT_MAX_PAYLOAD_BYTES;
  }

  async send(messages: readonly QueueMessage[]): Promise<void> {
    const failures: DeliveryFailure[] = [];
    const accepted: Pending[] = [];
    messages.forEach((message, index) => {
      const id = message.id ?? String(index);
      const size = sqsMessageSize(message);
      const refusal = this.refusalOf(message, size);
      if (refusal !== undefined) failures.push({ id, reason: refusal, retryable: false });
      else
        accepted.push({
          id,
          size,
          group: message.groupId ?? "",
          entry: this.toEntry(message, safeEntryId(index, id)),
        });
    });

    const limits = { maxEntries: SQS_MAX_BATCH_ENTRIES, maxBytes: this.maxPayloadBytes };
    const batches = this.fifo
      ? packGroupedBatches(
          accepted,
          (p) => p.size,
          (p) => p.group,
          limits,
        )
      : packBatches(accepted, (p) => p.size, limits);
    const outcome = await deliverBatches(batches, (entries) => this.sendBatch(entries), {
      retry: this.retry,
      isCallRetryable: isTransientAwsError,
      groupOf: this.fifo ? (p: Pending) => p.group : undefined,
    });
    failures.push(...outcome.failures);
    if (failures.length > 0) {
      const cause =
        outcome.callError === undefined
          ? undefined
          : translateAwsError(outcome.callError, `SQS queue ${this.name}`);
      throw new DeliveryError(this.name, failures, cause === undefined ? {} : { cause });
    }
  }

  private async sendBatch(batch: readonly Pending[]): Promise<EntryFailure<Pending>[]> {
    const output = await this.client.send(
      new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: batch.map((p) => p.entry) }),
    );
    return failedEntries(batch, output, "SQS");
  }

  private refusalOf(message: QueueMessage, size: number): string | undefined {
    if (size > this.maxPayloadBytes) {
      return `MessageTooLong: ${size} bytes (body and attributes) exceed the limit of ${this.maxPayloadBytes} bytes`;
    }
    const attributes = Object.entries(message.attributes ?? {});
    if (attributes.length > SQS_MAX_MESSAGE_ATTRIBUTES) {
      return `TooManyAttributes: ${attributes.length} message attributes, SQS accepts ${SQS_MAX_MESSAGE_ATTRIBUTES}`;
    }
    const empty = attributes.find(([, value]) => value.length === 0);
    if (empty) return `InvalidAttributeValue: attribute ${empty[0]} is empty, SQS refuses empty values`;
    if (this.fifo && !message.groupId)
      return "MissingParameter: a FIFO queue needs a groupId on every message";
    if (this.fifo && message.delaySeconds !== undefined) {
      return "InvalidParameterValue: a FIFO queue accepts no per-message delaySeconds";
    }
    return undefined;
  }

  private toEntry(message: QueueMessage, entryId: string): SendMessageBatchRequestEntry {
    const attributes = Object.entries(message.attributes ?? {});
    return {
      Id: entryId,
      MessageBody: message.body,
      ...(attributes.length === 0
        ? {}
        : {
            MessageAttributes: Object.fromEntries(
              attributes.map(([name, value]): [string, MessageAttributeValue] => [
                name,
                { DataType: STRING_TYPE, StringValue: value },
              ]),
            ),
          }),
      ...(message.delaySeconds === undefined ? {} : { DelaySeconds: message.delaySeconds }),
      ...(this.fifo && message.groupId ? { MessageGroupId: message.groupId } : {}),
      ...(this.fifo && message.deduplicationId ? { MessageDeduplicationId: message.deduplicationId } : {}),
    };
  }
}

function queueNameOf(queueUrl: string): string {
  return queueUrl.replace(/\/+$/, "").split("/").pop() || queueUrl;
}
