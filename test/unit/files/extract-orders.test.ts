import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/adapters/memory/clocks.js";
import { InMemoryFileHistory } from "../../../src/adapters/memory/in-memory-file-history.js";
import { InMemoryObjectStore } from "../../../src/adapters/memory/in-memory-object-store.js";
import { InMemoryTopic } from "../../../src/adapters/memory/in-memory-topic.js";
import {
  ExtractOrders,
  type FileOrder,
  type OrderFileVersion,
} from "../../../src/domain/use-cases/extract-orders.js";
import { ExtractFileMessageSchema, type FileFlowPorts } from "../../../src/domain/use-cases/file-flow.js";
import { ValidateFile } from "../../../src/domain/use-cases/validate-file.js";
import type { CommandQueue, QueueMessage } from "../../../src/ports/command-queue.js";

/** The file-extraction queue: keeps what it is sent. */
class ExtractionQueue implements CommandQueue {
  readonly name = "file-extraction";
  readonly sent: QueueMessage[] = [];
  async send(messages: readonly QueueMessage[]): Promise<void> {
    this.sent.push(...messages);
  }
}

const order = (i: number) => ({
  ...(i % 2 === 0 ? { orderId: `o-${i}` } : {}),
  customerId: i % 5 === 0 ? ` c-${i} ` : `c-${i}`,
  currency: "BRL",
  items: [{ sku: "SKU-1", quantity: 1 + (i % 3), unitPrice: 1250 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
});

/** The use cases on their own ports, with a fake in place of the order pipeline. */
async function extractWithFake(lines: readonly string[]) {
  const clock = new ManualClock();
  const extractionQueue = new ExtractionQueue();
  const ports: FileFlowPorts = {
    objects: new InMemoryObjectStore({ clock }),
    history: new InMemoryFileHistory(),
    alerts: new InMemoryTopic({ name: "alerts", clock }),
    extractionQueue,
    clock,
  };
  const { etag } = await ports.objects.put("incoming/day.jsonl", lines.join("\n"));
  const validated = await new ValidateFile(ports).execute({
    key: "incoming/day.jsonl",
    size: 0,
    etag: etag.replace(/"/g, ""),
  });
  const placed: { orders: readonly FileOrder[]; file: OrderFileVersion }[] = [];
  const extract = new ExtractOrders({
    ...ports,
    placeOrders: async (orders, file) => {
      placed.push({ orders, file });
      return [];
    },
  });
  const [message] = extractionQueue.sent;
  const result = await extract.execute(ExtractFileMessageSchema.parse(JSON.parse(message!.body)));
  return { validated, result, placed };
}

describe("ExtractOrders hands valid orders to its PlaceFileOrders dependency", () => {
  it("each valid order once, as the schema outputs it, in groups of at most 10, with its index", async () => {
    const lines = Array.from({ length: 25 }, (_, i) => JSON.stringify(order(i)));
    lines[7] = JSON.stringify({ ...order(7), currency: "reais" });
    const { validated, result, placed } = await extractWithFake(lines);

    expect(validated.validation?.counts).toEqual({ total: 25, valid: 24, invalid: 1 });
    expect(result).toMatchObject({ outcome: "EXTRACTED", sent: 24 });
    expect(placed.map((p) => p.orders.length)).toEqual([10, 10, 4]);
    expect(placed.every((p) => p.file.fileKey === "incoming/day.jsonl")).toBe(true);
    const orders = placed.flatMap((p) => p.orders);
    expect(orders.map((o) => o.index)).toEqual(
      Array.from({ length: 25 }, (_, i) => i).filter((i) => i !== 7),
    );
    // The schema's output: trimmed text, an orderId only where the file gave one.
    expect(orders[0]).toEqual({ index: 0, order: { ...order(0), customerId: "c-0" } });
    expect(orders[1]?.order.orderId).toBeUndefined();
  });
});
