import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/adapters/memory/clocks.js";
import { InMemoryFileHistory } from "../../../src/adapters/memory/in-memory-file-history.js";
import { InMemoryLogger } from "../../../src/adapters/memory/in-memory-logger.js";
import { InMemoryObjectStore } from "../../../src/adapters/memory/in-memory-object-store.js";
import { InMemoryOrderRepository } from "../../../src/adapters/memory/in-memory-order-repository.js";
import { InMemoryQueue } from "../../../src/adapters/memory/in-memory-queue.js";
import { InMemoryTopic } from "../../../src/adapters/memory/in-memory-topic.js";
import { ExtractOrders, type ExtractOrdersDeps } from "../../../src/domain/use-cases/extract-orders.js";
import {
  type ExtractFileMessage,
  ExtractFileMessageSchema,
  type FileFlowOptions,
} from "../../../src/domain/use-cases/file-flow.js";
import { PlaceOrder } from "../../../src/domain/use-cases/place-order.js";
import type { FileNotification } from "../../../src/domain/use-cases/validate-file.js";
import { ValidateFile } from "../../../src/domain/use-cases/validate-file.js";
import { placeFileOrders } from "../../../src/entrypoints/container/place-file-orders.js";
import type { CommandQueue, QueueMessage } from "../../../src/ports/command-queue.js";
import type { FileHistory, FileStatus } from "../../../src/ports/file-history.js";
import type { GetOptions, ObjectContent } from "../../../src/ports/object-store.js";

type BodyState = "unread" | "reading" | "read to the end" | "closed";

/** A body that knows whether its reader finished it or let it go: anything else holds a connection. */
class TrackedBody implements AsyncIterable<Uint8Array> {
  state: BodyState = "unread";
  constructor(private readonly inner: AsyncIterable<Uint8Array>) {}

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const iterator = this.inner[Symbol.asyncIterator]();
    return {
      next: async () => {
        const result = await iterator.next();
        if (this.state !== "closed") this.state = result.done ? "read to the end" : "reading";
        return result;
      },
      return: async (value?: unknown) => {
        if (this.state !== "read to the end") this.state = "closed";
        await iterator.return?.();
        return { done: true, value };
      },
    };
  }
}

/** The in-memory bucket, with every body it hands out tracked. */
class TrackingObjectStore extends InMemoryObjectStore {
  readonly opened: TrackedBody[] = [];

  override async get(key: string, options?: GetOptions): Promise<ObjectContent | undefined> {
    const content = await super.get(key, options);
    if (!content) return content;
    const body = new TrackedBody(content.body);
    this.opened.push(body);
    return { ...content, body };
  }

  states(): BodyState[] {
    return this.opened.map((b) => b.state);
  }
}

/** The file-extraction queue: keeps what it was sent and the file's status at that moment; can fail once. */
class ExtractionQueue implements CommandQueue {
  readonly name = "file-extraction";
  readonly sent: ExtractFileMessage[] = [];
  readonly statusAtSend: (FileStatus | undefined)[] = [];
  failNext = false;

  constructor(private readonly history: FileHistory) {}

  async send(messages: readonly QueueMessage[]): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error("Lambda timed out");
    }
    for (const m of messages) {
      const message = ExtractFileMessageSchema.parse(JSON.parse(m.body));
      this.statusAtSend.push((await this.history.get(message.fileKey, message.fileVersion))?.status);
      this.sent.push(message);
    }
  }
}

const order = (i: number) => ({
  customerId: `c-${i}`,
  currency: "BRL",
  items: [{ sku: "SKU-1", quantity: 1, unitPrice: 1250 }],
  shippingAddress: { line1: "Rua A, 1", city: "Recife", postalCode: "50000-000", country: "BR" },
});
const jsonl = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify(order(i))).join("\n") + "\n";

