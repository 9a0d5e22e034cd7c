import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { DrivenRecord, QueueDriver } from "../../src/entrypoints/in-memory/in-memory-orderflow.js";

const BATCH = 10;

/**
 * Drives an SQS queue for the pipeline's drain loop as a Lambda event source
 * mapping would: ReceiveMessage (every attribute), DeleteMessageBatch for the
 * records handled, ChangeMessageVisibilityBatch to 0 for the failed ones, so
 * the queue's redrive policy dead-letters them after `maxReceiveCount`.
 *
 * local-aws-sqs answers a ReceiveMessage at once only when it can fill
 * `MaxNumberOfMessages`, and otherwise waits 40 ms; so `receive` asks first how
 * many messages are visible and receives exactly that many (at most `max`).
 */
export class SqsQueueDriver implements QueueDriver {
  readonly name: string;
  private readonly client: SQSClient;
  private readonly queueUrl: string;

  constructor(options: { client: SQSClient; queueUrl: string; name?: string }) {
    this.client = options.client;
    this.queueUrl = options.queueUrl;
    this.name = options.name ?? options.queueUrl.split("/").pop()!;
  }

  async receive(max: number): Promise<readonly DrivenRecord[]> {
    const visible = (await this.counts()).visible;
    if (visible === 0) return [];
    const out = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: Math.min(max, visible),
        WaitTimeSeconds: 0,
        AttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    return (out.Messages ?? []).map((message) => this.toRecord(message));
  }

  async ack(records: readonly DrivenRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += BATCH) {
      const chunk = records.slice(i, i + BATCH);
      const out = await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
      if (out.Failed?.length)
        throw new Error(`${this.name}: DeleteMessageBatch failed: ${JSON.stringify(out.Failed)}`);
    }
  }

  async retry(records: readonly DrivenRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += BATCH) {
      const chunk = records.slice(i, i + BATCH);
      const out = await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((record, index) => ({
            Id: String(index),
            ReceiptHandle: record.receiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
      if (out.Failed?.length) {
        throw new Error(`${this.name}: ChangeMessageVisibilityBatch failed: ${JSON.stringify(out.Failed)}`);
      }
    }
  }

  async size(): Promise<number> {
    const { visible, inFlight, delayed } = await this.counts();
    return visible + inFlight + delayed;
  }

  private async counts(): Promise<{ visible: number; inFlight: number; delayed: number }> {
    const out = await this.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queueUrl,
        AttributeNames: [
          "ApproximateNumberOfMessages",
          "ApproximateNumberOfMessagesNotVisible",
          "ApproximateNumberOfMessagesDelayed",
        ],
      }),
    );
    const count = (name: string) => Number(out.Attributes?.[name as keyof typeof out.Attributes] ?? 0);
    return {
      visible: count("ApproximateNumberOfMessages"),
      inFlight: count("ApproximateNumberOfMessagesNotVisible"),
      delayed: count("ApproximateNumberOfMessagesDelayed"),
    };
  }

  private toRecord(message: Message): DrivenRecord {
    const messageAttributes: Record<string, { stringValue?: string; dataType: string }> = {};
    for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
      messageAttributes[name] = {
        ...(value.StringValue === undefined ? {} : { stringValue: value.StringValue }),
        dataType: value.DataType ?? "String",
      };
    }
    return {
      messageId: message.MessageId!,
      receiptHandle: message.ReceiptHandle!,
      body: message.Body ?? "",
      attributes: { ...message.Attributes },
      messageAttributes,
      eventSourceARN: this.queueUrl,
    };
  }
}
