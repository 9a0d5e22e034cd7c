import {
  QueueDoesNotExist,
  RequestThrottled,
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  type SendMessageBatchCommandOutput,
  type SendMessageBatchRequestEntry,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-vitest/extend";
import { beforeEach, describe, expect, it } from "vitest";
import { SqsCommandQueue, sqsMessageSize } from "../../../src/adapters/aws/sqs-command-queue.js";
import type { QueueMessage } from "../../../src/ports/command-queue.js";
import { DeliveryError } from "../../../src/ports/errors.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const STANDARD_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/commands";
const FIFO_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/intake.fifo";

/** Retries without waiting, delays recorded. */
function fastRetry(attempts = 5) {
  const delays: number[] = [];
  return {
    delays,
    retry: { attempts, sleep: async (ms: number) => void delays.push(ms), random: () => 0.5 },
  };
}

type Failure = { code: string; senderFault: boolean; message?: string };

/**
 * An SQS double that answers each SendMessageBatch from a script: `failuresOf(body, call)`
 * decides whether the entry with that body fails in that call (1-based).
 */
function sqsDouble(failuresOf: (body: string, call: number) => Failure | undefined = () => undefined) {
  const client = new SQSClient({ region: "us-east-1" });
  const mock = mockClient(client);
  let call = 0;
  /** Entries SQS accepted, in the order it accepted them. */
  const delivered: SendMessageBatchRequestEntry[] = [];
  mock
    .on(SendMessageBatchCommand)
    .callsFake((input: SendMessageBatchCommandInput): SendMessageBatchCommandOutput => {
      call++;
      const entries = input.Entries ?? [];
      const failed = entries.flatMap((e) => {
        const failure = failuresOf(e.MessageBody ?? "", call);
        return failure
          ? [{ Id: e.Id, Code: failure.code, SenderFault: failure.senderFault, Message: failure.message }]
          : [];
      });
      const failedIds = new Set(failed.map((f) => f.Id));
      delivered.push(...entries.filter((e) => !failedIds.has(e.Id)));
      return {
        Successful: entries
          .filter((e) => !failedIds.has(e.Id))
          .map((e) => ({ Id: e.Id, MessageId: `mid-${e.Id}`, MD5OfMessageBody: "" })),
        Failed: failed,
        $metadata: {},
      } as SendMessageBatchCommandOutput;
    });
  const sentEntries = (): SendMessageBatchRequestEntry[][] =>
    mock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries ?? []);
  /** Bodies of the delivered entries of each message group, in delivery order. */
  const deliveredByGroup = (): Record<string, string[]> => {
    const byGroup: Record<string, string[]> = {};
    for (const e of delivered) {
      const group = e.MessageGroupId ?? "";
      byGroup[group] = [...(byGroup[group] ?? []), e.MessageBody ?? ""];
    }
    return byGroup;
  };
  return { client, mock, sentEntries, deliveredByGroup };
}

const messages = (n: number, extra: Partial<QueueMessage> = {}): QueueMessage[] =>
  Array.from({ length: n }, (_, i) => ({ id: `m${i}`, body: `body-${i}`, ...extra }));