function setup(options: FileFlowOptions = {}) {
  const clock = new ManualClock();
  const history = new InMemoryFileHistory();
  const objects = new TrackingObjectStore({ clock });
  const extractionQueue = new ExtractionQueue(history);
  const intake = new InMemoryQueue({ name: "intake.fifo", clock });
  const services: ExtractOrdersDeps & { readonly logger: InMemoryLogger } = {
    objects,
    history,
    alerts: new InMemoryTopic({ name: "alerts", clock }),
    placeOrders: placeFileOrders(
      new PlaceOrder({ orders: new InMemoryOrderRepository(), intakeQueue: intake, clock }),
    ),
    extractionQueue,
    clock,
    logger: new InMemoryLogger(),
  };
  const upload = async (name: string, body: string): Promise<FileNotification> => {
    const key = `incoming/${name}`;
    const { etag } = await objects.put(key, body);
    return { key, size: Buffer.byteLength(body), etag: etag.replace(/"/g, "") };
  };
  return {
    services,
    history,
    objects,
    extractionQueue,
    intake,
    upload,
    validate: new ValidateFile(services, options),
    extract: new ExtractOrders(services, options),
  };
}

describe("bodies of files that are not read to the end are closed", () => {
  it("validate-file: a superseded version", async () => {
    const { objects, upload, validate } = setup();
    const file = await upload("a.jsonl", jsonl(3));

    const { record } = await validate.execute({ ...file, etag: "0123456789abcdef0123456789abcdef" });

    expect(record.errors[0]?.message).toMatch(/^FILE_SUPERSEDED/);
    expect(objects.states()).toEqual(["closed"]);
  });

  it("validate-file: a file over the size limit", async () => {
    const { objects, upload, validate } = setup({ limits: { maxFileBytes: 10 } });
    const file = await upload("a.jsonl", jsonl(3));

    const { record } = await validate.execute(file);

    expect(record.errors[0]?.message).toMatch(/^FILE_TOO_LARGE/);
    expect(objects.states()).toEqual(["closed"]);
  });

  it("extract-orders: a file whose ETag changed since validation", async () => {
    const { objects, upload, validate, extract, extractionQueue } = setup();
    const file = await upload("a.jsonl", jsonl(3));
    await validate.execute(file);
    await upload("a.jsonl", jsonl(4));

    const result = await extract.execute(extractionQueue.sent[0]!);

    expect(result.outcome).toBe("FAILED");
    expect(objects.states()).toEqual(["read to the end", "closed"]);
  });

  it("a file validated and extracted is read to the end both times", async () => {
    const { objects, upload, validate, extract, extractionQueue, intake } = setup();
    await validate.execute(await upload("a.jsonl", jsonl(3)));

    expect((await extract.execute(extractionQueue.sent[0]!)).outcome).toBe("EXTRACTED");
    expect(intake.size).toBe(3);
    expect(objects.states()).toEqual(["read to the end", "read to the end"]);
  });
});

describe("validate-file hands the file to extraction once its record is final", () => {
  it("the extraction message goes out after the record left VALIDATING", async () => {
    const { upload, validate, extractionQueue } = setup();
    await validate.execute(await upload("valid.jsonl", jsonl(2)));
    await validate.execute(await upload("partly.jsonl", `${jsonl(2)}{"customerId": 1}\n`));

    expect(extractionQueue.sent.map((m) => m.fileKey)).toEqual([
      "incoming/valid.jsonl",
      "incoming/partly.jsonl",
    ]);
    expect(extractionQueue.statusAtSend).toEqual(["VALID", "PARTIALLY_VALID"]);
  });

  it("a crash between the record write and the send: the repeated notification sends it", async () => {
    const { upload, validate, extract, extractionQueue, history, intake } = setup();
    const file = await upload("a.jsonl", jsonl(3));
    extractionQueue.failNext = true;

    await expect(validate.execute(file)).rejects.toThrow("Lambda timed out");
    expect(extractionQueue.sent).toEqual([]);
    expect((await history.get(file.key, file.etag))?.status).toBe("VALID");

    await validate.execute(file);
    expect(extractionQueue.sent).toHaveLength(1);
    expect((await extract.execute(extractionQueue.sent[0]!)).outcome).toBe("EXTRACTED");
    expect(intake.size).toBe(3);

    // Once extracted, a further repeat has nothing left to complete.
    await validate.execute(file);
    expect(extractionQueue.sent).toHaveLength(1);
  });

  it("a repeated notification of a rejected file sends nothing", async () => {
    const { upload, validate, extractionQueue } = setup();
    const file = await upload("bad.jsonl", '{"customerId": 1}\n');
    expect((await validate.execute(file)).record.status).toBe("REJECTED");
    await validate.execute(file);

    expect(extractionQueue.sent).toEqual([]);
  });
});
