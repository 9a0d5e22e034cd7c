import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  listSqsDeadLetterQueues,
  redriveDeduplicationId,
  redriveSqsDeadLetters,
} from "../../../src/entrypoints/cli/sqs-dead-letters.js";
import { type SqsEmulator, startSqs } from "../../support/sqs-emulator.js";

let sqs: SqsEmulator;
beforeAll(async () => {
  sqs = await startSqs();
});
afterAll(async () => {
  await sqs?.stop();
});

async function depth(client: SQSClient, url: string): Promise<number> {
  const out = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }),
  );
  return (
    Number(out.Attributes?.ApproximateNumberOfMessages) +
    Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible)
  );
}

async function receiveAll(client: SQSClient, url: string) {
  const messages = [];
  for (let i = 0; i < 5; i++) {
    const out = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 60,
        AttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    messages.push(...(out.Messages ?? []));
  }
  return messages;
}

/** A FIFO source whose messages go to its dead-letter queue after one receive, and the DLQ filled through it. */
async function deadLettered(prefix: string, count: number) {
  const dlq = await sqs.createQueue(`${prefix}-dlq.fifo`);
  const { Attributes } = await sqs.client.send(
    new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["QueueArn"] }),
  );
  const source = await sqs.createQueue(`${prefix}.fifo`, {
    RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: 1 }),
  });
  await sqs.client.send(
    new SendMessageBatchCommand({
      QueueUrl: source,
      Entries: Array.from({ length: count }, (_, i) => ({
        Id: String(i),
        MessageBody: JSON.stringify({ type: "PlaceOrder", n: i }),
        MessageGroupId: `order-${i % 2}`,
        MessageDeduplicationId: `place-${i}`,
        MessageAttributes: {
          type: { DataType: "String", StringValue: "PlaceOrder" },
          correlationId: { DataType: "String", StringValue: `c-${i}` },
        },
      })),
    }),
  );
  // Receive without deleting until the redrive policy has moved everything.
  for (let i = 0; i < 20 && (await depth(sqs.client, dlq)) < count; i++) {
    await sqs.client.send(
      new ReceiveMessageCommand({
        QueueUrl: source,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 0,
      }),
    );
  }
  expect(await depth(sqs.client, dlq)).toBe(count);
  return { dlq, source };
}

