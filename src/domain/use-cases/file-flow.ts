import * as z from "zod/mini";
import { deliverableJson, escapeUndeliverable } from "../deliverable-text.js";
import type { OrderFileLimits } from "../files/order-file-reader.js";
import { type UnchangedBySchema, unchangedBySchema } from "../files/unchanged-by-schema.js";
import type {
  Alert,
  AlertPublisher,
  Clock,
  CommandQueue,
  FileError,
  FileHistory,
  FileRecord,
  FileStatus,
  ObjectContent,
  ObjectStore,
} from "../ports.js";
import { type ParseResult, type PlaceOrderInput, PlaceOrderSchema, parseWith } from "../schemas.js";

/**
 * What the two batch-file use cases (validate-file, extract-orders) share:
 * their ports, options, the extraction message, and the steps both take.
 */

/** The ports both batch-file use cases call. */
export interface FileFlowPorts {
  /** The bucket: files arrive under `incoming/`. */
  readonly objects: ObjectStore;
  readonly history: FileHistory;
  readonly alerts: AlertPublisher;
  /** The file-extraction queue (validated files, and continuations of long extractions). */
  readonly extractionQueue: CommandQueue;
  readonly clock: Clock;
}

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

/**
 * Body of a message on the file-extraction queue: which file version to
 * extract. The progress itself lives in the file-history record (its
 * checkpoint), so a continuation message is the same message again.
 */
export const ExtractFileMessageSchema = z.object({
  type: z.literal("ExtractFile"),
  fileKey: z.string().check(z.minLength(1), z.maxLength(1024)),
  fileVersion: z.string().check(z.minLength(1), z.maxLength(1024)),
  /** The ETag validated: extraction refuses an object whose content changed since. */
  etag: z.string().check(z.maxLength(1024)),
  /** 0 for the first message, then 1, 2, … for each continuation (for logs). */
  continuation: z._default(z.number().check(z.int(), z.minimum(0)), 0),
});

export type ExtractFileMessage = z.infer<typeof ExtractFileMessageSchema>;

/** Hands a file version to extract-orders (again, for a continuation). */
export async function requestExtraction(queue: CommandQueue, message: ExtractFileMessage): Promise<void> {
  await queue.send([
    {
      id: message.continuation === 0 ? "extract" : "continue",
      body: deliverableJson(message),
      attributes: { type: "ExtractFile" },
    },
  ]);
}

/** A file key as an alert attribute: its first 1,024 characters, with those a topic refuses escaped. */
export function keyAttribute(key: string): string {
  return escapeUndeliverable(key.slice(0, 1024));
}

/** What a file alert says about the file: where it stands and the first of its errors. */
export interface FileAlertFacts {
  readonly fileKey: string;
  readonly fileVersion: string;
  readonly status: FileStatus;
  readonly format?: "json" | "jsonl" | undefined;
  readonly counts: FileRecord["counts"];
  readonly reason?: { readonly code: string; readonly message: string } | undefined;
  readonly errors: readonly FileError[];
}

/** Errors an alert names: enough to act on, small enough for any topic. */
const ALERT_ERRORS = 20;

/**
 * The alert of a file that was rejected, or some of whose orders are invalid
 * (found by validation, or refused by the intake queue during extraction): one
 * shape for both, filterable by `status`, `fileKey` and `invalidCount`.
 */
export function fileAlert(
  kind: "FILE_REJECTED" | "FILE_PARTIALLY_VALID",
  headline: string,
  facts: FileAlertFacts,
): Alert {
  const { reason } = facts;
  return {
    kind,
    severity: kind === "FILE_REJECTED" ? "ERROR" : "WARNING",
    subject: subjectLine(`orderflow: file ${headline}: ${fileNameOf(facts.fileKey)}`),
    message: deliverableJson({ ...facts, errors: facts.errors.slice(0, ALERT_ERRORS) }, 2),
    attributes: {
      status: facts.status,
      fileKey: keyAttribute(facts.fileKey),
      invalidCount: String(facts.counts.invalid),
      ...(reason ? { reason: reason.code } : {}),
    },
  };
}

/** SNS subjects: printable ASCII, fewer than 100 characters. */
function subjectLine(text: string): string {
  const ascii = text.replace(/[^\x20-\x7e]/gu, "?");
  return ascii.length > 99 ? `${ascii.slice(0, 98)}~` : ascii;
}

/** An ETag without its quotes (S3 quotes them in some answers and not in others). */
export function unquote(etag: string): string {
  return etag.replace(/^"|"$/g, "");
}

/** What became of a file that was to move (`moved`, or why it stayed). */
export interface Relocation {
  readonly from: string;
  readonly to: string;
  readonly outcome: "moved" | "replaced by a newer upload" | "gone";
}

/**
 * Moves a file version from where its record says it is to `to`, and records
 * the new location. Safe to repeat (a retry after a crash between the move and
 * the record write finds the object already at `to`), and guarded by the
 * ETag: when a newer upload replaced the object under the same key, the newer
 * one is left alone for its own notification to handle.
 * @returns the record as stored afterwards, and what happened (nothing when it was already at `to`).
 */
export async function relocateFile(
  ports: { readonly objects: ObjectStore; readonly history: FileHistory },
  record: FileRecord,
  etag: string,
  to: string,
): Promise<{ readonly record: FileRecord; readonly relocation?: Relocation | undefined }> {
  const from = record.location;
  if (from === undefined || from === to) return { record };
  const source = await ports.objects.head(from);
  if (source && unquote(source.etag) !== unquote(etag))
    return { record, relocation: { from, to, outcome: "replaced by a newer upload" } };
  if (source) await ports.objects.move(from, to);
  else if (!(await ports.objects.head(to))) return { record, relocation: { from, to, outcome: "gone" } };
  const moved: FileRecord = { ...record, location: to, revision: record.revision + 1 };
  await ports.history.update(moved);
  return { record: moved, relocation: { from, to, outcome: "moved" } };
}

/**
 * Closes the body of an object that will not be read to its end (a superseded
 * or oversized file, a changed ETag). An unread S3 response keeps its socket
 * busy, and a warm Lambda that leaks one per skipped file runs out of them.
 * An iterator's `return()` is how an async iterable is told to let go (it is
 * what `for await` calls on `break`).
 */
export async function closeContent(content: ObjectContent): Promise<void> {
  try {
    await content.body[Symbol.asyncIterator]().return?.();
  } catch {
    // Closing is clean-up: the object was not going to be read either way, and
    // a stream that fails while closing has already let go of its connection.
  }
}

let canonicalOrder: UnchangedBySchema | undefined;

/**
 * Checks one order of a file with {@link PlaceOrderSchema}, the API's schema.
 * A file holds up to millions of orders and the schema costs several times
 * what parsing the JSON does, so the quick test compiled from the same schema
 * answers first for the usual order (valid, already canonical); any other
 * goes through the schema itself.
 * @returns for an order the quick test accepts, `value` itself (not a copy).
 */
export function checkFileOrder(value: unknown): ParseResult<PlaceOrderInput> {
  canonicalOrder ??= unchangedBySchema(PlaceOrderSchema);
  return canonicalOrder(value)
    ? { ok: true, value: value as PlaceOrderInput }
    : parseWith(PlaceOrderSchema, value);
}
