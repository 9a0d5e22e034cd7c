import { describe, expect, it } from "vitest";
import { InvalidFilterPatternError } from "../../../../src/adapters/memory/event-pattern.js";
import { InMemoryQueue } from "../../../../src/adapters/memory/in-memory-queue.js";
import { InMemoryTopic, type SnsNotification } from "../../../../src/adapters/memory/in-memory-topic.js";
import type { Alert } from "../../../../src/ports/alert-publisher.js";
import { DeliveryError } from "../../../../src/ports/errors.js";
import { TestClock } from "./messaging-test-clock.js";

const fileRejected: Alert = {
  kind: "FILE_REJECTED",
  severity: "ERROR",
  subject: "File incoming/orders.jsonl rejected",
  message: "line 3: unexpected token",
  attributes: { fileKey: "incoming/orders.jsonl" },
};
const stuckOrder: Alert = {
  kind: "ORDER_STUCK",
  severity: "WARNING",
  subject: "Order o-1 stuck",
  message: "…",
};

/** A subscription's dead-letter queue. */
function dlq(clock: TestClock): InMemoryQueue {
  return new InMemoryQueue({ name: "subscription-dlq", clock });
}

function setup() {
  const clock = new TestClock(new Date("2026-05-04T12:34:56.789Z"));
  const topic = new InMemoryTopic({ name: "alerts", clock, region: "sa-east-1", accountId: "111122223333" });
  return { clock, topic };
}

