import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CommandQueue, QueueMessage } from "../command-queue.js";
import { PortError } from "../errors.js";
import type { Teardown } from "./helpers.js";
import { codeOf, rejectionOf } from "./helpers.js";
import { uniqueId } from "./order-mother.js";

/** A message as a consumer of the queue received it. */
export interface ReceivedQueueMessage {
  readonly body: string;
  readonly groupId?: string | undefined;
  readonly deduplicationId?: string | undefined;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface CommandQueueSubject extends Teardown {
  readonly queue: CommandQueue;
  /** Whether the queue behind `queue` is FIFO; the FIFO tests are skipped otherwise. */
  readonly fifo: boolean;
  /**
   * Receives (and deletes) every message currently available on the queue, in
   * delivery order. The suite tags its messages, so messages of other tests may be present.
   */
  receiveAll(): Promise<readonly ReceivedQueueMessage[]>;
}

/**
 * A body larger than any queue service accepts for one message (SQS: 256 KiB
 * historically, 1 MiB since 2025); the contract requires such a message to be refused.
 */
export const OVERSIZED_MESSAGE_BYTES = 1024 * 1024 + 1;

/**
 * The behaviour every {@link CommandQueue} must show.
 *
 * `makeSubject` runs before each test and may return the same queue each time:
 * every test tags its message bodies with a unique id and ignores other messages.
 * On a FIFO queue every message the suite sends carries a group id and a
 * deduplication id (no content-based deduplication is assumed).
 *
 * The contract pins down a detail the port leaves open: when some messages of a
 * `send` cannot be delivered (e.g. one is too large), the others of that call are
 * still delivered and the {@link DeliveryError} names exactly the failed ones.
 */
export function describeCommandQueueContract(
  adapterName: string,
  makeSubject: () => Promise<CommandQueueSubject> | CommandQueueSubject,
): void {
  describe(`CommandQueue contract: ${adapterName}`, () => {
    let subject: CommandQueueSubject;
    let tag: string;

    beforeEach(async () => {
      subject = await makeSubject();
      tag = uniqueId("test");
    });
    afterEach(async () => {
      await subject?.teardown?.();
    });

    /** A message of this test; on FIFO queues with a group and a unique deduplication id. */
    function message(body: string, extra: Partial<QueueMessage> = {}): QueueMessage {
      return {
        body: `${tag}|${body}`,
        ...(subject.fifo ? { groupId: `${tag}-g`, deduplicationId: uniqueId("dedup") } : {}),
        ...extra,
      };
    }

    async function receivedOfThisTest(): Promise<ReceivedQueueMessage[]> {
      return (await subject.receiveAll()).filter((m) => m.body.startsWith(`${tag}|`));
    }

    it("has a name", () => {
      expect(subject.queue.name).toEqual(expect.any(String));
      expect(subject.queue.name.length).toBeGreaterThan(0);
    });

    it("delivers a single message with its body and attributes", async () => {
      await subject.queue.send([
        message("hello", { attributes: { commandType: "PlaceOrder", orderId: "o-1" } }),
      ]);

      const received = await receivedOfThisTest();

      expect(received).toHaveLength(1);
      expect(received[0]!.body).toBe(`${tag}|hello`);
      expect(received[0]!.attributes).toMatchObject({ commandType: "PlaceOrder", orderId: "o-1" });
    });

    it("delivers every message of a batch larger than one service call (25)", async () => {
      const sent = Array.from({ length: 25 }, (_, i) =>
        message(JSON.stringify({ n: i, text: "ação ✓" }), { id: `m${i}`, attributes: { n: String(i) } }),
      );

      await subject.queue.send(sent);
      const received = await receivedOfThisTest();

      const bodies = [...new Set(received.map((m) => m.body))].sort();
      expect(bodies).toEqual(sent.map((m) => m.body).sort());
      for (const m of received) {
        const n = (JSON.parse(m.body.slice(tag.length + 1)) as { n: number }).n;
        expect(m.attributes).toMatchObject({ n: String(n) });
      }
    });

    it("does nothing when asked to send no messages", async () => {
      await expect(subject.queue.send([])).resolves.toBeUndefined();
      expect(await receivedOfThisTest()).toEqual([]);
    });

    it("refuses an oversized message with a DeliveryError naming it, and still delivers the others", async () => {
      const sent = [
        message("before", { id: "before" }),
        message("x".repeat(OVERSIZED_MESSAGE_BYTES), { id: "too-big" }),
        message("after", { id: "after" }),
      ];

      const error = await rejectionOf(subject.queue.send(sent));

      expect(codeOf(error)).toBe("DELIVERY_FAILED");
      expect(error).toBeInstanceOf(PortError);
      const failures = (error as { failures: readonly { id: string; reason: string }[] }).failures;
      expect(failures.map((f) => f.id)).toEqual(["too-big"]);
      expect(failures[0]!.reason.length).toBeGreaterThan(0);
      const bodies = (await receivedOfThisTest()).map((m) => m.body);
      expect([...new Set(bodies)].sort()).toEqual([`${tag}|after`, `${tag}|before`]);
    });

    it("FIFO: keeps the order within each message group and passes group and deduplication ids", async ({
      skip,
    }) => {
      if (!subject.fifo) skip("not a FIFO queue");
      const groups = ["a", "b", "c"].map((g) => `${tag}-${g}`);
      const sent: QueueMessage[] = [];
      for (let i = 0; i < 8; i++) {
        for (const groupId of groups) {
          sent.push(message(`${groupId}:${i}`, { groupId, deduplicationId: `${groupId}-${i}` }));
        }
      }

      await subject.queue.send(sent.slice(0, 12));
      await subject.queue.send(sent.slice(12));
      const received = await receivedOfThisTest();

      expect(received).toHaveLength(sent.length);
      for (const groupId of groups) {
        const ofGroup = received.filter((m) => m.groupId === groupId);
        expect(ofGroup.map((m) => m.body)).toEqual(
          sent.filter((m) => m.groupId === groupId).map((m) => m.body),
        );
        expect(ofGroup.map((m) => m.deduplicationId)).toEqual(
          sent.filter((m) => m.groupId === groupId).map((m) => m.deduplicationId),
        );
      }
    });

    it("FIFO: delivers once the messages that repeat a deduplication id within the window", async ({
      skip,
    }) => {
      if (!subject.fifo) skip("not a FIFO queue");
      const deduplicationId = uniqueId("dedup");

      await subject.queue.send([message("first", { deduplicationId }), message("other")]);
      await subject.queue.send([message("second", { deduplicationId })]);
      const received = await receivedOfThisTest();

      expect(received.map((m) => m.body)).toEqual([`${tag}|first`, `${tag}|other`]);
    });
  });
}
