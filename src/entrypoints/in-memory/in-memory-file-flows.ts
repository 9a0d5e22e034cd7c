import { InMemoryFileHistory } from "../../adapters/memory/in-memory-file-history.js";
import { InMemoryObjectStore } from "../../adapters/memory/in-memory-object-store.js";
import type { ExtractionContext } from "../../domain/use-cases/extract-orders.js";
import { DEFAULT_FILE_PREFIXES, type FileFlowOptions } from "../../domain/use-cases/file-flow.js";
import type { FileHistory } from "../../ports/file-history.js";
import type { ObjectInfo, ObjectStore } from "../../ports/object-store.js";
import type { OrderRepository } from "../../ports/order-repository.js";
import type { ProductCatalog } from "../../ports/product-catalog.js";
import type { ExtractionConsumer } from "../consumers/file-consumers.js";
import type { QueueConsumer } from "../consumers/queue-consumer.js";
import { s3PutEvent } from "../consumers/s3-events.js";
import { adaptersModule } from "../container/adapters-module.js";
import { resolve } from "../container/create-container.js";
import { fileFlowsModule } from "../container/file-flows-module.js";
import { consumerToken } from "../container/tokens.js";
import type { ExternalQueues, InMemoryOrderflow, PipelineQueue } from "./in-memory-orderflow.js";

export interface AddFileFlowsOptions extends FileFlowOptions {
  /**
   * The bucket (default: a new {@link InMemoryObjectStore}). With an in-memory
   * store every put under `incoming/` notifies the file-intake queue, as an S3
   * event notification would; with another store (s3rver, S3), use
   * {@link FileFlows.upload}, which sends the notification itself.
   */
  readonly objects?: ObjectStore | undefined;
  readonly history?: FileHistory | undefined;
  /** Name the notifications give the bucket (default `orderflow-files`). */
  readonly bucket?: string | undefined;
  /** Remaining time of each extraction "invocation" (to exercise continuations); unlimited by default. */
  readonly remainingTimeMs?: (() => number) | undefined;
}

/** The batch-file flows added to an in-memory pipeline. */
export interface FileFlows {
  readonly objects: ObjectStore;
  readonly history: FileHistory;
  /** The file-intake queue (standard), fed by S3 notifications, drained by validate-file. */
  readonly intake: PipelineQueue;
  /** The file-extraction queue (standard), drained by extract-orders. */
  readonly extraction: PipelineQueue;
  readonly consumers: { readonly validateFile: QueueConsumer; readonly extractOrders: ExtractionConsumer };
  /**
   * Stores a file under `incoming/` and notifies the file-intake queue
   * (exactly once, whichever store is used). Call the pipeline's `drain()` to
   * process it.
   */
  upload(
    name: string,
    body: Uint8Array | string | AsyncIterable<Uint8Array>,
  ): Promise<{ readonly key: string; readonly etag: string; readonly versionId?: string | undefined }>;
}

export const FILE_INTAKE_QUEUE_NAME = "orderflow-file-intake";
export const FILE_EXTRACTION_QUEUE_NAME = "orderflow-file-extraction";

/**
 * Adds the batch-file flows of the architecture to an in-memory pipeline:
 * bucket (`incoming/` puts → S3-shaped notifications on a standard file-intake
 * queue), validate-file, the file history, the file-extraction queue and
 * extract-orders, which places each valid order with the pipeline's
 * PlaceOrder. Its ports and consumers join the pipeline's container, as the
 * file handlers compose theirs. Alerts go to the pipeline's alert topic.
 * `flow.drain()` then runs it all.
 */
export function addFileFlows<
  TOrders extends OrderRepository,
  TCatalog extends ProductCatalog,
  TQueues extends ExternalQueues,
>(flow: InMemoryOrderflow<TOrders, TCatalog, TQueues>, options: AddFileFlowsOptions = {}): FileFlows {
  const objects = options.objects ?? new InMemoryObjectStore({ clock: flow.clock });
  const history = options.history ?? new InMemoryFileHistory();
  const bucket = options.bucket ?? "orderflow-files";
  const incoming = options.prefixes?.incoming ?? DEFAULT_FILE_PREFIXES.incoming;
  let sequence = 0;

  const context: ExtractionContext = options.remainingTimeMs
    ? { remainingTimeMs: options.remainingTimeMs }
    : {};
  const consumers = {
    validateFile: (records) => resolve(flow.container, consumerToken("validateFile"))(records),
    extractOrders: (records) => resolve(flow.container, consumerToken("extractOrders"))(records, context),
  } satisfies FileFlows["consumers"];
  const intake = flow.addFlow(FILE_INTAKE_QUEUE_NAME, consumers.validateFile, { fifo: false });
  const extraction = flow.addFlow(FILE_EXTRACTION_QUEUE_NAME, consumers.extractOrders, { fifo: false });
  flow.container.load(
    adaptersModule({ objectStore: objects, fileHistory: history, fileExtractionQueue: extraction.queue }),
    fileFlowsModule(options),
  );
  const notify = (info: Pick<ObjectInfo, "key" | "size" | "etag" | "versionId">) => {
    sequence++;
    return intake.queue.send([
      {
        body: s3PutEvent({
          bucket,
          key: info.key,
          size: info.size,
          etag: info.etag,
          versionId: info.versionId,
          sequencer: sequence.toString(16).toUpperCase().padStart(16, "0"),
          eventTime: flow.clock.now(),
        }),
      },
    ]);
  };
  const inMemory = objects instanceof InMemoryObjectStore;
  if (inMemory) {
    objects.onPut((info) => {
      if (info.key.startsWith(incoming)) {
        notify(info).catch((error: unknown) =>
          flow.logger.error("S3 notification lost", { key: info.key, error: String(error) }),
        );
      }
    });
  }

  return {
    objects,
    history,
    intake,
    extraction,
    consumers,
    async upload(name, body) {
      const key = name.startsWith(incoming) ? name : `${incoming}${name}`;
      const stored = await objects.put(key, body, { contentType: contentTypeOf(key) });
      if (!inMemory) {
        const info = await objects.head(key);
        await notify({ key, size: info?.size ?? 0, etag: stored.etag, versionId: stored.versionId });
      }
      return { key, ...stored };
    },
  };
}

function contentTypeOf(key: string): string {
  return /\.(jsonl|ndjson|jsonlines)$/i.test(key) ? "application/x-ndjson" : "application/json";
}