describe("InMemoryTopic", () => {
  it("delivers an alert to a queue as the SNS notification JSON", async () => {
    const { clock, topic } = setup();
    const queue = new InMemoryQueue({ name: "ops", clock });
    topic.subscribe({ name: "ops", deadLetterQueue: dlq(clock), target: queue });
    await topic.publish([fileRejected]);

    const [message] = queue.receive();
    const notification = JSON.parse(message!.body) as SnsNotification;
    expect(notification).toEqual({
      Type: "Notification",
      MessageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      TopicArn: "arn:aws:sns:sa-east-1:111122223333:alerts",
      Subject: "File incoming/orders.jsonl rejected",
      Message: JSON.stringify({
        kind: "FILE_REJECTED",
        severity: "ERROR",
        subject: "File incoming/orders.jsonl rejected",
        message: "line 3: unexpected token",
        attributes: { fileKey: "incoming/orders.jsonl" },
      }),
      Timestamp: "2026-05-04T12:34:56.789Z",
      SignatureVersion: "1",
      Signature: "",
      SigningCertURL: "",
      UnsubscribeURL: "",
      MessageAttributes: {
        kind: { Type: "String", Value: "FILE_REJECTED" },
        severity: { Type: "String", Value: "ERROR" },
        fileKey: { Type: "String", Value: "incoming/orders.jsonl" },
      },
    });
    expect(message!.attributes).toEqual({});
  });

  it("delivers the bare message with its attributes to a raw subscriber", async () => {
    const { clock, topic } = setup();
    const queue = new InMemoryQueue({ name: "raw", clock });
    topic.subscribe({ name: "raw", deadLetterQueue: dlq(clock), target: queue, rawMessageDelivery: true });
    await topic.publishMessage({ message: "hello", attributes: { kind: "PING", priority: 3 } });
    expect(queue.receive()).toMatchObject([{ body: "hello", attributes: { kind: "PING", priority: "3" } }]);
  });

  it("fans out only to subscriptions whose filter policy matches", async () => {
    const { clock, topic } = setup();
    const errors = new InMemoryQueue({ name: "errors", clock });
    const files = new InMemoryQueue({ name: "files", clock });
    const everything: SnsNotification[] = [];
    topic.subscribe({
      name: "errors",
      deadLetterQueue: dlq(clock),
      target: errors,
      filterPolicy: { severity: ["ERROR"] },
    });
    topic.subscribe({
      name: "files",
      deadLetterQueue: dlq(clock),
      target: files,
      filterPolicy: { kind: [{ prefix: "FILE_" }] },
    });
    topic.subscribe({
      name: "body-filter",
      deadLetterQueue: dlq(clock),
      target: (notification) => {
        everything.push(notification);
      },
      filterPolicy: { severity: [{ "anything-but": "INFO" }] },
      filterPolicyScope: "MessageBody",
    });
    await topic.publish([fileRejected, stuckOrder, { ...stuckOrder, severity: "INFO" }]);

    expect(errors.size).toBe(1);
    expect(files.size).toBe(1);
    expect(everything.map((notification) => notification.Subject)).toEqual([
      fileRejected.subject,
      stuckOrder.subject,
    ]);
    expect(topic.published.map((message) => message.deliveredTo)).toEqual([
      ["errors", "files", "body-filter"],
      ["body-filter"],
      [],
    ]);
  });

  it("refuses alerts SNS would refuse and publishes the others", async () => {
    const { clock, topic } = setup();
    const queue = new InMemoryQueue({ name: "ops", clock });
    topic.subscribe({ name: "ops", deadLetterQueue: dlq(clock), target: queue });
    const tooLong = { ...stuckOrder, subject: "x".repeat(101) };
    const withNewline = { ...stuckOrder, subject: "two\nlines" };
    const publishing = topic.publish([tooLong, fileRejected, withNewline]);
    await expect(publishing).rejects.toBeInstanceOf(DeliveryError);
    await publishing.catch((error: DeliveryError) => {
      expect(error.failures.map((failure) => failure.id)).toEqual(["0", "2"]);
    });
    expect(queue.size).toBe(1);
    await expect(topic.publishMessage({ message: "x".repeat(262_145) })).rejects.toBeInstanceOf(
      DeliveryError,
    );
  });

  it("refuses invalid filter policies and FIFO queues on a standard topic", () => {
    const { clock, topic } = setup();
    const queue = new InMemoryQueue({ name: "ops", clock });
    expect(() =>
      topic.subscribe({
        name: "bad",
        deadLetterQueue: dlq(clock),
        target: queue,
        filterPolicy: { kind: [] },
      }),
    ).toThrow(InvalidFilterPatternError);
    const fifo = new InMemoryQueue({ name: "ops.fifo", clock });
    expect(() => topic.subscribe({ name: "fifo", deadLetterQueue: dlq(clock), target: fifo })).toThrow(
      RangeError,
    );
  });

  it("retries a failing subscriber, then sends what it would have received to the subscription's dead-letter queue", async () => {
    const { clock, topic } = setup();
    const queue = new InMemoryQueue({ name: "ops", clock });
    const deadLetterQueue = dlq(clock);
    topic.subscribe({ name: "ops", target: queue, deadLetterQueue, rawMessageDelivery: true });
    queue.failNext(3);
    await topic.publish([fileRejected]);
    expect(queue.size).toBe(0);
    const [dead] = deadLetterQueue.peek();
    expect(JSON.parse(dead!.body)).toMatchObject({ kind: "FILE_REJECTED" });
    expect(dead!.attributes).toEqual({
      fileKey: "incoming/orders.jsonl",
      kind: "FILE_REJECTED",
      severity: "ERROR",
    });
    expect(await deadLetterQueue.redrive()).toBe(1);
    expect(queue.size).toBe(1);
  });

  it("fails the publish only when the dead-letter queue refuses the message too", async () => {
    const { clock, topic } = setup();
    const deadLetterQueue = dlq(clock);
    let attempts = 0;
    topic.subscribe({
      name: "broken",
      deadLetterQueue,
      maximumRetryAttempts: 1,
      target: () => {
        attempts++;
        throw new Error("endpoint down");
      },
    });
    await topic.publishMessage({ message: "hi", subject: "Hi" });
    expect(attempts).toBe(2);
    expect(JSON.parse(deadLetterQueue.peek()[0]!.body)).toMatchObject({
      Type: "Notification",
      Message: "hi",
    });
    deadLetterQueue.failNext(1);
    await expect(topic.publishMessage({ message: "again" })).rejects.toMatchObject({
      failures: [{ reason: expect.stringContaining("endpoint down") }],
    });
  });
});
