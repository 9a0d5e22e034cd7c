import { createHash } from "node:crypto";
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListQueuesCommand,
  type Message,
  type MessageAttributeValue,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { DeadLetter } from "./backends.js";

/** A dead-lettered SQS message, as `dlq peek` and `redrive --dry-run` show it. */
export interface SqsDeadLetter extends DeadLetter {
  /** The queue that moved it here (SQS records it on messages moved by a redrive policy). */
  readonly sourceArn?: string | undefined;
  readonly messageAttributes: Readonly<Record<string, string>>;
}

export interface SqsRedriveOptions {
  readonly client: SQSClient;
  /** URL of the dead-letter queue. */
  readonly deadLetterQueueUrl: string;
  /**
   * URL of the queue to move messages to. Default: each message's source queue
   * (`DeadLetterQueueSourceArn`); for an event a bus rule could not deliver,
   * the rule's target queue (its `TARGET_ARN` attribute); else the dead-letter
   * queue's only source queue.
   */
  readonly targetQueueUrl?: string | undefined;
  /** Receive and show the messages, move nothing, and make them visible again. */
  readonly dryRun?: boolean | undefined;
  /** At most this many messages (default: all). */
  readonly max?: number | undefined;
  /** How long received messages stay hidden while being moved (default 60 s). */
  readonly visibilityTimeoutSeconds?: number | undefined;
  /** Long-poll wait of each receive (default 1 s; 0 for emulators that wait the full time). */
  readonly waitTimeSeconds?: number | undefined;
  /**
   * FIFO targets: send each message with its original deduplication id. Off by
   * default: SQS silently drops a message whose id it accepted in the last five
   * minutes, so a message dead-lettered soon after it was sent would vanish.
   * The default id is derived from the dead-letter message id instead, so a
   * redrive interrupted and run again still sends each message once.
   */
  readonly keepDeduplicationId?: boolean | undefined;
}

export interface SqsRedriveReport {
  readonly dryRun: boolean;
  readonly messages: readonly SqsDeadLetter[];
  /** Messages sent to their destination and deleted from the dead-letter queue. */
  readonly moved: number;
  /** Messages left in the dead-letter queue (or moved but not deleted), with why. */
  readonly failures: readonly { readonly messageId: string; readonly reason: string }[];
}

const BATCH = 10;

/**
 * Moves messages out of an SQS dead-letter queue with ReceiveMessage,
 * SendMessageBatch and DeleteMessageBatch, keeping body, message attributes and
 * (to a FIFO queue) the message group. A message is deleted only after its
 * destination accepted it, so a failure leaves it where it was; per-entry
 * failures are retried once and then reported, never dropped.
 */
export async function redriveSqsDeadLetters(options: SqsRedriveOptions): Promise<SqsRedriveReport> {
  const { client, deadLetterQueueUrl: dlq } = options;
  const max = options.max ?? Number.POSITIVE_INFINITY;
  const dryRun = options.dryRun ?? false;
  const destinations = new DestinationResolver(client, dlq, options.targetQueueUrl);
  const seen = new Set<string>();
  const messages: SqsDeadLetter[] = [];
  const failures: { messageId: string; reason: string }[] = [];
  const toRelease: string[] = [];
  /** Copies of messages already moved, delivered again (SQS delivers at least once): deleted, not moved twice. */
  const movedCopies: string[] = [];
  const movedIds = new Set<string>();
  let emptyReceives = 0;

  while (seen.size < max && emptyReceives < 2) {
    const received = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: dlq,
        MaxNumberOfMessages: Math.min(BATCH, max - seen.size),
        VisibilityTimeout: options.visibilityTimeoutSeconds ?? 60,
        WaitTimeSeconds: options.waitTimeSeconds ?? 1,
        AttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    // A message seen before is a duplicate delivery, or the receive went round (its visibility ran out).
    const fresh: Message[] = [];
    for (const message of received.Messages ?? []) {
      if (!message.MessageId || !message.ReceiptHandle) continue;
      if (seen.has(message.MessageId)) {
        const earlier = fresh.find((m) => m.MessageId === message.MessageId);
        // Only the latest receipt handle of a message deletes it.
        if (earlier) earlier.ReceiptHandle = message.ReceiptHandle;
        else if (movedIds.has(message.MessageId)) movedCopies.push(message.ReceiptHandle);
        else toRelease.push(message.ReceiptHandle);
        continue;
      }
      seen.add(message.MessageId);
      fresh.push(message);
    }
    if (fresh.length === 0) {
      emptyReceives++;
      continue;
    }
    emptyReceives = 0;
    const batch: { message: Message; view: SqsDeadLetter }[] = [];
    for (const message of fresh) {
      const view = toDeadLetter(message, await destinations.of(message));
      messages.push(view);
      batch.push({ message, view });
    }
    if (dryRun) {
      toRelease.push(...batch.map(({ message }) => message.ReceiptHandle!));
      continue;
    }
    const outcome = await moveBatch(client, dlq, batch, options.keepDeduplicationId ?? false);
    for (const id of outcome.movedIds) movedIds.add(id);
    failures.push(...outcome.failures);
    toRelease.push(...outcome.unmoved);
  }
  await release(client, dlq, toRelease);
  if (movedCopies.length > 0) await deleteAll(client, dlq, movedCopies);
  return { dryRun, messages, moved: movedIds.size, failures };
}

