import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/adapters/memory/clocks.js";
import { InMemoryQueue } from "../../../src/adapters/memory/in-memory-queue.js";
import {
  InvalidReceiptHandleError,
  PostgresQueue,
  type PostgresQueueOptions,
} from "../../../src/adapters/postgres/postgres-queue.js";
import type { SqlClient } from "../../../src/adapters/postgres/sql-client.js";
import { InMemoryQueueDriver } from "../../../src/entrypoints/in-memory/pipeline-queues.js";
import { PostgresQueueDriver } from "../../../src/entrypoints/postgres/postgres-queue-driver.js";
import type { ReceivedMessage } from "../../../src/ports/command-queue.js";
import {
  type CommandQueueSubject,
  describeCommandQueueContract,
  type ReceivedQueueMessage,
} from "../../../src/ports/contracts/command-queue.contract.js";
import { uniqueId } from "../../../src/ports/contracts/order-mother.js";
import { DeliveryError, ServiceUnavailableError } from "../../../src/ports/errors.js";
import { type PostgresTestDatabase, usePostgresEngines } from "../../support/postgres-engines.js";

// PostgresQueue on PGlite and on a real server: the CommandQueue contract
// unchanged on a standard and a FIFO queue, then the SQS semantics beyond the
// port, the driver's records, and (on the server) receivers racing on one queue.

const engines = usePostgresEngines();

/** Receives (and deletes) everything deliverable now, in delivery order. */
async function drain(queue: PostgresQueue): Promise<ReceivedMessage[]> {
  const all: ReceivedMessage[] = [];
  for (;;) {
    const batch = await queue.receive({ max: 10 });
    if (batch.length === 0) return all;
    all.push(...batch);
    await queue.deleteBatch(batch.map((m) => m.receiptHandle));
  }
}

/** A client that counts the statements sent through it. */
function counting(client: SqlClient): { client: SqlClient; statements: () => number } {
  let count = 0;
  const counted: SqlClient = {
    query: (text, params) => {
      count++;
      return client.query(text, params);
    },
    transaction: (work) => client.transaction(work),
    close: () => client.close(),
  };
  return { client: counted, statements: () => count };
}

function queueOn(
  db: PostgresTestDatabase,
  options: Partial<PostgresQueueOptions> & { readonly fifo?: boolean } = {},
): { queue: PostgresQueue; clock: ManualClock } {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock();
  const fifo = options.fifo ?? false;
  const name = options.name ?? uniqueId("q") + (fifo ? ".fifo" : "");
  return { queue: new PostgresQueue(db.client(), { ...options, name, clock, fifo }), clock };
}

