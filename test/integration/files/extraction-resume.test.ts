import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/adapters/memory/clocks.js";
import { InMemoryFileHistory } from "../../../src/adapters/memory/in-memory-file-history.js";
import { InMemoryLogger } from "../../../src/adapters/memory/in-memory-logger.js";
import { InMemoryObjectStore } from "../../../src/adapters/memory/in-memory-object-store.js";
import { InMemoryOrderRepository } from "../../../src/adapters/memory/in-memory-order-repository.js";
import { InMemoryQueue } from "../../../src/adapters/memory/in-memory-queue.js";
import { InMemoryTopic } from "../../../src/adapters/memory/in-memory-topic.js";
import { ExtractOrders, type ExtractOrdersDeps } from "../../../src/domain/use-cases/extract-orders.js";
import type { ExtractFileMessage } from "../../../src/domain/use-cases/file-flow.js";
import { PlaceOrder } from "../../../src/domain/use-cases/place-order.js";
import { ValidateFile } from "../../../src/domain/use-cases/validate-file.js";
import { placeFileOrders } from "../../../src/entrypoints/container/place-file-orders.js";
import type { CommandQueue, QueueMessage } from "../../../src/ports/command-queue.js";
import type { FileRecord } from "../../../src/ports/file-history.js";

const order = (i: number) => ({
  customerId: `c-${i}`,
  currency: "BRL",
  items: [{ sku: "SKU-1", quantity: 1, unitPrice: 1250 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
});

/** Intake FIFO queue that remembers every message it was asked to send, and can fail on a chosen call. */
class RecordingQueue implements CommandQueue {
  readonly name: string;
  readonly attempts: QueueMessage[] = [];
  calls = 0;
  failOnCall: number | undefined;
  constructor(readonly queue: InMemoryQueue) {
    this.name = queue.name;
  }
  async send(messages: readonly QueueMessage[]): Promise<void> {
    this.calls++;
    if (this.calls === this.failOnCall) throw new Error("connection reset");
    this.attempts.push(...messages);
    await this.queue.send(messages);
  }
}

/** File history whose process "crashes" right after the n-th checkpoint is stored. */
class CrashingHistory extends InMemoryFileHistory {
  checkpoints = 0;
  crashAfterCheckpoint: number | undefined;
  override async update(record: FileRecord): Promise<void> {
    await super.update(record);
    if (record.status === "EXTRACTING" && (record.checkpoint?.index ?? 0) > 0) {
      if (++this.checkpoints === this.crashAfterCheckpoint) throw new Error("Lambda timed out");
    }
  }
}

async function validatedFile(orders: number, format: "json" | "jsonl") {
  const clock = new ManualClock();
  const history = new CrashingHistory();
  const objects = new InMemoryObjectStore({ clock });
  const intake = new RecordingQueue(new InMemoryQueue({ name: "intake.fifo", clock }));
  const services: ExtractOrdersDeps & { readonly logger: InMemoryLogger } = {
    objects,
    history,
    alerts: new InMemoryTopic({ name: "alerts", clock }),
    placeOrders: placeFileOrders(
      new PlaceOrder({ orders: new InMemoryOrderRepository(), intakeQueue: intake, clock }),
    ),
    extractionQueue: new InMemoryQueue({ name: "extraction", clock }),
    clock,
    logger: new InMemoryLogger(),
  };
  const values = Array.from({ length: orders }, (_, i) => (i % 7 === 3 ? { broken: i } : order(i)));
  const body =
    format === "json"
      ? JSON.stringify({ orders: values }, null, 1)
      : values.map((v) => JSON.stringify(v)).join("\r\n");
  const key = `incoming/orders.${format}`;
  const { etag } = await objects.put(key, body);
  const file = {
    bucket: "b",
    key,
    size: body.length,
    etag: etag.replace(/"/g, ""),
    eventName: "ObjectCreated:Put",
  };
  const { record: validated } = await new ValidateFile(services).execute(file);
  const message: ExtractFileMessage = {
    type: "ExtractFile",
    fileKey: key,
    fileVersion: validated.fileVersion,
    etag: file.etag,
    continuation: 0,
  };
  const valid = values.filter((v) => !("broken" in v)).length;
  return { services, history, intake, message, valid, key };
}

describe("extraction crash and resume", () => {
  for (const format of ["json", "jsonl"] as const) {
    it(`${format}: a crash right after a checkpoint, then a retry, sends no order twice`, async () => {
      const { services, history, intake, message, valid, key } = await validatedFile(1000, format);
      history.crashAfterCheckpoint = 3;
      const extract = new ExtractOrders(services, { checkpointEvery: 100 });

      await expect(extract.execute(message)).rejects.toThrow("Lambda timed out");
      const afterCrash = await history.get(key, message.fileVersion);
      const sentBeforeCrash = intake.attempts.length;
      // The third checkpoint, taken once every send before it had completed.
      expect(afterCrash).toMatchObject({ status: "EXTRACTING", checkpoint: { sent: sentBeforeCrash } });
      expect(afterCrash?.checkpoint?.index).toBeGreaterThanOrEqual(300);
      expect(afterCrash?.checkpoint?.index).toBeLessThan(400);

      const result = await extract.execute(message);
      expect(result.outcome).toBe("EXTRACTED");
      expect(result.sent).toBe(valid - sentBeforeCrash);

      // Every order was asked for exactly once, and stored exactly once.
      const perDedupId = new Map<string, number>();
      for (const m of intake.attempts)
        perDedupId.set(m.deduplicationId!, (perDedupId.get(m.deduplicationId!) ?? 0) + 1);
      expect(perDedupId.size).toBe(valid);
      expect([...perDedupId.values()].every((n) => n === 1)).toBe(true);
      expect(intake.queue.size).toBe(valid);
      expect(await history.get(key, message.fileVersion)).toMatchObject({
        status: "EXTRACTED",
        checkpoint: { index: 1000, sent: valid },
        location: `processed/orders.${format}`,
      });
    });
  }

  it("a failed send between checkpoints: the retry resumes at the checkpoint and the FIFO queue drops the repeats", async () => {
    const { services, intake, message, valid, history, key } = await validatedFile(1000, "jsonl");
    intake.failOnCall = 45;
    const extract = new ExtractOrders(services, {
      checkpointEvery: 100,
      sendConcurrency: 1,
    });
    await expect(extract.execute(message)).rejects.toThrow("connection reset");
    await extract.execute(message);

    const distinct = new Set(intake.attempts.map((m) => m.deduplicationId));
    expect(distinct.size).toBe(valid);
    expect(intake.attempts.length).toBeGreaterThan(valid);
    // Resumed from the checkpoint, not from the start.
    expect(intake.attempts.length).toBeLessThan(valid + 100);
    expect(intake.queue.size).toBe(valid);
    expect(await history.get(key, message.fileVersion)).toMatchObject({
      status: "EXTRACTED",
      checkpoint: { sent: valid },
    });
  });

  it("sends in batches of 10: SendMessageBatch calls = ceil(valid / 10)", async () => {
    const { services, intake, message, valid } = await validatedFile(1234, "json");
    await new ExtractOrders(services).execute(message);
    expect(intake.calls).toBe(Math.ceil(valid / 10));
  });

  it("two extractions of the same file at once: orders are sent once each, the file ends extracted", async () => {
    const { services, intake, message, valid, history, key } = await validatedFile(2000, "jsonl");
    const extract = new ExtractOrders(services, { checkpointEvery: 50 });
    const outcomes = (await Promise.all([extract.execute(message), extract.execute(message)]))
      .map((r) => r.outcome)
      .sort();
    expect(outcomes).toContain("EXTRACTED");
    expect(intake.queue.size).toBe(valid);
    expect(await history.get(key, message.fileVersion)).toMatchObject({
      status: "EXTRACTED",
      checkpoint: { sent: valid },
    });
  });

  it("refuses a file whose content changed since validation, with an alert", async () => {
    const { services, intake, message, key } = await validatedFile(10, "jsonl");
    await services.objects.put(key, JSON.stringify(order(99)));
    const result = await new ExtractOrders(services).execute(message);
    expect(result.outcome).toBe("FAILED");
    expect(intake.attempts).toEqual([]);
    expect((services.alerts as InMemoryTopic).published.map((p) => JSON.parse(p.message).kind)).toEqual([
      "FILE_PARTIALLY_VALID",
      "FILE_EXTRACTION_FAILED",
    ]);
  });
});
