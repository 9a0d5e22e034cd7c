import { OrderFileError } from "../files/order-file-errors.js";
import {
  DEFAULT_ORDER_FILE_LIMITS,
  type OrderFileEntry,
  type OrderFileFormat,
  OrderFileReader,
} from "../files/order-file-reader.js";
import type { Alert, FileError, FileRecord, FileStatus, ObjectContent } from "../ports.js";
import {
  checkFileOrder,
  closeContent,
  type FileFlowOptions,
  type FileFlowPorts,
  fileAlert,
  type Relocation,
  type ResolvedFileFlowOptions,
  relocatedKey,
  relocateFile,
  requestExtraction,
  resolveFileFlowOptions,
  unquote,
} from "./file-flow.js";
import { isConcurrencyConflict } from "./unit-of-work.js";

/** A new file version, as its notification names it. */
export interface FileNotification {
  readonly key: string;
  readonly size: number;
  /** Without quotes. */
  readonly etag: string;
  /** Present on versioned buckets. */
  readonly versionId?: string | undefined;
}

/** What reading and checking a file found. */
export interface FileValidation {
  readonly status: Exclude<FileStatus, "VALIDATING" | "EXTRACTING" | "EXTRACTED">;
  readonly format?: OrderFileFormat | undefined;
  readonly counts: { readonly total: number; readonly valid: number; readonly invalid: number };
  /** The file-level reason first (if any), then the first order errors. */
  readonly errors: readonly FileError[];
  /** Why the file was rejected as a whole. */
  readonly reason?: { readonly code: string; readonly message: string } | undefined;
  readonly bytes: number;
  readonly durationMs: number;
}

/** What {@link ValidateFile} did with one notification. */
export interface ValidateFileResult {
  /** The file version's record, as stored afterwards. */
  readonly record: FileRecord;
  /** What this call found; absent when the version was validated before (a repeated notification). */
  readonly validation?: FileValidation | undefined;
  /** A rejected file's move to `rejected/` (or why it stayed). */
  readonly relocation?: Relocation | undefined;
}

/**
 * The validate-file step: the file version a notification names is read as
 * a stream, every order is checked, and the outcome is recorded once per file
 * version in the file history (`VALID`, `PARTIALLY_VALID` or `REJECTED`, with
 * counts and the first errors by order index and field path).
 *
 * An alert goes out (before the record is final) when anything is invalid.
 * Once the record is final, a valid or partially valid file is handed to the
 * extraction queue and stays at `incoming/` (extraction streams it from there,
 * checking its ETag, and moves it to `processed/` when done); a rejected file
 * moves to `rejected/`.
 *
 * Idempotent: a notification for a version already validated changes nothing
 * but completes what a crash may have cut short: the move of a rejected file,
 * or the extraction message of a file validated but not yet extracted (sent
 * again; extraction ignores a message for a file it has started or finished).
 * A crash before the record is final makes the retry validate again, so its
 * alert may go out twice: alerts are at least once.
 *
 * Every order is checked with `PlaceOrderSchema`, the schema the API
 * checks a PlaceOrder request with.
 */
export class ValidateFile {
  private readonly options: ResolvedFileFlowOptions;

  constructor(
    private readonly ports: FileFlowPorts,
    options: FileFlowOptions = {},
  ) {
    this.options = resolveFileFlowOptions(options);
  }

  async execute(file: FileNotification): Promise<ValidateFileResult> {
    const { history, clock } = this.ports;
    const fileVersion = file.versionId ?? file.etag;

    let record = await history.get(file.key, fileVersion);
    if (!record) {
      const draft = {
        fileKey: file.key,
        fileVersion,
        status: "VALIDATING" as const,
        size: file.size,
        counts: { total: 0, valid: 0, invalid: 0 },
        errors: [],
        startedAt: clock.now().toISOString(),
        location: file.key,
      };
      await history.create(draft);
      record = await history.get(file.key, fileVersion);
      if (!record) throw new Error(`file record ${file.key} ${fileVersion} vanished after its creation`);
    }
    if (record.status !== "VALIDATING") return this.settle(record, file);

    const content = await this.ports.objects.get(file.key);
    const superseded = content !== undefined && isSuperseded(content, file);
    if (content && superseded) await closeContent(content);
    const validation = !content
      ? failed("OBJECT_NOT_FOUND", "the object no longer exists", 0)
      : superseded
        ? failed(
            "FILE_SUPERSEDED",
            "a newer upload replaced the object before it was read; the newer version is processed on its own",
            0,
          )
        : await this.validate(content, file.key);
    if (validation.status !== "VALID" && !superseded)
      await this.ports.alerts.publish([this.alertFor(file, fileVersion, validation)]);
    const final: FileRecord = {
      ...record,
      status: validation.status,
      ...(validation.format ? { format: validation.format } : {}),
      size: content?.size ?? file.size,
      counts: validation.counts,
      errors: validation.errors,
      finishedAt: clock.now().toISOString(),
      revision: record.revision + 1,
      // A superseded version no longer has an object of its own to move.
      location: superseded || !content ? undefined : file.key,
    };
    try {
      await history.update(final);
    } catch (error) {
      if (!isConcurrencyConflict(error)) throw error;
      // A concurrent delivery of the same notification finished first: its outcome stands.
      const winner = await history.get(file.key, fileVersion);
      if (!winner || winner.status === "VALIDATING") throw error;
      return this.settle(winner, file);
    }
    return { ...(await this.settle(final, file)), validation };
  }