describe("redriving an SQS dead-letter queue", () => {
  it("a dry run shows the messages with their destination and leaves them in the queue", async () => {
    const { dlq, source } = await deadLettered("dry", 3);
    const report = await redriveSqsDeadLetters({
      client: sqs.client,
      deadLetterQueueUrl: dlq,
      dryRun: true,
      waitTimeSeconds: 0,
    });
    expect(report.moved).toBe(0);
    expect(report.messages).toHaveLength(3);
    expect(report.messages.every((m) => m.destination === source)).toBe(true);
    expect(report.messages.map((m) => m.groupId).sort()).toEqual(["order-0", "order-0", "order-1"]);
    expect(report.messages[0]?.messageAttributes.type).toBe("PlaceOrder");
    expect(await depth(sqs.client, dlq)).toBe(3);
    // Released at once: a receive finds them without waiting for the visibility timeout.
    expect(await receiveAll(sqs.client, dlq)).toHaveLength(3);
  });

  it("moves every message back to its source queue with its group and attributes", async () => {
    const { dlq, source } = await deadLettered("move", 3);
    const report = await redriveSqsDeadLetters({
      client: sqs.client,
      deadLetterQueueUrl: dlq,
      waitTimeSeconds: 0,
    });
    expect(report).toMatchObject({ dryRun: false, moved: 3, failures: [] });
    expect(await depth(sqs.client, dlq)).toBe(0);
    const back = await receiveAll(sqs.client, source);
    expect(back.map((m) => JSON.parse(m.Body!).n).sort()).toEqual([0, 1, 2]);
    for (const message of back) {
      const n = JSON.parse(message.Body!).n as number;
      expect(message.Attributes?.MessageGroupId).toBe(`order-${n % 2}`);
      expect(message.MessageAttributes?.correlationId?.StringValue).toBe(`c-${n}`);
      expect(message.Attributes?.MessageDeduplicationId).toMatch(/^redrive-[0-9a-f]{48}$/);
    }
  });

  it("moves at most --max messages, to the queue given", async () => {
    const { dlq } = await deadLettered("max", 3);
    const elsewhere = await sqs.createQueue("max-elsewhere.fifo");
    const report = await redriveSqsDeadLetters({
      client: sqs.client,
      deadLetterQueueUrl: dlq,
      targetQueueUrl: elsewhere,
      max: 2,
      keepDeduplicationId: true,
      waitTimeSeconds: 0,
    });
    expect(report.moved).toBe(2);
    expect(await depth(sqs.client, dlq)).toBe(1);
    const moved = await receiveAll(sqs.client, elsewhere);
    expect(moved).toHaveLength(2);
    expect(
      moved.map((m) => m.Attributes?.MessageDeduplicationId).every((id) => id?.startsWith("place-")),
    ).toBe(true);
  });

  it("leaves in place what a FIFO destination cannot take, and says why", async () => {
    const standardDlq = await sqs.createQueue("std-dlq");
    await sqs.client.send(
      new SendMessageBatchCommand({ QueueUrl: standardDlq, Entries: [{ Id: "0", MessageBody: "no group" }] }),
    );
    const fifo = await sqs.createQueue("std-target.fifo");
    const report = await redriveSqsDeadLetters({
      client: sqs.client,
      deadLetterQueueUrl: standardDlq,
      targetQueueUrl: fifo,
      waitTimeSeconds: 0,
    });
    expect(report.moved).toBe(0);
    expect(report.failures).toEqual([
      { messageId: expect.any(String), reason: expect.stringContaining("group id") },
    ]);
    expect(await depth(sqs.client, standardDlq)).toBe(1);
  });

  it("moves an event a bus rule could not deliver to the rule's target queue (its TARGET_ARN)", async () => {
    const ruleDlq = await sqs.createQueue("rule-cancel-rule-dlq");
    const target = await sqs.createQueue("rule-cancel");
    const { Attributes } = await sqs.client.send(
      new GetQueueAttributesCommand({ QueueUrl: target, AttributeNames: ["QueueArn"] }),
    );
    const envelope = JSON.stringify({ "detail-type": "CancellationRequested", detail: { orderId: "o-1" } });
    // What EventBridge puts in a target's dead-letter queue: the event, and attributes naming rule, target and error.
    const attributes = {
      RULE_ARN: "arn:aws:events:us-east-1:000000000000:rule/orders/cancel",
      TARGET_ARN: Attributes!.QueueArn!,
      ERROR_CODE: "ERROR_FROM_TARGET",
      ERROR_MESSAGE: "InternalError",
    };
    await sqs.client.send(
      new SendMessageBatchCommand({
        QueueUrl: ruleDlq,
        Entries: [
          {
            Id: "0",
            MessageBody: envelope,
            MessageAttributes: Object.fromEntries(
              Object.entries(attributes).map(([name, value]) => [
                name,
                { DataType: "String", StringValue: value },
              ]),
            ),
          },
        ],
      }),
    );
    const report = await redriveSqsDeadLetters({
      client: sqs.client,
      deadLetterQueueUrl: ruleDlq,
      waitTimeSeconds: 0,
    });
    expect(report).toMatchObject({ moved: 1, failures: [] });
    expect((await receiveAll(sqs.client, target)).map((m) => m.Body)).toEqual([envelope]);
    expect(await depth(sqs.client, ruleDlq)).toBe(0);
  });

  it("lists dead-letter queues by prefix with their depth", async () => {
    await deadLettered("listed", 2);
    const queues = await listSqsDeadLetterQueues(sqs.client, "listed");
    expect(queues).toEqual([expect.objectContaining({ name: "listed-dlq.fifo", messages: 2 })]);
  });

  it("derives a deduplication id that is stable per message and fits SQS", () => {
    expect(redriveDeduplicationId("m-1")).toBe(redriveDeduplicationId("m-1"));
    expect(redriveDeduplicationId("m-1")).not.toBe(redriveDeduplicationId("m-2"));
    expect(redriveDeduplicationId("m-1").length).toBeLessThanOrEqual(128);
  });
});