async function moveBatch(
  client: SQSClient,
  dlq: string,
  batch: readonly { message: Message; view: SqsDeadLetter }[],
  keepDeduplicationId: boolean,
): Promise<{ movedIds: string[]; failures: { messageId: string; reason: string }[]; unmoved: string[] }> {
  const failures: { messageId: string; reason: string }[] = [];
  const unmoved: string[] = [];
  const sent: Message[] = [];
  const byDestination = new Map<string, { message: Message; entry: SendMessageBatchRequestEntry }[]>();
  batch.forEach(({ message, view }, index) => {
    if (!view.destination) {
      failures.push({ messageId: view.messageId, reason: "its source queue is unknown; pass --to <queue>" });
      unmoved.push(message.ReceiptHandle!);
      return;
    }
    const fifo = view.destination.endsWith(".fifo");
    if (fifo && !view.groupId) {
      failures.push({
        messageId: view.messageId,
        reason: "a FIFO destination needs a message group id; it has none",
      });
      unmoved.push(message.ReceiptHandle!);
      return;
    }
    const entry: SendMessageBatchRequestEntry = {
      Id: String(index),
      MessageBody: message.Body ?? "",
      ...(message.MessageAttributes ? { MessageAttributes: copyAttributes(message.MessageAttributes) } : {}),
      ...(fifo
        ? {
            MessageGroupId: view.groupId,
            MessageDeduplicationId:
              keepDeduplicationId && view.deduplicationId
                ? view.deduplicationId
                : redriveDeduplicationId(view.messageId),
          }
        : {}),
    };
    const group = byDestination.get(view.destination) ?? [];
    group.push({ message, entry });
    byDestination.set(view.destination, group);
  });

  for (const [destination, entries] of byDestination) {
    let pending = entries;
    for (let attempt = 1; attempt <= 2 && pending.length > 0; attempt++) {
      const result = await client.send(
        new SendMessageBatchCommand({ QueueUrl: destination, Entries: pending.map((e) => e.entry) }),
      );
      const ok = new Set((result.Successful ?? []).map((s) => s.Id));
      const refused = new Map((result.Failed ?? []).map((f) => [f.Id, f]));
      for (const e of pending) if (ok.has(e.entry.Id)) sent.push(e.message);
      const notSent = pending.filter((e) => !ok.has(e.entry.Id));
      // A sender fault (a bad entry) fails again; only the service's own failures are worth a second try.
      const retry = attempt < 2 ? notSent.filter((e) => refused.get(e.entry.Id)?.SenderFault !== true) : [];
      for (const e of notSent.filter((e) => !retry.includes(e))) {
        const failure = refused.get(e.entry.Id);
        failures.push({
          messageId: e.message.MessageId!,
          reason:
            `${destination} refused it: ${failure?.Code ?? "no answer"} ${failure?.Message ?? ""}`.trim(),
        });
        unmoved.push(e.message.ReceiptHandle!);
      }
      pending = retry;
    }
  }

  const movedIds: string[] = [];
  for (let i = 0; i < sent.length; i += BATCH) {
    const chunk = sent.slice(i, i + BATCH);
    const result = await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlq,
        Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
    for (const ok of result.Successful ?? []) movedIds.push(chunk[Number(ok.Id)]!.MessageId!);
    for (const f of result.Failed ?? []) {
      const message = chunk[Number(f.Id)];
      failures.push({
        messageId: message?.MessageId ?? `entry ${f.Id}`,
        reason: `sent, but not deleted from the dead-letter queue (${f.Code ?? "error"}); it will show up there again`,
      });
    }
  }
  return { movedIds, failures, unmoved };
}

async function deleteAll(client: SQSClient, queueUrl: string, handles: readonly string[]): Promise<void> {
  for (let i = 0; i < handles.length; i += BATCH) {
    await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: handles.slice(i, i + BATCH).map((handle, j) => ({ Id: String(j), ReceiptHandle: handle })),
      }),
    );
  }
}

/** Makes messages received but not moved visible again at once, rather than after the visibility timeout. */
async function release(client: SQSClient, queueUrl: string, handles: readonly string[]): Promise<void> {
  for (let i = 0; i < handles.length; i += BATCH) {
    const chunk = handles.slice(i, i + BATCH);
    await client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((handle, j) => ({ Id: String(j), ReceiptHandle: handle, VisibilityTimeout: 0 })),
      }),
    );
  }
}