  /** Reads the whole object and checks every order. Throws only what a retry may fix (I/O). */
  async validate(content: ObjectContent, fileKey: string): Promise<FileValidation> {
    const started = performance.now();
    const { maxErrors, onProgress, progressEveryBytes } = this.options;
    const limits = { ...DEFAULT_ORDER_FILE_LIMITS, ...this.options.limits };
    const reader = new OrderFileReader({ fileName: fileKey, limits });
    const errors: FileError[] = [];
    let valid = 0;
    let invalid = 0;
    const tally = (entries: readonly OrderFileEntry[]) => {
      for (const entry of entries) {
        if (entry.error !== undefined) {
          invalid++;
          if (errors.length < maxErrors)
            errors.push({ index: entry.index, path: "", message: atLine(entry.error, entry.line) });
          continue;
        }
        const check = checkFileOrder(entry.value);
        if (check.ok) {
          valid++;
          continue;
        }
        invalid++;
        for (const issue of check.issues) {
          if (errors.length >= maxErrors) break;
          errors.push({
            index: entry.index,
            path: issue.path,
            message: atLine(clip(issue.message), entry.line),
          });
        }
      }
    };
    const result = (reason?: OrderFileError): FileValidation => {
      const total = valid + invalid;
      const status = reason || valid === 0 ? "REJECTED" : invalid > 0 ? "PARTIALLY_VALID" : "VALID";
      const emptyReason =
        !reason && total === 0 ? { code: "FILE_EMPTY", message: "the file holds no orders" } : undefined;
      const why = reason ? { code: reason.code, message: reason.message } : emptyReason;
      return {
        status,
        format: reader.format,
        counts: { total, valid, invalid },
        errors: why
          ? [{ path: "", message: `${why.code}: ${why.message}` }, ...errors].slice(0, Math.max(1, maxErrors))
          : errors,
        reason: why,
        bytes: reader.bytesRead,
        durationMs: performance.now() - started,
      };
    };

    if (content.size > limits.maxFileBytes) {
      await closeContent(content);
      return result(
        new OrderFileError("FILE_TOO_LARGE", `the file is larger than ${limits.maxFileBytes} bytes`, 0),
      );
    }
    let nextProgress = progressEveryBytes;
    try {
      for await (const chunk of content.body) {
        tally(reader.write(chunk));
        if (onProgress && reader.bytesRead >= nextProgress) {
          nextProgress = reader.bytesRead + progressEveryBytes;
          onProgress({
            phase: "validate",
            fileKey,
            bytes: reader.bytesRead,
            totalBytes: content.size,
            orders: reader.orderCount,
          });
        }
      }
      tally(reader.end());
      onProgress?.({
        phase: "validate",
        fileKey,
        bytes: reader.bytesRead,
        totalBytes: content.size,
        orders: reader.orderCount,
      });
    } catch (error) {
      if (error instanceof OrderFileError) return result(error);
      throw error;
    }
    return result();
  }

  /**
   * Completes what a final record implies: a valid or partially valid file not
   * yet extracted is (again) handed to the extraction queue; a rejected file
   * leaves `incoming/`. Run after the record is final, so that extract-orders
   * never receives a message for a file still `VALIDATING`; and again for a
   * repeated notification, so that a crash between the record write and the
   * send cannot strand the file (extraction ignores a second message).
   */
  private async settle(record: FileRecord, file: FileNotification): Promise<ValidateFileResult> {
    if (record.status === "VALID" || record.status === "PARTIALLY_VALID") {
      await requestExtraction(this.ports.extractionQueue, {
        type: "ExtractFile",
        fileKey: record.fileKey,
        fileVersion: record.fileVersion,
        etag: file.etag,
        continuation: 0,
      });
      return { record };
    }
    if (record.status !== "REJECTED") return { record };
    return relocateFile(
      this.ports,
      record,
      file.etag,
      relocatedKey(file.key, this.options.prefixes, "rejected"),
    );
  }

  private alertFor(file: FileNotification, fileVersion: string, validation: FileValidation): Alert {
    const rejected = validation.status === "REJECTED";
    return fileAlert(
      rejected ? "FILE_REJECTED" : "FILE_PARTIALLY_VALID",
      rejected ? "rejected" : "partially valid",
      {
        fileKey: file.key,
        fileVersion,
        status: validation.status,
        format: validation.format,
        counts: validation.counts,
        reason: validation.reason,
        errors: validation.errors,
      },
    );
  }
}

function failed(code: string, message: string, bytes: number): FileValidation {
  return {
    status: "REJECTED",
    counts: { total: 0, valid: 0, invalid: 0 },
    errors: [{ path: "", message: `${code}: ${message}` }],
    reason: { code, message },
    bytes,
    durationMs: 0,
  };
}

/** The object now in the store is not the version the notification announced. */
function isSuperseded(content: ObjectContent, file: FileNotification): boolean {
  if (file.versionId !== undefined && content.versionId !== undefined)
    return file.versionId !== content.versionId;
  return file.etag !== "" && unquote(content.etag) !== file.etag;
}

/** One line on a validation: `25 orders, 24 valid, 1 invalid`, and the file's reason if it was rejected whole. */
export function validationSummary(validation: FileValidation): string {
  const { total, valid, invalid } = validation.counts;
  const reason = validation.reason ? ` (${validation.reason.message})` : "";
  return `${total} orders, ${valid} valid, ${invalid} invalid${reason}`;
}

function atLine(message: string, line: number | undefined): string {
  return line === undefined ? message : `line ${line}: ${message}`;
}

function clip(message: string): string {
  return message.length > 300 ? `${message.slice(0, 299)}…` : message;
}
