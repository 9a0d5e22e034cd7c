/**
 * One batch file through validate-file then extract-orders, on the given
 * object store, with in-memory history, orders and alerts and a counting
 * intake queue: what the file benchmarks time (shared by the in-process bench and the
 * bounded-memory child process).
 */

import { InMemoryFileHistory } from "../src/adapters/memory/in-memory-file-history.js";
import { InMemoryOrderRepository } from "../src/adapters/memory/in-memory-order-repository.js";
import { InMemoryTopic } from "../src/adapters/memory/in-memory-topic.js";
import { SystemClock } from "../src/adapters/system/system-clock.js";
import { ExtractOrders } from "../src/domain/use-cases/extract-orders.js";
import { ExtractFileMessageSchema, type FileFlowPorts } from "../src/domain/use-cases/file-flow.js";
import { PlaceOrder } from "../src/domain/use-cases/place-order.js";
import { ValidateFile } from "../src/domain/use-cases/validate-file.js";
import { placeFileOrders } from "../src/entrypoints/container/place-file-orders.js";
import type { CommandQueue, QueueMessage } from "../src/ports/command-queue.js";
import type { ObjectStore } from "../src/ports/object-store.js";

/**
 * Stands in for SqsCommandQueue: counts the SendMessageBatch calls it would
 * make (one per `send` of at most 10 messages, which is how extract-orders
 * sends) and the bytes, and keeps nothing.
 */
export class CountingQueue implements CommandQueue {
  readonly name = "counting";
  calls = 0;
  messages = 0;
  bytes = 0;
  readonly last: QueueMessage[] = [];

  async send(messages: readonly QueueMessage[]): Promise<void> {
    if (messages.length > 10) throw new Error("more than one SendMessageBatch in one send");
    this.calls++;
    this.messages += messages.length;
    for (const message of messages) this.bytes += message.body.length;
    this.last.splice(0, this.last.length, ...messages);
  }
}

export interface FileJobResult {
  readonly bytes: number;
  readonly orders: number;
  readonly valid: number;
  readonly validateSeconds: number;
  readonly extractSeconds: number;
  readonly sendCalls: number;
  readonly sent: number;
}

export async function runFileJob(objects: ObjectStore, key: string): Promise<FileJobResult> {
  const intake = new CountingQueue();
  const extraction: QueueMessage[] = [];
  const clock = new SystemClock();
  const ports: FileFlowPorts = {
    objects,
    history: new InMemoryFileHistory(),
    alerts: new InMemoryTopic({ name: "alerts", clock }),
    extractionQueue: { name: "extraction", send: async (messages) => void extraction.push(...messages) },
    clock,
  };
  // Extraction places each order as the API does: recorded, then its validation asked for on the intake queue.
  const placeOrder = new PlaceOrder({ orders: new InMemoryOrderRepository(), intakeQueue: intake, clock });
  const info = await objects.head(key);
  if (!info) throw new Error(`${key} is not in the bucket`);
  const etag = info.etag.replace(/"/g, "");

  let started = performance.now();
  const { record } = await new ValidateFile(ports).execute({ key, size: info.size, etag });
  const validateSeconds = (performance.now() - started) / 1000;
  if (record.status !== "VALID" && record.status !== "PARTIALLY_VALID")
    throw new Error(`${key} was ${record.status}: ${JSON.stringify(record.errors.slice(0, 3))}`);

  const message = ExtractFileMessageSchema.parse(JSON.parse(extraction[0]!.body));
  started = performance.now();
  const result = await new ExtractOrders({ ...ports, placeOrders: placeFileOrders(placeOrder) }).execute(
    message,
  );
  const extractSeconds = (performance.now() - started) / 1000;
  if (result.outcome !== "EXTRACTED") throw new Error(`extraction ended ${result.outcome}`);
  return {
    bytes: info.size,
    orders: record.counts.total,
    valid: record.counts.valid,
    validateSeconds,
    extractSeconds,
    sendCalls: intake.calls,
    sent: intake.messages,
  };
}
