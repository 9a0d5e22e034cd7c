import type { PlaceOrder } from "../../domain/use-cases/place-order.js";
import type { AlertPublisher } from "../../ports/alert-publisher.js";
import type { Clock } from "../../ports/clock.js";
import type { CommandQueue } from "../../ports/command-queue.js";
import type { FileHistory } from "../../ports/file-history.js";
import type { Logger } from "../../ports/logger.js";
import type { ObjectStore } from "../../ports/object-store.js";
import type { OrderFileLimits } from "./order-file-reader.js";

/** Every port the batch-file flows use. */
export interface FileFlowServices {
  /** The bucket: files arrive under `incoming/`. */
  readonly objects: ObjectStore;
  readonly history: FileHistory;
  readonly alerts: AlertPublisher;
  /** Places the valid orders of a file, as the API places one (records each, asks for its validation). */
  readonly placeOrder: OrderPlacer;
  /** The file-extraction queue (validated files, and continuations of long extractions). */
  readonly extractionQueue: CommandQueue;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** What extraction needs of the PlaceOrder use case. */
export type OrderPlacer = Pick<PlaceOrder, "executeAll">;

export interface FilePrefixes {
  readonly incoming: string;
  readonly processed: string;
  readonly rejected: string;
}

export const DEFAULT_FILE_PREFIXES: FilePrefixes = {
  incoming: "incoming/",
  processed: "processed/",
  rejected: "rejected/",
};

/** Progress of a long read, for a progress line. */
export interface FileProgress {
  readonly phase: "validate" | "extract";
  readonly fileKey: string;
  readonly bytes: number;
  readonly totalBytes: number;
  readonly orders: number;
}

export interface FileFlowOptions {
  readonly limits?: Partial<OrderFileLimits> | undefined;
  /** Errors kept in the history record and shown in the alert (default 100). */
  readonly maxErrors?: number | undefined;
  /** Extraction saves its progress every this many orders (default 10,000). */
  readonly checkpointEvery?: number | undefined;
  /**
   * Extraction stops, saves its progress and re-enqueues itself when the
   * invocation has less than this left (default 60 s): enough for the sends
   * in flight and the checkpoint write.
   */
  readonly reserveMs?: number | undefined;
  /** SendMessageBatch calls in flight at once during extraction (default 4). */
  readonly sendConcurrency?: number | undefined;
  readonly prefixes?: Partial<FilePrefixes> | undefined;
  readonly onProgress?: ((progress: FileProgress) => void) | undefined;
  /** How often `onProgress` is called, in bytes read (default 8 MiB). */
  readonly progressEveryBytes?: number | undefined;
}

export interface ResolvedFileFlowOptions {
  readonly limits: Partial<OrderFileLimits>;
  readonly maxErrors: number;
  readonly checkpointEvery: number;
  readonly reserveMs: number;
  readonly sendConcurrency: number;
  readonly prefixes: FilePrefixes;
  readonly onProgress: ((progress: FileProgress) => void) | undefined;
  readonly progressEveryBytes: number;
}

export function resolveFileFlowOptions(options: FileFlowOptions = {}): ResolvedFileFlowOptions {
  return {
    limits: options.limits ?? {},
    maxErrors: options.maxErrors ?? 100,
    checkpointEvery: options.checkpointEvery ?? 10_000,
    reserveMs: options.reserveMs ?? 60_000,
    sendConcurrency: Math.max(1, options.sendConcurrency ?? 4),
    prefixes: { ...DEFAULT_FILE_PREFIXES, ...options.prefixes },
    onProgress: options.onProgress,
    progressEveryBytes: options.progressEveryBytes ?? 8 * 1024 * 1024,
  };
}

/** `incoming/a/b.jsonl` → `processed/a/b.jsonl`. */
export function relocatedKey(key: string, prefixes: FilePrefixes, to: "processed" | "rejected"): string {
  const rest = key.startsWith(prefixes.incoming) ? key.slice(prefixes.incoming.length) : key;
  return `${prefixes[to]}${rest}`;
}

/** The last segment of a key, for subjects and logs. */
export function fileNameOf(key: string): string {
  return key.slice(key.lastIndexOf("/") + 1);
}