/** Stable per dead-letter message, unlike the original id (see `keepDeduplicationId`). */
export function redriveDeduplicationId(messageId: string): string {
  return `redrive-${createHash("sha256").update(messageId).digest("hex").slice(0, 48)}`;
}

function copyAttributes(
  attributes: Record<string, MessageAttributeValue>,
): Record<string, MessageAttributeValue> {
  const copy: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of Object.entries(attributes)) {
    copy[name] = {
      DataType: value.DataType,
      ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}),
    };
  }
  return copy;
}

function toDeadLetter(message: Message, destination: string | undefined): SqsDeadLetter {
  const attributes = (message.Attributes ?? {}) as Record<string, string | undefined>;
  const messageAttributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] =
      value.StringValue ?? (value.BinaryValue ? Buffer.from(value.BinaryValue).toString("base64") : "");
  }
  const sent = Number(attributes.SentTimestamp);
  return {
    messageId: message.MessageId!,
    body: message.Body ?? "",
    groupId: attributes.MessageGroupId,
    deduplicationId: attributes.MessageDeduplicationId,
    receiveCount: attributes.ApproximateReceiveCount ? Number(attributes.ApproximateReceiveCount) : undefined,
    sentAt: Number.isFinite(sent) && sent > 0 ? new Date(sent).toISOString() : undefined,
    sourceArn: attributes.DeadLetterQueueSourceArn,
    messageAttributes,
    destination,
  };
}

/** Where each message goes back to, looked up once per source queue. */
class DestinationResolver {
  private readonly urls = new Map<string, Promise<string | undefined>>();
  private onlySource: Promise<string | undefined> | undefined;

  constructor(
    private readonly client: SQSClient,
    private readonly deadLetterQueueUrl: string,
    private readonly target: string | undefined,
  ) {}

  async of(message: Message): Promise<string | undefined> {
    if (this.target) return this.target;
    // A queue's redrive policy records the source; EventBridge names the target it could not deliver to.
    const target = message.MessageAttributes?.TARGET_ARN?.StringValue;
    const arn =
      (message.Attributes as Record<string, string | undefined> | undefined)?.DeadLetterQueueSourceArn ??
      (target?.startsWith("arn:aws:sqs:") ? target : undefined);
    if (arn) {
      let url = this.urls.get(arn);
      if (!url) {
        url = this.urlOfArn(arn);
        this.urls.set(arn, url);
      }
      return url;
    }
    this.onlySource ??= this.client
      .send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: this.deadLetterQueueUrl }))
      .then((out) => (out.queueUrls?.length === 1 ? out.queueUrls[0] : undefined))
      .catch(() => undefined);
    return this.onlySource;
  }

  private async urlOfArn(arn: string): Promise<string | undefined> {
    const [, , , , account, name] = arn.split(":");
    if (!name) return undefined;
    const out = await this.client.send(
      new GetQueueUrlCommand({ QueueName: name, ...(account ? { QueueOwnerAWSAccountId: account } : {}) }),
    );
    return out.QueueUrl;
  }
}

/** A queue URL as given, or looked up by name. */
export async function queueUrlOf(client: SQSClient, nameOrUrl: string): Promise<string> {
  if (/^https?:\/\//.test(nameOrUrl)) return nameOrUrl;
  const out = await client.send(new GetQueueUrlCommand({ QueueName: nameOrUrl }));
  if (!out.QueueUrl) throw new Error(`no queue named ${nameOrUrl}`);
  return out.QueueUrl;
}

export interface SqsQueueDepth {
  readonly name: string;
  readonly url: string;
  readonly messages: number;
  readonly inFlight: number;
}

/** Dead-letter queues (names containing `dlq` or `dead`) whose names start with `prefix`, with their depth. */
export async function listSqsDeadLetterQueues(client: SQSClient, prefix: string): Promise<SqsQueueDepth[]> {
  const urls: string[] = [];
  let next: string | undefined;
  do {
    const out = await client.send(
      new ListQueuesCommand({
        QueueNamePrefix: prefix,
        MaxResults: 1000,
        ...(next ? { NextToken: next } : {}),
      }),
    );
    urls.push(...(out.QueueUrls ?? []));
    next = out.NextToken;
  } while (next);
  const dlqs = urls.filter((url) => /dlq|dead/i.test(url.slice(url.lastIndexOf("/") + 1)));
  return Promise.all(
    dlqs.map(async (url) => {
      const out = await client.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        }),
      );
      return {
        name: url.slice(url.lastIndexOf("/") + 1),
        url,
        messages: Number(out.Attributes?.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
      };
    }),
  );
}
