import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  InMemoryQueue,
  type InMemoryQueueOptions,
  InvalidQueueRequestError,
} from "../../../../src/adapters/memory/in-memory-queue.js";
import type { ReceivedMessage } from "../../../../src/adapters/memory/sqs-record.js";
import { DeliveryError } from "../../../../src/ports/errors.js";
import { seededRandom, TestClock } from "./messaging-test-clock.js";

function fifoQueue(clock = new TestClock(), options: Partial<InMemoryQueueOptions> = {}) {
  return new InMemoryQueue({ name: "intake.fifo", clock, ...options });
}

function fifoMessage(groupId: string, body: string, deduplicationId = body) {
  return { groupId, body, deduplicationId };
}

function bodies(messages: readonly ReceivedMessage[]) {
  return messages.map((message) => message.body);
}

describe("InMemoryQueue (FIFO)", () => {
  it("delivers each group in send order and blocks a group while a message of it is in flight", async () => {
    const queue = fifoQueue();
    await queue.send([fifoMessage("a", "a1"), fifoMessage("b", "b1"), fifoMessage("a", "a2")]);

    const first = queue.receive({ max: 1 });
    expect(bodies(first)).toEqual(["a1"]);
    // a2 waits behind the in-flight a1; b1 is free.
    expect(bodies(queue.receive())).toEqual(["b1"]);
    expect(queue.receive()).toEqual([]);

    queue.delete(first[0]!.receiptHandle);
    expect(bodies(queue.receive())).toEqual(["a2"]);
  });

  it("returns several messages of one group, in order, in one receive", async () => {
    const queue = fifoQueue();
    await queue.send([fifoMessage("a", "a1"), fifoMessage("a", "a2"), fifoMessage("a", "a3")]);
    const received = queue.receive({ max: 10 });
    expect(bodies(received)).toEqual(["a1", "a2", "a3"]);
    const sequence = received.map((message) => BigInt(message.sequenceNumber!));
    expect(sequence[0]! < sequence[1]! && sequence[1]! < sequence[2]!).toBe(true);
  });

  it("keeps the group blocked until every received message of it is deleted or visible again", async () => {
    const clock = new TestClock();
    const queue = fifoQueue(clock);
    await queue.send([fifoMessage("a", "a1"), fifoMessage("a", "a2"), fifoMessage("a", "a3")]);
    const [a1, a2] = queue.receive({ max: 2 });
    queue.delete(a1!.receiptHandle);
    expect(queue.receive()).toEqual([]);
    queue.changeVisibility(a2!.receiptHandle, 0);
    // a2 comes back before a3: order holds across redelivery.
    expect(bodies(queue.receive())).toEqual(["a2", "a3"]);
  });

  it("does not hand out a visible message of a group while a later one of it is still in flight", async () => {
    const queue = fifoQueue();
    await queue.send([fifoMessage("a", "a1"), fifoMessage("a", "a2")]);
    const [a1, a2] = queue.receive();
    queue.changeVisibility(a1!.receiptHandle, 0);
    expect(queue.receive()).toEqual([]);
    queue.delete(a2!.receiptHandle);
    expect(bodies(queue.receive())).toEqual(["a1"]);
  });

  it("for any interleaving of sends and failures, each group is received in send order", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom("g1", "g2", "g3"), { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { maxLength: 200 }),
        fc.integer({ min: 1, max: 10 }),
        async (groups, failures, max) => {
          const clock = new TestClock();
          const queue = fifoQueue(clock);
          const sent = new Map<string, string[]>();
          const received = new Map<string, string[]>();
          for (const [index, group] of groups.entries()) {
            const body = `${group}-${index}`;
            sent.set(group, [...(sent.get(group) ?? []), body]);
            await queue.send([fifoMessage(group, body)]);
          }
          let step = 0;
          while (queue.size > 0) {
            const batch = queue.receive({ max });
            if (batch.length === 0) {
              clock.advance(30_000);
              continue;
            }
            for (const message of batch) {
              // A failed message stays and, like a Lambda FIFO batch, stops the rest of its group.
              if (failures[step++ % Math.max(failures.length, 1)] && step < 150) {
                for (const rest of batch.filter((m) => m.groupId === message.groupId && m !== message)) {
                  if (rest.sequenceNumber! > message.sequenceNumber!)
                    queue.changeVisibility(rest.receiptHandle, 0);
                }
                break;
              }
              received.set(message.groupId!, [...(received.get(message.groupId!) ?? []), message.body]);
              queue.delete(message.receiptHandle);
            }
          }
          expect(received).toEqual(sent);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("drops a duplicate deduplication id within 5 minutes and accepts it after", async () => {
    const clock = new TestClock();
    const queue = fifoQueue(clock);
    await queue.send([fifoMessage("a", "first", "d-1")]);
    const [first] = queue.receive();
    queue.delete(first!.receiptHandle);

    clock.advance(4 * 60_000 + 59_999);
    await queue.send([fifoMessage("a", "again", "d-1")]);
    expect(queue.size).toBe(0);

    clock.advance(1);
    await queue.send([fifoMessage("a", "after the window", "d-1")]);
    expect(bodies(queue.receive())).toEqual(["after the window"]);
  });

  it("deduplicates on the SHA-256 of the body with content-based deduplication", async () => {
    const queue = fifoQueue(new TestClock(), { contentBasedDeduplication: true });
    await queue.send([
      { groupId: "a", body: "same" },
      { groupId: "a", body: "same" },
      { groupId: "a", body: "other" },
    ]);
    const received = queue.receive();
    expect(bodies(received)).toEqual(["same", "other"]);
    expect(received[0]!.deduplicationId).toBe(createHash("sha256").update("same").digest("hex"));
  });

  it("refuses messages without group or deduplication id, stores the valid ones and names the others", async () => {
    const queue = fifoQueue();
    const sending = queue.send([
      { id: "no-group", body: "x", deduplicationId: "d1" },
      { id: "ok", body: "y", groupId: "g", deduplicationId: "d2" },
      { id: "no-dedup", body: "z", groupId: "g" },
    ]);
    await expect(sending).rejects.toBeInstanceOf(DeliveryError);
    await sending.catch((error: DeliveryError) => {
      expect(error.failures.map((failure) => failure.id)).toEqual(["no-group", "no-dedup"]);
    });
    expect(queue.peek().map((message) => message.body)).toEqual(["y"]);
  });

  it("fails injected sends as SQS's own errors (retryable), only for the messages they match", async () => {
    const queue = fifoQueue();
    queue.failNext(1, (message) => message.groupId === "b");
    const sending = queue.send([fifoMessage("a", "a1"), fifoMessage("b", "b1"), fifoMessage("b", "b2")]);
    await expect(sending).rejects.toMatchObject({ retryable: true, failures: [{ id: "1" }] });
    await sending.catch((error: DeliveryError) => {
      expect(error.failures[0]!.reason).toContain("InternalError");
    });
    expect(queue.peek().map((message) => message.body)).toEqual(["a1", "b2"]);
    await queue.send([fifoMessage("b", "b1")]);
    expect(queue.size).toBe(3);
  });

  it("a delayed head holds back its group", async () => {
    const clock = new TestClock();
    const queue = fifoQueue(clock);
    await queue.send([
      { ...fifoMessage("a", "a1"), delaySeconds: 10 },
      fifoMessage("a", "a2"),
      fifoMessage("b", "b1"),
    ]);
    expect(bodies(queue.receive())).toEqual(["b1"]);
    expect(queue.delayedCount).toBe(1);
    clock.advance(10_000);
    expect(bodies(queue.receive())).toEqual(["a1", "a2"]);
  });

  it("requires a FIFO dead-letter queue", () => {
    const clock = new TestClock();
    const standard = new InMemoryQueue({ name: "dlq", clock });
    expect(() => fifoQueue(clock, { maxReceiveCount: 3, deadLetterQueue: standard })).toThrow(RangeError);
  });
});

describe("InMemoryQueue (standard)", () => {
  it("hides a received message for the visibility timeout, then redelivers it with a higher count", async () => {
    const clock = new TestClock();
    const queue = new InMemoryQueue({ name: "work", clock, visibilityTimeoutSeconds: 30 });
    await queue.send([{ body: "job", attributes: { kind: "test" } }]);

    const [first] = queue.receive();
    expect(first).toMatchObject({ body: "job", attributes: { kind: "test" }, receiveCount: 1 });
    expect(queue.inFlightCount).toBe(1);
    expect(queue.nextVisibleAt()).toEqual(new Date(clock.now().getTime() + 30_000));
    clock.advance(29_999);
    expect(queue.receive()).toEqual([]);
    clock.advance(1);
    const [second] = queue.receive();
    expect(second).toMatchObject({ messageId: first!.messageId, receiveCount: 2 });
    expect(second!.receiptHandle).not.toBe(first!.receiptHandle);
    expect(second!.firstReceivedAt).toEqual(first!.firstReceivedAt);
  });

  it("ignores a delete with a stale receipt handle and refuses a forged one", async () => {
    const clock = new TestClock();
    const queue = new InMemoryQueue({ name: "work", clock, visibilityTimeoutSeconds: 1 });
    await queue.send([{ body: "job" }]);
    const [first] = queue.receive();
    clock.advance(1000);
    const [second] = queue.receive();

    queue.delete(first!.receiptHandle);
    expect(queue.size).toBe(1);
    expect(() => queue.changeVisibility(first!.receiptHandle, 10)).toThrow(InvalidQueueRequestError);
    expect(() => queue.delete("forged")).toThrow(InvalidQueueRequestError);

    queue.delete(second!.receiptHandle);
    expect(queue.size).toBe(0);
    // Deleting again is harmless, as in SQS.
    queue.delete(second!.receiptHandle);
  });

  it("accepts a handle it issued after its message is gone, and refuses altered or foreign ones", async () => {
    const clock = new TestClock();
    const queue = new InMemoryQueue({ name: "work", clock });
    const twin = new InMemoryQueue({ name: "work", clock });
    await queue.send([{ body: "job" }]);
    await twin.send([{ body: "job" }]);
    const [message] = queue.receive();
    const [foreign] = twin.receive();
    const handle = message!.receiptHandle;

    expect(() => queue.delete(foreign!.receiptHandle)).toThrow(/ReceiptHandleIsInvalid/);
    const altered = handle.replace(/\d$/, (digit) => String((Number(digit) + 1) % 10));
    expect(() => queue.delete(altered)).toThrow(/ReceiptHandleIsInvalid/);
    expect(() => queue.delete(`${handle}0`)).toThrow(/ReceiptHandleIsInvalid/);
    expect(queue.size).toBe(1);

    queue.delete(handle);
    expect(queue.size).toBe(0);
    queue.delete(handle);
    expect(() => queue.changeVisibility(handle, 0)).toThrow(/MessageNotInflight/);
    expect(twin.size).toBe(1);
  });

  it("receives a standard queue in send order, passing over messages in flight", async () => {
    const clock = new TestClock();
    const queue = new InMemoryQueue({ name: "work", clock });
    await queue.send(Array.from({ length: 10 }, (_, i) => ({ body: `m${i}` })));
    await queue.send(Array.from({ length: 10 }, (_, i) => ({ body: `m${10 + i}` })));
    const first = queue.receive({ max: 3 });
    const second = queue.receive({ max: 4 });
    expect(bodies(first)).toEqual(["m0", "m1", "m2"]);
    expect(bodies(second)).toEqual(["m3", "m4", "m5", "m6"]);
    queue.changeVisibility(first[1]!.receiptHandle, 0);
    for (const message of second) queue.delete(message.receiptHandle);
    expect(bodies(queue.receive({ max: 3 }))).toEqual(["m1", "m7", "m8"]);
    expect(queue.size).toBe(16);
  });

  it("keeps send order through a long drain, with messages left in flight behind its head", async () => {
    const clock = new TestClock();
    const queue = new InMemoryQueue({ name: "work", clock });
    for (let batch = 0; batch < 300; batch++) {
      await queue.send(Array.from({ length: 10 }, (_, i) => ({ body: `m${batch * 10 + i}` })));
    }
    const seen: string[] = [];
    let kept: string | undefined;
    for (;;) {
      const received = queue.receive({ max: 10 });
      if (received.length === 0) break;
      for (const message of received) {
        seen.push(message.body);
        // One early message stays in flight while the head moves far past it.
        if (message.body === "m5") kept = message.receiptHandle;
        else queue.delete(message.receiptHandle);
      }
    }
    expect(seen).toEqual(Array.from({ length: 3000 }, (_, i) => `m${i}`));
    queue.changeVisibility(kept!, 0);
    await queue.send([{ body: "late" }]);
    expect(bodies(queue.receive({ max: 10 }))).toEqual(["m5", "late"]);
  });

  it("extends or ends the visibility of an in-flight message", async () => {
    const clock = new TestClock();
    const queue = new InMemoryQueue({ name: "work", clock });
    await queue.send([{ body: "job" }]);
    const [message] = queue.receive();
    queue.changeVisibility(message!.receiptHandle, 120);
    clock.advance(100_000);
    expect(queue.receive()).toEqual([]);
    clock.advance(20_000);
    const [again] = queue.receive();
    queue.changeVisibility(again!.receiptHandle, 0);
    expect(queue.visibleCount).toBe(1);
    expect(() => queue.changeVisibility(again!.receiptHandle, 10)).toThrowError(/MessageNotInflight/);
  });

  it("moves a message to the DLQ instead of delivering it beyond maxReceiveCount, and redrives it back", async () => {
    const clock = new TestClock();
    const dlq = new InMemoryQueue({ name: "work-dlq", clock });
    const queue = new InMemoryQueue({ name: "work", clock, maxReceiveCount: 2, deadLetterQueue: dlq });
    await queue.send([{ body: "poison", attributes: { kind: "bad" } }]);

    for (const expectedCount of [1, 2]) {
      expect(queue.receive()[0]!.receiveCount).toBe(expectedCount);
      clock.advance(30_000);
    }
    expect(queue.receive()).toEqual([]);
    expect(queue.size).toBe(0);
    expect(dlq.peek()).toMatchObject([
      { body: "poison", attributes: { kind: "bad" }, deadLetteredFrom: "work" },
    ]);

    expect(await dlq.redrive()).toBe(1);
    expect(dlq.size).toBe(0);
    const [redriven] = queue.receive();
    expect(redriven).toMatchObject({ body: "poison", receiveCount: 1 });
  });

  it("keeps the group id when a FIFO queue dead-letters and redrives", async () => {
    const clock = new TestClock();
    const dlq = new InMemoryQueue({ name: "intake-dlq.fifo", clock });
    const queue = fifoQueue(clock, { maxReceiveCount: 1, deadLetterQueue: dlq });
    await queue.send([fifoMessage("order-1", "cmd")]);
    queue.receive();
    clock.advance(30_000);
    expect(queue.receive()).toEqual([]);
    expect(dlq.peek()).toMatchObject([{ groupId: "order-1", deduplicationId: "cmd" }]);
    const other = fifoQueue(clock);
    expect(await dlq.redrive(other, { max: 10 })).toBe(1);
    expect(other.receive()).toMatchObject([{ groupId: "order-1", body: "cmd" }]);
  });

  it("stores some messages twice (same message id) with a duplicate delivery rate", async () => {
    const queue = new InMemoryQueue({
      name: "work",
      clock: new TestClock(),
      duplicateDeliveryRate: 0.5,
      random: seededRandom(7),
    });
    await queue.send(Array.from({ length: 100 }, (_, i) => ({ body: `m${i}` })));
    expect(queue.size).toBeGreaterThan(120);
    expect(queue.size).toBeLessThan(180);
    const received: ReceivedMessage[] = [];
    for (let batch = queue.receive(); batch.length > 0; batch = queue.receive()) received.push(...batch);
    const ids = received.map((message) => message.messageId);
    expect(new Set(ids).size).toBe(100);
    expect(new Set(bodies(received)).size).toBe(100);
  });

  it("receives in random but reproducible order with reorder", async () => {
    const run = async () => {
      const queue = new InMemoryQueue({
        name: "work",
        clock: new TestClock(),
        reorder: true,
        random: seededRandom(3),
      });
      await queue.send(Array.from({ length: 10 }, (_, i) => ({ body: `m${i}` })));
      return bodies(queue.receive());
    };
    const order = await run();
    expect(order).not.toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
    expect([...order].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`).sort());
    expect(await run()).toEqual(order);
  });

  it("honours delays and reports when the next message becomes visible", async () => {
    const clock = new TestClock();
    const queue = new InMemoryQueue({ name: "work", clock });
    await queue.send([{ body: "later", delaySeconds: 60 }]);
    expect([queue.visibleCount, queue.delayedCount, queue.size]).toEqual([0, 1, 1]);
    expect(queue.nextVisibleAt()).toEqual(new Date(clock.now().getTime() + 60_000));
    clock.advance(60_000);
    expect(bodies(queue.receive())).toEqual(["later"]);
    expect(queue.nextVisibleAt()).toEqual(new Date(clock.now().getTime() + 30_000));
  });

  it.each([
    ["an oversized body", { body: "x".repeat(262_145) }],
    [
      "a body and attributes over 256 KiB",
      { body: "x".repeat(262_100), attributes: { big: "y".repeat(100) } },
    ],
    ["an empty body", { body: "" }],
    ["a forbidden character", { body: "a\u0000b" }],
    ["a delay over 900 s", { body: "x", delaySeconds: 901 }],
    [
      "eleven attributes",
      { body: "x", attributes: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, "v"])) },
    ],
    ["a reserved attribute name", { body: "x", attributes: { "AWS.trace": "v" } }],
    ["an empty attribute", { body: "x", attributes: { a: "" } }],
  ])("refuses %s with a DeliveryError naming the message", async (_name, message) => {
    const queue = new InMemoryQueue({ name: "work", clock: new TestClock() });
    await expect(queue.send([{ id: "m-1", ...message }])).rejects.toMatchObject({
      code: "DELIVERY_FAILED",
      failures: [{ id: "m-1" }],
    });
    expect(queue.size).toBe(0);
  });

  it("accepts exactly 256 KiB", async () => {
    const queue = new InMemoryQueue({ name: "work", clock: new TestClock() });
    await queue.send([{ body: "x".repeat(262_144) }]);
    expect(queue.size).toBe(1);
  });

  it("refuses receive options SQS refuses", () => {
    const queue = new InMemoryQueue({ name: "work", clock: new TestClock() });
    expect(() => queue.receive({ max: 11 })).toThrow(InvalidQueueRequestError);
    expect(() => queue.receive({ visibilityTimeoutSeconds: 43_201 })).toThrow(InvalidQueueRequestError);
  });

  it("purges everything", async () => {
    const queue = new InMemoryQueue({ name: "work", clock: new TestClock() });
    await queue.send([{ body: "a" }, { body: "b", delaySeconds: 5 }]);
    queue.receive({ max: 1 });
    queue.purge();
    expect(queue.size).toBe(0);
  });
});

describe("InMemoryQueue.toSqsRecord", () => {
  it("builds the record of a Lambda SQS event for a FIFO message", async () => {
    const clock = new TestClock(new Date("2026-03-01T10:00:00.000Z"));
    const queue = fifoQueue(clock);
    await queue.send([
      { groupId: "o-1", deduplicationId: "d-1", body: '{"a":1}', attributes: { type: "PlaceOrder" } },
    ]);
    clock.advance(250);
    const [message] = queue.receive();
    const record = queue.toSqsRecord(message!, { region: "sa-east-1", accountId: "111122223333" });
    // As a Lambda event carries it: JSON (the digests, computed when read, are included).
    expect(JSON.parse(JSON.stringify(record))).toEqual({
      messageId: message!.messageId,
      receiptHandle: message!.receiptHandle,
      body: '{"a":1}',
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: String(Date.parse("2026-03-01T10:00:00.000Z")),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: String(Date.parse("2026-03-01T10:00:00.250Z")),
        SequenceNumber: message!.sequenceNumber,
        MessageGroupId: "o-1",
        MessageDeduplicationId: "d-1",
      },
      messageAttributes: {
        type: { stringValue: "PlaceOrder", stringListValues: [], binaryListValues: [], dataType: "String" },
      },
      md5OfBody: createHash("md5").update('{"a":1}').digest("hex"),
      md5OfMessageAttributes: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:sa-east-1:111122223333:intake.fifo",
      awsRegion: "sa-east-1",
    });
    expect(record.md5OfBody).toBe(createHash("md5").update('{"a":1}').digest("hex"));
  });

  it("omits FIFO attributes on a standard queue and computes SQS's attribute MD5", async () => {
    const queue = new InMemoryQueue({ name: "work", clock: new TestClock() });
    await queue.send([{ body: "x", attributes: { b: "2", a: "1" } }, { body: "y" }]);
    const [withAttributes, without] = queue.receive();
    const record = queue.toSqsRecord(withAttributes!);
    expect(Object.keys(record.attributes).sort()).toEqual(
      ["ApproximateFirstReceiveTimestamp", "ApproximateReceiveCount", "SenderId", "SentTimestamp"].sort(),
    );
    expect(record.eventSourceARN).toBe("arn:aws:sqs:us-east-1:123456789012:work");
    // Length-prefixed name, type, transport byte 1 and value per attribute, sorted by name.
    const encode = (text: string) => {
      const bytes = Buffer.from(text);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(bytes.length);
      return Buffer.concat([length, bytes]);
    };
    const expected = createHash("md5")
      .update(
        Buffer.concat(
          ["a", "b"].flatMap((name) => [
            encode(name),
            encode("String"),
            Buffer.from([1]),
            encode(name === "a" ? "1" : "2"),
          ]),
        ),
      )
      .digest("hex");
    expect(record.md5OfMessageAttributes).toBe(expected);
    expect(queue.toSqsRecord(without!).md5OfMessageAttributes).toBeNull();
  });
});