async function deliveryErrorOf(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe("SqsCommandQueue packing", () => {
  it("sends 25 messages in 3 calls of 10, 10 and 5 entries, in order, with valid entry ids", async () => {
    const sqs = sqsDouble();
    const queue = new SqsCommandQueue({ client: sqs.client, queueUrl: STANDARD_URL });

    await queue.send(messages(25));

    expect(sqs.mock).toHaveReceivedCommandTimes(SendMessageBatchCommand, 3);
    expect(sqs.sentEntries().map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(
      sqs
        .sentEntries()
        .flat()
        .map((e) => e.MessageBody),
    ).toEqual(messages(25).map((m) => m.body));
    for (const entry of sqs.sentEntries().flat()) expect(entry.Id).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });

  it("closes a batch when the next message would pass 256 KiB, counting body and attributes", async () => {
    const sqs = sqsDouble();
    const queue = new SqsCommandQueue({ client: sqs.client, queueUrl: STANDARD_URL });
    // 131 072 bytes each: two fill a batch exactly; the attribute (name + "String" + value) counts.
    const half: QueueMessage = { body: "x".repeat(131_072 - 10), attributes: { ab: "xy" } };
    expect(sqsMessageSize(half)).toBe(131_072);

    await queue.send([half, half, half, { body: "small" }]);

    expect(sqs.sentEntries().map((batch) => batch.length)).toEqual([2, 2]);
  });

  it("splits large messages by size before the 10-entry limit", async () => {
    const sqs = sqsDouble();
    const queue = new SqsCommandQueue({ client: sqs.client, queueUrl: STANDARD_URL });

    await queue.send(Array.from({ length: 7 }, (_, i) => ({ body: `${i}`.repeat(100 * 1024) })));

    expect(sqs.sentEntries().map((batch) => batch.length)).toEqual([2, 2, 2, 1]);
  });

  it("refuses a message over the limit up front, names it, and still sends the others", async () => {
    const sqs = sqsDouble();
    const queue = new SqsCommandQueue({ client: sqs.client, queueUrl: STANDARD_URL });

    const error = await deliveryErrorOf(
      queue.send([
        { id: "ok-1", body: "a" },
        { id: "huge", body: "x".repeat(256 * 1024 + 1) },
        { id: "ok-2", body: "b" },
      ]),
    );

    expect(error.failures).toEqual([
      { id: "huge", reason: expect.stringContaining("MessageTooLong"), retryable: false },
    ]);
    expect(
      sqs
        .sentEntries()
        .flat()
        .map((e) => e.MessageBody),
    ).toEqual(["a", "b"]);
  });
});

describe("SqsCommandQueue FIFO", () => {
  it("sends group and deduplication ids on a FIFO queue (detected from the .fifo URL)", async () => {
    const sqs = sqsDouble();
    const queue = new SqsCommandQueue({ client: sqs.client, queueUrl: FIFO_URL });

    await queue.send([
      { body: "a", groupId: "order-1", deduplicationId: "cmd-1", attributes: { type: "PlaceOrder" } },
    ]);

    expect(queue.fifo).toBe(true);
    expect(sqs.sentEntries()[0]).toEqual([
      {
        Id: expect.any(String),
        MessageBody: "a",
        MessageGroupId: "order-1",
        MessageDeduplicationId: "cmd-1",
        MessageAttributes: { type: { DataType: "String", StringValue: "PlaceOrder" } },
      },
    ]);
  });

  it("leaves FIFO fields off a standard queue", async () => {
    const sqs = sqsDouble();
    const queue = new SqsCommandQueue({ client: sqs.client, queueUrl: STANDARD_URL });

    await queue.send([{ body: "a", groupId: "order-1", deduplicationId: "cmd-1", delaySeconds: 5 }]);

    expect(sqs.sentEntries()[0]).toEqual([{ Id: expect.any(String), MessageBody: "a", DelaySeconds: 5 }]);
  });

  it("refuses FIFO messages without a group id, and per-message delays, and sends the rest", async () => {
    const sqs = sqsDouble();
    const queue = new SqsCommandQueue({ client: sqs.client, queueUrl: FIFO_URL });

    const error = await deliveryErrorOf(
      queue.send([
        { id: "no-group", body: "a" },
        { id: "delayed", body: "b", groupId: "g", delaySeconds: 10 },
        { id: "fine", body: "c", groupId: "g", deduplicationId: "d" },
      ]),
    );

    expect(error.failures.map((f) => f.id)).toEqual(["no-group", "delayed"]);
    expect(
      sqs
        .sentEntries()
        .flat()
        .map((e) => e.MessageBody),
    ).toEqual(["c"]);
  });
});

describe("SqsCommandQueue FIFO order under failures", () => {
  const fifoMessages = (spec: string[]): QueueMessage[] =>
    spec.map((body) => ({ id: body, body, groupId: body[0]!, deduplicationId: `dedup-${body}` }));

  it("delivers a group in order when its first message fails once and the others would succeed at once", async () => {
    const sqs = sqsDouble((body, call) =>
      body === "A1" && call === 1 ? { code: "InternalError", senderFault: false } : undefined,
    );
    const queue = new SqsCommandQueue({ client: sqs.client, queueUrl: FIFO_URL, retry: fastRetry().retry });

    await queue.send(fifoMessages(["A1", "A2", "A3", "B1", "B2"]));

    expect(sqs.deliveredByGroup()).toEqual({ A: ["A1", "A2", "A3"], B: ["B1", "B2"] });
    for (const batch of sqs.sentEntries()) {
      const groups = batch.map((e) => e.MessageGroupId);
      expect(new Set(groups).size, "a group at most once per call").toBe(groups.length);
    }
  });

  it("does not send the later messages of a group whose message failed for good, names them, and sends the other groups", async () => {
    const sqs = sqsDouble((body) =>
      body === "A1" ? { code: "InternalError", senderFault: false, message: "boom" } : undefined,
    );
    const queue = new SqsCommandQueue({ client: sqs.client, queueUrl: FIFO_URL, retry: fastRetry(3).retry });

    const error = await deliveryErrorOf(queue.send(fifoMessages(["A1", "B1", "A2", "B2", "A3"])));

    expect(error.failures).toEqual([
      { id: "A1", reason: "InternalError: boom", retryable: true },
      { id: "A2", reason: "not sent: an earlier message of group A was not delivered" },
      { id: "A3", reason: "not sent: an earlier message of group A was not delivered" },
    ]);
    expect(sqs.deliveredByGroup()).toEqual({ B: ["B1", "B2"] });
    expect(
      sqs
        .sentEntries()
        .flat()
        .map((e) => e.MessageBody),
    ).not.toContain("A2");
  });

  it("still fills whole batches when every message has its own group", async () => {
    const sqs = sqsDouble();
    const queue = new SqsCommandQueue({ client: sqs.client, queueUrl: FIFO_URL });

    await queue.send(
      Array.from({ length: 25 }, (_, i) => ({
        body: `o${i}`,
        groupId: `order-${i}`,
        deduplicationId: `d${i}`,
      })),
    );

    expect(sqs.sentEntries().map((batch) => batch.length)).toEqual([10, 10, 5]);
  });
});

describe("SqsCommandQueue retries", () => {
  let fast: ReturnType<typeof fastRetry>;
  beforeEach(() => {
    fast = fastRetry();
  });

  it("retries a throttled call whole, then succeeds", async () => {
    const sqs = sqsDouble();
    sqs.mock
      .on(SendMessageBatchCommand)
      .rejectsOnce(new RequestThrottled({ message: "slow down", $metadata: {} }))
      .callsFake((input: SendMessageBatchCommandInput) => ({
        Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: "m", MD5OfMessageBody: "" })),
        Failed: [],
      }));
    const queue = new SqsCommandQueue({ client: sqs.client, queueUrl: STANDARD_URL, retry: fast.retry });

    await queue.send(messages(3));

    expect(sqs.sentEntries()).toHaveLength(2);
    expect(sqs.sentEntries()[1]).toEqual(sqs.sentEntries()[0]);
  });

  it("re-sends only the entries that failed, then succeeds", async () => {
    const sqs = sqsDouble((body, call) =>
      call === 1 && (body === "body-2" || body === "body-5")
        ? { code: "InternalError", senderFault: false }
        : undefined,
    );
    const queue = new SqsCommandQueue({ client: sqs.client, queueUrl: STANDARD_URL, retry: fast.retry });

    await queue.send(messages(8));

    expect(sqs.sentEntries()[0]).toHaveLength(8);
    expect(sqs.sentEntries()[1]!.map((e) => e.MessageBody)).toEqual(["body-2", "body-5"]);
    expect(sqs.sentEntries()).toHaveLength(2);
  });

  it("retries a throttled entry even though SQS blames the sender", async () => {
    const sqs = sqsDouble((body, call) =>
      call === 1 && body === "body-0" ? { code: "RequestThrottled", senderFault: true } : undefined,
    );
    const queue = new SqsCommandQueue({ client: sqs.client, queueUrl: STANDARD_URL, retry: fast.retry });

    await queue.send(messages(2));

    expect(sqs.sentEntries()[1]!.map((e) => e.MessageBody)).toEqual(["body-0"]);
  });

  it("re-sends an entry SQS reported neither as Successful nor as Failed", async () => {
    const sqs = sqsDouble();
    let call = 0;
    const delivered: string[] = [];
    sqs.mock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
      call++;
      // The first answer forgets body-1 altogether.
      const reported = (input.Entries ?? []).filter((e) => call > 1 || e.MessageBody !== "body-1");
      delivered.push(...reported.map((e) => e.MessageBody ?? ""));
      return {
        Successful: reported.map((e) => ({ Id: e.Id, MessageId: "m", MD5OfMessageBody: "" })),
        Failed: [],
      };
    });
    const queue = new SqsCommandQueue({ client: sqs.client, queueUrl: STANDARD_URL, retry: fast.retry });

    await queue.send(messages(3));

    expect(delivered.sort()).toEqual(["body-0", "body-1", "body-2"]);
  });

  it("names an entry SQS never reports once the attempts are spent", async () => {
    const sqs = sqsDouble();
    sqs.mock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
      Successful: (input.Entries ?? [])
        .filter((e) => e.MessageBody !== "body-1")
        .map((e) => ({ Id: e.Id, MessageId: "m", MD5OfMessageBody: "" })),
    }));
    const queue = new SqsCommandQueue({
      client: sqs.client,
      queueUrl: STANDARD_URL,
      retry: { ...fast.retry, attempts: 3 },
    });

    const error = await deliveryErrorOf(queue.send(messages(3)));

    expect(error.failures.map((f) => f.id)).toEqual(["m1"]);
    expect(error.failures[0]!.reason).toMatch(/^MissingEntryResult/);
    expect(sqs.sentEntries()).toHaveLength(3);
  });

  it("does not retry an entry refused for a sender fault, and names it", async () => {
    const sqs = sqsDouble((body) =>
      body === "body-1"
        ? { code: "InvalidParameterValue", senderFault: true, message: "bad attribute" }
        : undefined,
    );
    const queue = new SqsCommandQueue({ client: sqs.client, queueUrl: STANDARD_URL, retry: fast.retry });

    const error = await deliveryErrorOf(queue.send(messages(3)));

    expect(error.failures).toEqual([
      { id: "m1", reason: "InvalidParameterValue: bad attribute", retryable: false },
    ]);
    expect(error.retryable).toBe(false);
    expect(error.destination).toBe("commands");
    expect(sqs.sentEntries()).toHaveLength(1);
  });

  it("names every message still failing once the attempts are spent, with exponential, jittered delays", async () => {
    const sqs = sqsDouble((body) =>
      body === "body-3" || body === "body-12"
        ? { code: "InternalError", senderFault: false, message: "boom" }
        : undefined,
    );
    const queue = new SqsCommandQueue({
      client: sqs.client,
      queueUrl: STANDARD_URL,
      retry: { ...fast.retry, attempts: 4, baseDelayMs: 100, random: () => 0.99 },
    });

    const error = await deliveryErrorOf(queue.send(messages(15)));

    expect(error.code).toBe("DELIVERY_FAILED");
    expect(error.failures).toEqual([
      { id: "m3", reason: "InternalError: boom", retryable: true },
      { id: "m12", reason: "InternalError: boom", retryable: true },
    ]);
    // Batch 1 (10 entries) then 3 retries of m3; batch 2 (5 entries) then 3 retries of m12.
    expect(sqs.sentEntries().map((batch) => batch.length)).toEqual([10, 1, 1, 1, 5, 1, 1, 1]);
    expect(fast.delays).toEqual([99, 198, 396, 99, 198, 396]);
  });

  it("stops at an error no retry fixes and names every message not sent, with the error as cause", async () => {
    const sqs = sqsDouble();
    const missing = new QueueDoesNotExist({ message: "The specified queue does not exist.", $metadata: {} });
    sqs.mock.on(SendMessageBatchCommand).rejects(missing);
    const queue = new SqsCommandQueue({ client: sqs.client, queueUrl: STANDARD_URL, retry: fast.retry });

    const error = await deliveryErrorOf(queue.send(messages(15)));

    expect(error.failures.map((f) => f.id)).toEqual(messages(15).map((m) => m.id));
    expect(error.failures[0]!.reason).toContain("QueueDoesNotExist");
    expect(error.cause).toBe(missing);
    expect(sqs.sentEntries()).toHaveLength(1);
  });

  it("names the messages when throttling outlasts the attempts, with a retryable cause", async () => {
    const sqs = sqsDouble();
    sqs.mock
      .on(SendMessageBatchCommand)
      .rejects(new RequestThrottled({ message: "slow down", $metadata: {} }));
    const queue = new SqsCommandQueue({
      client: sqs.client,
      queueUrl: STANDARD_URL,
      retry: { ...fast.retry, attempts: 3 },
    });

    const error = await deliveryErrorOf(queue.send(messages(2)));

    expect(error.failures.map((f) => f.id)).toEqual(["m0", "m1"]);
    expect(error.cause).toMatchObject({ code: "SERVICE_UNAVAILABLE" });
    expect(sqs.sentEntries()).toHaveLength(3);
  });

  it("maps any message id to a distinct, valid entry id and reports failures under the caller's id", async () => {
    const sqs = sqsDouble((body, call) =>
      call === 1 && body === "b" ? { code: "InternalError", senderFault: false } : undefined,
    );
    const queue = new SqsCommandQueue({
      client: sqs.client,
      queueUrl: STANDARD_URL,
      retry: { ...fast.retry, attempts: 1 },
    });

    const error = await deliveryErrorOf(
      queue.send([
        { id: "order:1/cmd#1", body: "a" },
        { id: "order:1/cmd#1", body: "b" },
        { id: "ação ".repeat(40), body: "c" },
      ]),
    );

    const ids = sqs.sentEntries()[0]!.map((e) => e.Id!);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    expect(error.failures).toEqual([{ id: "order:1/cmd#1", reason: "InternalError", retryable: true }]);
  });
});