for (const engine of engines) {
  engine.describe("PostgresQueue", (db) => {
    for (const fifo of [false, true]) {
      describeCommandQueueContract(
        `PostgresQueue (${fifo ? "FIFO" : "standard"})`,
        (): CommandQueueSubject => {
          const { queue } = queueOn(db, { fifo });
          return {
            queue,
            fifo,
            async receiveAll(): Promise<readonly ReceivedQueueMessage[]> {
              return (await drain(queue)).map(({ body, groupId, deduplicationId, attributes }) => ({
                body,
                groupId,
                deduplicationId,
                attributes,
              }));
            },
          };
        },
      );
    }

    it("hides a received message for the visibility timeout, then delivers it again with a new handle; the old one settles nothing", async () => {
      const { queue, clock } = queueOn(db, { visibilityTimeoutSeconds: 30 });
      await queue.send([{ body: "once", attributes: { kind: "test" } }]);

      const [first] = await queue.receive();
      expect(first).toMatchObject({ body: "once", receiveCount: 1, attributes: { kind: "test" } });
      expect(await queue.receive()).toEqual([]);
      clock.advance(29_999);
      expect(await queue.receive()).toEqual([]);
      clock.advance(1);
      const [second] = await queue.receive();

      expect(second).toMatchObject({ messageId: first!.messageId, receiveCount: 2 });
      expect(second!.firstReceivedAt).toEqual(first!.firstReceivedAt);
      expect(second!.receiptHandle).not.toBe(first!.receiptHandle);
      expect(await queue.delete(first!.receiptHandle)).toBe(false);
      expect(await queue.changeVisibility(first!.receiptHandle, 0)).toBe(false);
      expect(await queue.size()).toBe(1);
      expect(await queue.delete(second!.receiptHandle)).toBe(true);
      expect(await queue.delete(second!.receiptHandle)).toBe(false);
      expect(await queue.size()).toBe(0);
    });

    it("changes the visibility of a message in flight only: 0 makes it visible at once, an expired one is left", async () => {
      const { queue, clock } = queueOn(db, { visibilityTimeoutSeconds: 10 });
      await queue.send([{ body: "m" }]);
      const [received] = await queue.receive();

      expect(await queue.changeVisibility(received!.receiptHandle, 60)).toBe(true);
      clock.advance(30_000);
      expect(await queue.receive()).toEqual([]);
      expect(await queue.changeVisibility(received!.receiptHandle, 0)).toBe(true);
      const [again] = await queue.receive({ visibilityTimeoutSeconds: 5 });
      expect(again!.receiveCount).toBe(2);
      clock.advance(5_000);
      expect(await queue.changeVisibility(again!.receiptHandle, 60)).toBe(false); // no longer in flight
      await expect(queue.changeVisibility(again!.receiptHandle, 43_201)).rejects.toThrow(RangeError);
      await expect(queue.delete("not-a-handle")).rejects.toThrow(InvalidReceiptHandleError);
    });

    it("moves a message received maxReceiveCount times to the dead-letter queue when it would be received again, and redrives it back", async () => {
      const clock = new ManualClock();
      const { queue: dlq } = queueOn(db, { clock });
      const { queue } = queueOn(db, { clock, maxReceiveCount: 2, deadLetterQueue: dlq.name });
      await queue.send([{ body: "poison" }, { body: "fine" }]);

      for (let attempt = 1; attempt <= 2; attempt++) {
        const received = await queue.receive();
        expect(received.map((m) => [m.body, m.receiveCount])).toEqual([
          ["poison", attempt],
          ["fine", attempt],
        ]);
        if (attempt === 2) await queue.delete(received[1]!.receiptHandle);
        clock.advance(30_000);
      }
      expect(await queue.receive()).toEqual([]);

      expect(await queue.size()).toBe(0);
      const [dead] = await dlq.peek();
      expect(dead).toMatchObject({
        body: "poison",
        receiveCount: 0,
        state: "visible",
        deadLetteredFrom: queue.name,
      });

      expect(await dlq.redrive()).toBe(1);
      expect(await dlq.size()).toBe(0);
      const [back] = await queue.receive();
      expect(back).toMatchObject({ body: "poison", receiveCount: 1 });
      await queue.delete(back!.receiptHandle);
    });

    it("never dead-letters without a dead-letter queue, and redrives to a given queue messages of unknown source", async () => {
      const clock = new ManualClock();
      const { queue } = queueOn(db, { clock, maxReceiveCount: 1 });
      const { queue: holding } = queueOn(db, { clock });
      await queue.send([{ body: "kept" }]);
      await queue.receive();
      clock.advance(30_000);
      expect((await queue.receive()).map((m) => m.receiveCount)).toEqual([2]);

      await holding.send([{ body: "orphan" }]);
      expect(await holding.redrive()).toBe(0);
      const [inFlight] = await holding.receive();
      expect(await holding.redrive(queue.name)).toBe(0); // in flight: left where it is
      await holding.changeVisibility(inFlight!.receiptHandle, 0);
      expect(await holding.redrive(queue.name)).toBe(1);
      expect((await queue.peek()).map((m) => m.body)).toEqual(["kept", "orphan"]);
    });

    it("FIFO: delivers a group's messages in order, one in flight at a time; a retried head comes back first", async () => {
      const { queue } = queueOn(db, { fifo: true });
      const message = (group: string, n: number) => ({
        body: `${group}${n}`,
        groupId: group,
        deduplicationId: uniqueId("d"),
      });
      await queue.send([message("a", 1), message("a", 2), message("b", 1), message("a", 3), message("b", 2)]);

      const first = await queue.receive({ max: 10 });
      expect(first.map((m) => m.body)).toEqual(["a1", "b1"]);
      expect(await queue.receive()).toEqual([]);

      await queue.changeVisibility(first[0]!.receiptHandle, 0); // a1 failed
      await queue.delete(first[1]!.receiptHandle);
      const second = await queue.receive();
      expect(second.map((m) => [m.body, m.receiveCount])).toEqual([
        ["a1", 2],
        ["b2", 1],
      ]);
      expect(second[0]!.sequenceNumber! < second[1]!.sequenceNumber!).toBe(true);
      await queue.deleteBatch(second.map((m) => m.receiptHandle));
      expect((await drain(queue)).map((m) => m.body)).toEqual(["a2", "a3"]);
    });

    it("FIFO: drops a deduplication id repeated within 5 minutes (also within one call), and accepts it after", async () => {
      const { queue, clock } = queueOn(db, { fifo: true });
      await queue.send([
        { body: "first", groupId: "g", deduplicationId: "same" },
        { body: "repeat in the call", groupId: "g", deduplicationId: "same" },
      ]);
      clock.advance(5 * 60_000 - 1);
      await queue.send([{ body: "repeat in the window", groupId: "g", deduplicationId: "same" }]);
      expect((await drain(queue)).map((m) => m.body)).toEqual(["first"]);

      clock.advance(1);
      await queue.send([{ body: "after the window", groupId: "g", deduplicationId: "same" }]);
      expect((await drain(queue)).map((m) => m.body)).toEqual(["after the window"]);
      // Purging keeps the deduplication ids, as SQS does.
      await queue.send([{ body: "purged", groupId: "g", deduplicationId: "other" }]);
      expect(await queue.purge()).toBe(1);
      await queue.send([{ body: "purged again", groupId: "g", deduplicationId: "other" }]);
      expect(await queue.size()).toBe(0);
    });

    it("FIFO: content-based deduplication uses the body's digest when a message has no deduplication id", async () => {
      const { queue } = queueOn(db, { fifo: true, contentBasedDeduplication: true });
      await queue.send([{ body: "same", groupId: "g" }]);
      await queue.send([
        { body: "same", groupId: "h" },
        { body: "other", groupId: "g" },
      ]);
      expect((await drain(queue)).map((m) => m.body)).toEqual(["same", "other"]);
    });

    it("honours delays; on a FIFO queue a delayed head holds back its group", async () => {
      const { queue, clock } = queueOn(db);
      await queue.send([{ body: "later", delaySeconds: 10 }, { body: "now" }]);
      expect((await queue.peek()).map((m) => m.state)).toEqual(["delayed", "visible"]);
      expect(await queue.nextVisibleAt()).toEqual(new Date(clock.epochMs() + 10_000));
      expect((await drain(queue)).map((m) => m.body)).toEqual(["now"]);
      clock.advance(10_000);
      expect((await drain(queue)).map((m) => m.body)).toEqual(["later"]);

      const { queue: fifo, clock: fifoClock } = queueOn(db, { fifo: true });
      await fifo.send([
        { body: "head", groupId: "g", deduplicationId: "1", delaySeconds: 5 },
        { body: "next", groupId: "g", deduplicationId: "2" },
      ]);
      expect(await fifo.receive()).toEqual([]);
      fifoClock.advance(5_000);
      expect((await drain(fifo)).map((m) => m.body)).toEqual(["head", "next"]);
    });

    it("purges every message, in flight too", async () => {
      const { queue } = queueOn(db);
      await queue.send([{ body: "a" }, { body: "b" }, { body: "c", delaySeconds: 60 }]);
      const [inFlight] = await queue.receive({ max: 1 });
      expect(await queue.purge()).toBe(3);
      expect(await queue.size()).toBe(0);
      expect(await queue.delete(inFlight!.receiptHandle)).toBe(false);
    });

    it("keeps any Unicode intact, and refuses by id what it cannot store while storing the rest", async () => {
      const { queue } = queueOn(db);
      const text = "ação ✓ 日本語 😀 \u{10FFFF} \uFFFE \u0001 tab\tline\n";
      const error = await queue
        .send([
          { id: "ok", body: text, attributes: { note: text } },
          { id: "nul", body: "a\u0000b" },
          { id: "lone", body: "\uD800x" },
          { id: "empty", body: "" },
          { id: "delay", body: "x", delaySeconds: 901 },
        ])
        .catch((err: unknown) => err);

      expect(error).toBeInstanceOf(DeliveryError);
      expect((error as DeliveryError).failures.map((f) => f.id)).toEqual(["nul", "lone", "empty", "delay"]);
      expect((error as DeliveryError).retryable).toBe(false);
      const [received] = await drain(queue);
      expect(received).toMatchObject({ body: text, attributes: { note: text } });
    });

    it("answers a database outage on send with a retryable DeliveryError naming every message of the call", async () => {
      const down: SqlClient = {
        query: () => Promise.reject(new ServiceUnavailableError("PostgreSQL")),
        transaction: () => Promise.reject(new ServiceUnavailableError("PostgreSQL")),
        close: async () => {},
      };
      const queue = new PostgresQueue(down, { name: uniqueId("q"), clock: new ManualClock() });

      const error = await queue
        .send([
          { id: "a", body: "a" },
          { id: "b", body: "" },
        ])
        .catch((err: unknown) => err);

      expect(error).toBeInstanceOf(DeliveryError);
      const failures = (error as DeliveryError).failures;
      expect(failures.map((f) => [f.id, f.retryable])).toEqual([
        ["b", false],
        ["a", undefined],
      ]);
      expect((error as DeliveryError).cause).toBeInstanceOf(ServiceUnavailableError);
    });

    it("takes rows that another writer INSERTs directly into queue_messages (an event bus routing events)", async () => {
      const { queue, clock } = queueOn(db);
      await db.client().query(
        `INSERT INTO queue_messages (queue, message_id, body, attributes, sent_at, visible_at)
         VALUES ($1, 'evt-1', '{"detail":1}', '{"source":"orderflow"}'::jsonb, $2, $2)`,
        [queue.name, clock.epochMs()],
      );
      const [received] = await drain(queue);
      expect(received).toMatchObject({
        messageId: "evt-1",
        body: '{"detail":1}',
        attributes: { source: "orderflow" },
        receiveCount: 1,
      });
    });

    it("sends, receives, acknowledges and retries a batch in one statement each", async () => {
      const { client, statements } = counting(db.client());
      const queue = new PostgresQueue(client, { name: uniqueId("q"), clock: new ManualClock() });
      const driver = new PostgresQueueDriver(queue);
      const count = async (work: () => Promise<unknown>) => {
        const before = statements();
        await work();
        return statements() - before;
      };

      expect(await count(() => queue.send(Array.from({ length: 25 }, (_, i) => ({ body: `m${i}` }))))).toBe(
        1,
      );
      let records = await driver.receive(10);
      expect(await count(() => driver.receive(10))).toBe(1);
      expect(await count(() => driver.ack(records))).toBe(1);
      records = await driver.receive(5);
      expect(await count(() => driver.retry(records))).toBe(1);
    });

    it("PostgresQueueDriver hands out records shaped as the in-memory driver's", async () => {
      const clock = new ManualClock();
      const name = `${uniqueId("q")}.fifo`;
      const memory = new InMemoryQueueDriver(new InMemoryQueue({ name, clock }));
      const postgres = new PostgresQueueDriver(new PostgresQueue(db.client(), { name, clock }));
      const message = {
        body: "hello",
        groupId: "o-1",
        deduplicationId: "d-1",
        attributes: { commandType: "PlaceOrder" },
      };
      await memory.queue.send([message]);
      await postgres.queue.send([message]);

      const [fromMemory] = await memory.receive(10);
      const [fromPostgres] = await postgres.receive(10);

      const shape = (record: object) => JSON.parse(JSON.stringify(record)) as Record<string, unknown>;
      const m = shape(fromMemory!);
      const p = shape(fromPostgres!);
      expect(Object.keys(p).sort()).toEqual(Object.keys(m).sort());
      expect(Object.keys(p.attributes as object).sort()).toEqual(Object.keys(m.attributes as object).sort());
      expect(p).toMatchObject({
        body: "hello",
        md5OfBody: m.md5OfBody,
        md5OfMessageAttributes: m.md5OfMessageAttributes,
        messageAttributes: m.messageAttributes,
        eventSourceARN: `orderflow:postgres:${name}`,
        attributes: { ApproximateReceiveCount: "1", MessageGroupId: "o-1", MessageDeduplicationId: "d-1" },
      });
      expect((p.attributes as { SequenceNumber: string }).SequenceNumber).toMatch(/^\d{20}$/);

      await postgres.retry([fromPostgres!]);
      expect(await postgres.size()).toBe(1);
      const [again] = await postgres.receive(10);
      expect(again!.attributes!.ApproximateReceiveCount).toBe("2");
      await postgres.ack([again!]);
      expect(await postgres.size()).toBe(0);
    });

    it("FIFO: keeps each group's order, one in flight, under any interleaving of send, receive, ack, retry and timeouts", async () => {
      type Step =
        | { readonly kind: "send"; readonly group: number; readonly count: number }
        | { readonly kind: "receive"; readonly max: number }
        | { readonly kind: "ack" | "retry"; readonly pick: number }
        | { readonly kind: "expire" };
      const step: fc.Arbitrary<Step> = fc.oneof(
        fc.record({
          kind: fc.constant("send" as const),
          group: fc.nat(3),
          count: fc.integer({ min: 1, max: 3 }),
        }),
        fc.record({ kind: fc.constant("receive" as const), max: fc.integer({ min: 1, max: 4 }) }),
        fc.record({ kind: fc.constantFrom("ack" as const, "retry" as const), pick: fc.nat() }),
        fc.record({ kind: fc.constant("expire" as const) }),
      );

      await fc.assert(
        fc.asyncProperty(fc.array(step, { maxLength: 30 }), async (steps) => {
          const { queue, clock } = queueOn(db, { fifo: true, visibilityTimeoutSeconds: 10 });
          const pending = new Map<string, string[]>(); // group → bodies not yet acknowledged, in send order
          const inFlight = new Map<string, ReceivedMessage>(); // group → its message in flight
          let sent = 0;
          const receive = async (max: number) => {
            for (const message of await queue.receive({ max })) {
              const group = message.groupId!;
              expect(inFlight.has(group)).toBe(false);
              expect(message.body).toBe(pending.get(group)![0]);
              inFlight.set(group, message);
            }
          };
          for (const s of steps) {
            if (s.kind === "send") {
              const group = `g${s.group}`;
              const bodies = Array.from({ length: s.count }, () => `${group}:${sent++}`);
              await queue.send(
                bodies.map((body) => ({ body, groupId: group, deduplicationId: body.replace(":", "-") })),
              );
              pending.set(group, [...(pending.get(group) ?? []), ...bodies]);
            } else if (s.kind === "receive") {
              await receive(s.max);
            } else if (s.kind === "expire") {
              clock.advance(10_000);
              inFlight.clear();
            } else {
              const held = [...inFlight.values()];
              const message = held[s.pick % Math.max(held.length, 1)];
              if (!message) continue;
              inFlight.delete(message.groupId!);
              if (s.kind === "ack") {
                expect(await queue.delete(message.receiptHandle)).toBe(true);
                pending.get(message.groupId!)!.shift();
              } else {
                expect(await queue.changeVisibility(message.receiptHandle, 0)).toBe(true);
              }
            }
          }
          // Whatever happened, the rest comes out in order.
          clock.advance(10_000);
          inFlight.clear();
          for (let round = 0; round < 100 && [...pending.values()].some((p) => p.length > 0); round++) {
            await receive(10);
            for (const [group, message] of inFlight) {
              await queue.delete(message.receiptHandle);
              pending.get(group)!.shift();
            }
            inFlight.clear();
          }
          expect([...pending.values()].flat()).toEqual([]);
          expect(await queue.size()).toBe(0);
        }),
        { numRuns: engine.name === "PGlite" ? 40 : 25 },
      );
    });

    if (engine.name === "PostgreSQL server") {
      describe("receivers racing on separate connections", () => {
        const RECEIVERS = 8;

        /** Runs `RECEIVERS` loops, each on its own client, until `done()`; a client's queries go to its own connections. */
        async function race(
          name: string,
          fifo: boolean,
          onReceived: (message: ReceivedMessage) => void,
          beforeDelete: (message: ReceivedMessage) => void,
          done: () => boolean,
        ): Promise<void> {
          const clients = await Promise.all(Array.from({ length: RECEIVERS }, () => db.connect()));
          try {
            await Promise.all(
              clients.map(async (client) => {
                const queue = new PostgresQueue(client, { name, fifo, clock: new ManualClock() });
                let idle = 0;
                while (!done() && idle < 200) {
                  const batch = await queue.receive({ max: 5 });
                  if (batch.length === 0) {
                    idle++;
                    await new Promise((resolve) => setTimeout(resolve, 2));
                    continue;
                  }
                  idle = 0;
                  for (const message of batch) onReceived(message);
                  await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
                  for (const message of batch) beforeDelete(message);
                  expect(await queue.deleteBatch(batch.map((m) => m.receiptHandle))).toBe(batch.length);
                }
              }),
            );
          } finally {
            await Promise.all(clients.map((client) => client.close()));
          }
        }

        it("never hands one message to two receivers, and every message is received", async () => {
          const { queue } = queueOn(db);
          const total = 400;
          await queue.send(Array.from({ length: total }, (_, i) => ({ body: `m${i}` })));
          const seen = new Map<string, number>();

          await race(
            queue.name,
            false,
            (message) => seen.set(message.body, (seen.get(message.body) ?? 0) + 1),
            () => {},
            () => seen.size === total,
          );

          expect(seen.size).toBe(total);
          expect([...seen.values()].every((n) => n === 1)).toBe(true);
          expect(await queue.size()).toBe(0);
        });

        it("FIFO: of processes sending the same deduplication ids at once, exactly one message of each is stored", async () => {
          const { queue } = queueOn(db, { fifo: true });
          const clients = await Promise.all(Array.from({ length: RECEIVERS }, () => db.connect()));
          try {
            await Promise.all(
              clients.map((client, sender) =>
                new PostgresQueue(client, { name: queue.name, clock: new ManualClock() }).send(
                  Array.from({ length: 50 }, (_, i) => ({
                    body: `${i} from ${sender}`,
                    groupId: `g${i % 5}`,
                    deduplicationId: `d${i}`,
                  })),
                ),
              ),
            );
          } finally {
            await Promise.all(clients.map((client) => client.close()));
          }
          const stored = await queue.peek();
          expect(stored.map((m) => m.deduplicationId).sort()).toEqual(
            Array.from({ length: 50 }, (_, i) => `d${i}`).sort(),
          );
        });

        it("FIFO: never has two messages of a group in flight, and delivers each group in order", async () => {
          const { queue } = queueOn(db, { fifo: true });
          const groups = 12;
          const perGroup = 25;
          const sent = Array.from({ length: groups * perGroup }, (_, i) => ({
            body: `g${i % groups}:${Math.floor(i / groups)}`,
            groupId: `g${i % groups}`,
            deduplicationId: `d${i}`,
          }));
          await queue.send(sent);
          const inFlight = new Set<string>();
          const order = new Map<string, number[]>();
          let received = 0;

          await race(
            queue.name,
            true,
            (message) => {
              const group = message.groupId!;
              expect(inFlight.has(group)).toBe(false);
              inFlight.add(group);
              order.set(group, [...(order.get(group) ?? []), Number(message.body.split(":")[1])]);
              received++;
            },
            (message) => inFlight.delete(message.groupId!),
            () => received === sent.length,
          );

          expect(received).toBe(sent.length);
          for (const sequence of order.values()) expect(sequence).toEqual([...Array(perGroup).keys()]);
        });
      });
    }
  });
}
