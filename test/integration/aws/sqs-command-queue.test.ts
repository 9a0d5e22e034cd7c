import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSqsClient, SqsCommandQueue } from "../../../src/adapters/aws/sqs-command-queue.js";
import {
  type CommandQueueSubject,
  describeCommandQueueContract,
  type ReceivedQueueMessage,
} from "../../../src/ports/contracts/command-queue.contract.js";
import { countRequests } from "../../support/request-counter.js";
import { type SqsEmulator, startSqs } from "../../support/sqs-emulator.js";

let sqs: SqsEmulator;
let standardUrl: string;
let fifoUrl: string;

beforeAll(async () => {
  sqs = await startSqs();
  standardUrl = await sqs.createQueue("orderflow-commands");
  fifoUrl = await sqs.createQueue("orderflow-intake.fifo");
});
afterAll(async () => {
  await sqs?.stop();
});

/** Receives and deletes everything the queue holds, with short polls, until a poll comes back empty. */
async function receiveAll(client: SQSClient, queueUrl: string): Promise<ReceivedQueueMessage[]> {
  const received: ReceivedQueueMessage[] = [];
  for (;;) {
    const { Messages = [] } = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        AttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    if (Messages.length === 0) return received;
    for (const m of Messages) {
      received.push({
        body: m.Body ?? "",
        groupId: m.Attributes?.MessageGroupId,
        deduplicationId: m.Attributes?.MessageDeduplicationId,
        attributes: Object.fromEntries(
          Object.entries(m.MessageAttributes ?? {}).map(([name, value]) => [name, value.StringValue ?? ""]),
        ),
      });
    }
    await client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}

function subject(queueUrl: string): CommandQueueSubject {
  const queue = new SqsCommandQueue({ client: sqs.client, queueUrl, retry: { baseDelayMs: 1 } });
  return { queue, fifo: queue.fifo, receiveAll: () => receiveAll(sqs.client, queueUrl) };
}

describeCommandQueueContract("SqsCommandQueue (standard queue, local-aws-sqs)", () => subject(standardUrl));
describeCommandQueueContract("SqsCommandQueue (FIFO queue, local-aws-sqs)", () => subject(fifoUrl));

describe("SqsCommandQueue on local-aws-sqs", () => {
  /** A client of its own, so counting its requests counts only this test's. */
  function freshClient(): SQSClient {
    return createSqsClient({
      endpoint: sqs.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "l", secretAccessKey: "l" },
    });
  }

  it("sends 25 messages in ⌈25/10⌉ = 3 SendMessageBatch calls", async () => {
    const url = await sqs.createQueue(`count-${Date.now()}`);
    const client = freshClient();
    const counter = countRequests(client);
    const queue = new SqsCommandQueue({ client, queueUrl: url });

    await queue.send(Array.from({ length: 25 }, (_, i) => ({ body: `m${i}` })));

    expect(counter.byCommand).toEqual({ SendMessageBatch: 3 });
    expect((await receiveAll(sqs.client, url)).map((m) => m.body).sort()).toEqual(
      Array.from({ length: 25 }, (_, i) => `m${i}`).sort(),
    );
    client.destroy();
  });

  it("splits by size: four 100 KiB messages need two batches of 256 KiB", async () => {
    const url = await sqs.createQueue(`size-${Date.now()}`);
    const client = freshClient();
    const counter = countRequests(client);
    const queue = new SqsCommandQueue({ client, queueUrl: url });
    const bodies = ["a", "b", "c", "d"].map((c) => c.repeat(100 * 1024));

    await queue.send(bodies.map((body) => ({ body })));

    expect(counter.byCommand).toEqual({ SendMessageBatch: 2 });
    expect((await receiveAll(sqs.client, url)).map((m) => m.body).sort()).toEqual(bodies);
    client.destroy();
  });

  it("accepts message ids SQS would refuse as entry ids", async () => {
    const url = await sqs.createQueue(`ids-${Date.now()}`);
    const queue = new SqsCommandQueue({ client: sqs.client, queueUrl: url });
    const ids = ["order:42/cmd#1", "ação ✓", "x".repeat(200), "order:42/cmd#1"];

    await queue.send(ids.map((id, i) => ({ id, body: `body ${i}` })));

    expect((await receiveAll(sqs.client, url)).map((m) => m.body).sort()).toEqual([
      "body 0",
      "body 1",
      "body 2",
      "body 3",
    ]);
  });

  it("names every message when the queue does not exist", async () => {
    const queue = new SqsCommandQueue({
      client: sqs.client,
      queueUrl: `${sqs.endpoint}/123456789012/missing-queue`,
      retry: { attempts: 2, baseDelayMs: 1 },
    });

    const error = await queue
      .send([
        { id: "a", body: "1" },
        { id: "b", body: "2" },
      ])
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "DELIVERY_FAILED", destination: "missing-queue" });
    expect((error as { failures: { id: string }[] }).failures.map((f) => f.id)).toEqual(["a", "b"]);
  });
});
