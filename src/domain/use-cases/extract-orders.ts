import { deliverableJson } from "../deliverable-text.js";
import { OrderflowError } from "../errors.js";
import { DEFAULT_ORDER_FILE_LIMITS, OrderFileReader } from "../files/order-file-reader.js";
import type { FileError, FileRecord } from "../ports.js";
import type { PlaceOrderInput } from "../schemas.js";
import {
  checkFileOrder,
  closeContent,
  type ExtractFileMessage,
  type FileFlowOptions,
  type FileFlowPorts,
  fileAlert,
  keyAttribute,
  type Relocation,
  type ResolvedFileFlowOptions,
  relocatedKey,
  relocateFile,
  requestExtraction,
  resolveFileFlowOptions,
  unquote,
} from "./file-flow.js";
import { isConcurrencyConflict } from "./unit-of-work.js";

/** A valid order of a file, with its position in the file. */
export interface FileOrder {
  /** 0-based position of the order in the file: with the file version, what identifies it. */
  readonly index: number;
  readonly order: PlaceOrderInput;
}

/** An order of a file that was not placed, and why. */
export interface FileOrderNotPlaced {
  readonly index: number;
  readonly orderId: string;
  /**
   * `ID_TAKEN`: another order holds its id. `UNDELIVERABLE`: the intake queue
   * refused its validation request for good (sending it again cannot succeed).
   */
  readonly outcome: "ID_TAKEN" | "UNDELIVERABLE";
  /** `UNDELIVERABLE`: what the queue said. */
  readonly reason?: string | undefined;
}

/** The file version the orders come from. */
export interface OrderFileVersion {
  readonly fileKey: string;
  readonly fileVersion: string;
}

/**
 * Places valid orders of a file (with the PlaceOrder use case, under ids
 * derived from the file version and each order's index): the one step of
 * extraction that places orders. Called with at most {@link ORDERS_PER_SEND}
 * orders at a time, several calls in flight at once. It must be idempotent
 * per (file version, index): after a crash, orders since the last checkpoint
 * are placed again.
 * @returns the orders not placed: their id is taken, or the queue refused them for good.
 * @throws whatever failed otherwise; extraction stops, and its retry resumes from the last checkpoint.
 */
export type PlaceFileOrders = (
  orders: readonly FileOrder[],
  file: OrderFileVersion,
) => Promise<readonly FileOrderNotPlaced[]>;

/** What extract-orders calls: the file ports, and how valid orders are placed. */
export interface ExtractOrdersDeps extends FileFlowPorts {
  readonly placeOrders: PlaceFileOrders;
}

/** Orders are placed in groups of this many (SendMessageBatch takes at most 10 entries). */
const ORDERS_PER_SEND = 10;

export interface ExtractionContext {
  /** Milliseconds left in this invocation (Lambda's `context.getRemainingTimeInMillis`); unlimited when absent. */
  readonly remainingTimeMs?: (() => number) | undefined;
}

export type ExtractionOutcome =
  /** Every valid order was sent; the file moved to `processed/`. */
  | "EXTRACTED"
  /** Time ran low: progress saved, a continuation message enqueued. */
  | "CONTINUED"
  /** Another invocation is extracting this file and got further: this one stopped. */
  | "SUPERSEDED"
  /** Nothing to do (already extracted, or rejected). */
  | "SKIPPED"
  /** The object is gone or changed: an alert says so, the record keeps its progress. */
  | "FAILED";

export interface ExtractionResult {
  readonly outcome: ExtractionOutcome;
  readonly record?: FileRecord | undefined;
  /** Orders placed by this invocation. */
  readonly sent: number;
  /** Orders of this invocation not placed because other orders hold their ids (an alert names them). */
  readonly idsTaken?: number | undefined;
  /** Orders of this invocation the intake queue refused for good: recorded as invalid (an alert names them). */
  readonly undeliverable?: number | undefined;
  /** Where this invocation started reading (index 0: the start of the file); absent when it read nothing. */
  readonly startCheckpoint?: NonNullable<FileRecord["checkpoint"]> | undefined;
  /** `FAILED`: why. */
  readonly reason?: string | undefined;
  /** `EXTRACTED` (or `SKIPPED`, already extracted): the file's move to `processed/`, or why it stayed. */
  readonly relocation?: Relocation | undefined;
}

/** The file is still being validated (its extraction message overtook the record): retry later. */
export class FileNotReadyError extends OrderflowError {
  readonly code = "FILE_NOT_READY";
  readonly retryable = true;
}

/**
 * The extract-orders step: streams a validated file again (from its
 * checkpoint), checks each order with `PlaceOrderSchema` and places the valid
 * ones ({@link PlaceFileOrders}), in groups of 10: their validation is asked
 * for on the intake FIFO queue (one SendMessageBatch a group), then each is recorded.
 * An order whose id another order holds is not placed: an alert names it.
 * An order the intake queue refuses for good (what it holds cannot be
 * carried) is recorded as invalid in the file's history, by index and reason,
 * and an alert names it; the others go on, so one such order never costs the
 * file its good ones. Any other failure stops extraction for a retry.
 *
 * - An order is identified by (file key, version, index), so whatever is
 *   placed twice (a retry after a crash, a duplicate message) places the same
 *   order again, which the pipeline treats as a no-op.
 * - Progress (byte offset just past an order, next index, orders placed) is saved
 *   in the history record every `checkpointEvery` orders, always at a point
 *   where every earlier send has completed. When the invocation runs low on
 *   time it saves progress and re-enqueues its message; a retry after a crash
 *   resumes from the last checkpoint too, never from the start.
 * - Checkpoint writes are conditional: when two invocations extract the same
 *   file (a duplicate message), the one that loses a write stops.
 */
export class ExtractOrders {
  private readonly options: ResolvedFileFlowOptions;

  constructor(
    private readonly deps: ExtractOrdersDeps,
    options: FileFlowOptions = {},
  ) {
    this.options = resolveFileFlowOptions(options);
  }

  async execute(message: ExtractFileMessage, context: ExtractionContext = {}): Promise<ExtractionResult> {
    const { history, objects, clock } = this.deps;
    let record = await history.get(message.fileKey, message.fileVersion);
    if (!record)
      throw new FileNotReadyError(`no history record for ${message.fileKey} ${message.fileVersion}`);
    switch (record.status) {
      case "VALIDATING":
        throw new FileNotReadyError(`${message.fileKey} ${message.fileVersion} is still being validated`);
      case "REJECTED":
        return { outcome: "SKIPPED", record, sent: 0 };
      case "EXTRACTED":
        return { outcome: "SKIPPED", sent: 0, ...(await this.finish(record, message)) };
      case "VALID":
      case "PARTIALLY_VALID": {
        const started: FileRecord = {
          ...record,
          status: "EXTRACTING",
          checkpoint: { byteOffset: 0, index: 0, sent: 0 },
          revision: record.revision + 1,
        };
        try {
          await history.update(started);
          record = started;
        } catch (error) {
          if (!isConcurrencyConflict(error)) throw error;
          return this.execute(message, context);
        }
        break;
      }
      case "EXTRACTING":
        break;
    }

    const checkpoint = record.checkpoint ?? { byteOffset: 0, index: 0, sent: 0 };
    const content = await objects.get(record.location ?? message.fileKey, {
      fromByte: checkpoint.byteOffset,
    });
    if (!content || unquote(content.etag) !== unquote(message.etag)) {
      if (content) await closeContent(content);
      return this.fail(
        record,
        message,
        content ? "the file changed since it was validated" : "the file is gone",
      );
    }

    const file: OrderFileVersion = { fileKey: message.fileKey, fileVersion: message.fileVersion };
    const reader = new OrderFileReader({
      format: record.format,
      fileName: message.fileKey,
      limits: { ...DEFAULT_ORDER_FILE_LIMITS, ...this.options.limits },
      resume:
        checkpoint.byteOffset > 0
          ? { byteOffset: checkpoint.byteOffset, index: checkpoint.index }
          : undefined,
    });
    // Orders not placed since the last report: reported (and the refused ones recorded)
    // before any progress past them is saved.
    const idsTaken: FileOrderNotPlaced[] = [];
    const undeliverable: FileOrderNotPlaced[] = [];
    let idsTakenHere = 0;
    let undeliverableHere = 0;
    const window = new SendWindow(async (orders) => {
      const notPlaced = await this.deps.placeOrders(orders, file);
      sent += orders.length - notPlaced.length;
      sentHere += orders.length - notPlaced.length;
      for (const order of notPlaced) {
        if (order.outcome === "ID_TAKEN") {
          idsTakenHere++;
          idsTaken.push(order);
        } else {
          undeliverableHere++;
          undeliverable.push(order);
        }
      }
    }, this.options.sendConcurrency);
    const remaining = context.remainingTimeMs;
    const { checkpointEvery, reserveMs, onProgress, progressEveryBytes } = this.options;
    let pending: FileOrder[] = [];
    let sent = checkpoint.sent;
    let sentHere = 0;
    /**
     * Waits for every placement in flight, reports the ids they found taken, and
     * gives `current` the orders refused since: counted invalid, named in its errors.
     */
    const settle = async (current: FileRecord): Promise<FileRecord> => {
      await window.drain();
      if (idsTaken.length > 0) await this.reportIdsTaken(message, idsTaken.splice(0));
      if (undeliverable.length === 0) return current;
      const refused = undeliverable.splice(0);
      const updated = withInvalidOrders(current, refused, this.options.maxErrors);
      await this.reportUndeliverable(message, updated, refused);
      return updated;
    };
    let sinceCheckpoint = 0;
    let sinceClock = 0;
    let nextProgress = reader.bytesRead + progressEveryBytes;

    /** Hands the pending orders to `placeOrders` (through the window: it may still be in flight). */
    const flush = async () => {
      if (pending.length === 0) return;
      await window.push(pending);
      pending = [];
    };

    const save = async (position: { byteOffset: number; index: number }): Promise<boolean> => {
      const settled = await settle(record!);
      const next: FileRecord = {
        ...settled,
        checkpoint: { ...position, sent },
        revision: record!.revision + 1,
      };
      try {
        await history.update(next);
      } catch (error) {
        if (isConcurrencyConflict(error)) return false;
        throw error;
      }
      record = next;
      sinceCheckpoint = 0;
      return true;
    };

    for await (const entries of reader.entries(content.body)) {
      for (const entry of entries) {
        sinceCheckpoint++;
        if (entry.error === undefined) {
          const check = checkFileOrder(entry.value);
          if (check.ok) {
            pending.push({ index: entry.index, order: check.value });
            if (pending.length === ORDERS_PER_SEND) {
              await flush();
            }
          }
        }
        let timeLow = false;
        // Asking for the time is cheap, but not free: every 50 orders is often enough.
        if (remaining !== undefined && ++sinceClock >= 50) {
          sinceClock = 0;
          timeLow = remaining() < reserveMs;
        }
        if (timeLow || (pending.length === 0 && sinceCheckpoint >= checkpointEvery)) {
          await flush();
          const position = { byteOffset: entry.end, index: entry.index + 1 };
          if (!(await save(position))) return superseded(sentHere, checkpoint);
          if (timeLow) {
            const continued = await this.continueLater(record, message, sentHere, checkpoint);
            return { ...continued, idsTaken: idsTakenHere, undeliverable: undeliverableHere };
          }
        }
      }
      if (onProgress && reader.bytesRead >= nextProgress) {
        nextProgress = reader.bytesRead + progressEveryBytes;
        onProgress({
          phase: "extract",
          fileKey: message.fileKey,
          bytes: reader.bytesRead,
          totalBytes: content.size,
          orders: sent,
        });
      }
    }
    await flush();
    const settled = await settle(record);
    const done: FileRecord = {
      ...settled,
      status: "EXTRACTED",
      checkpoint: { byteOffset: reader.bytesRead, index: reader.orderCount, sent },
      finishedAt: clock.now().toISOString(),
      revision: record.revision + 1,
    };
    try {
      await history.update(done);
    } catch (error) {
      if (isConcurrencyConflict(error)) return superseded(sentHere, checkpoint);
      throw error;
    }
    onProgress?.({
      phase: "extract",
      fileKey: message.fileKey,
      bytes: reader.bytesRead,
      totalBytes: content.size,
      orders: sent,
    });
    return {
      outcome: "EXTRACTED",
      sent: sentHere,
      idsTaken: idsTakenHere,
      undeliverable: undeliverableHere,
      startCheckpoint: checkpoint,
      ...(await this.finish(done, message)),
    };
  }

  private finish(record: FileRecord, message: ExtractFileMessage) {
    return relocateFile(
      this.deps,
      record,
      message.etag,
      relocatedKey(message.fileKey, this.options.prefixes, "processed"),
    );
  }

  private async continueLater(
    record: FileRecord,
    message: ExtractFileMessage,
    sent: number,
    startCheckpoint: ExtractionResult["startCheckpoint"],
  ): Promise<ExtractionResult> {
    await requestExtraction(this.deps.extractionQueue, {
      ...message,
      continuation: message.continuation + 1,
    });
    return { outcome: "CONTINUED", record, sent, startCheckpoint };
  }

  /** The orders of the file that other orders' ids kept out (the first 100 named; the alert stays small). */
  private async reportIdsTaken(
    message: ExtractFileMessage,
    taken: readonly FileOrderNotPlaced[],
  ): Promise<void> {
    await this.deps.alerts.publish([
      {
        kind: "FILE_ORDER_ID_TAKEN",
        severity: "WARNING",
        subject: "orderflow: orders of a file not placed, their ids are taken",
        message: deliverableJson({
          fileKey: message.fileKey,
          fileVersion: message.fileVersion,
          count: taken.length,
          orders: taken.slice(0, 100).map(({ index, orderId }) => ({ index, orderId })),
        }),
        attributes: { fileKey: keyAttribute(message.fileKey) },
      },
    ]);
  }

  /**
   * Orders found undeliverable during extraction make the file partially
   * valid: the alert is the one validation sends for such a file, with the
   * counts as they now stand and the first refused orders named.
   */
  private async reportUndeliverable(
    message: ExtractFileMessage,
    record: FileRecord,
    refused: readonly FileOrderNotPlaced[],
  ): Promise<void> {
    await this.deps.alerts.publish([
      fileAlert("FILE_PARTIALLY_VALID", "orders the intake queue refused", {
        fileKey: message.fileKey,
        fileVersion: message.fileVersion,
        status: record.status,
        format: record.format,
        counts: record.counts,
        errors: refused.map(undeliverableError),
      }),
    ]);
  }

  private async fail(
    record: FileRecord,
    message: ExtractFileMessage,
    reason: string,
  ): Promise<ExtractionResult> {
    await this.deps.alerts.publish([
      {
        kind: "FILE_EXTRACTION_FAILED",
        severity: "ERROR",
        subject: "orderflow: file extraction failed",
        message: deliverableJson({
          fileKey: message.fileKey,
          fileVersion: message.fileVersion,
          reason,
          checkpoint: record.checkpoint,
        }),
        attributes: { status: record.status, fileKey: keyAttribute(message.fileKey) },
      },
    ]);
    return { outcome: "FAILED", record, sent: 0, reason };
  }
}

/**
 * `record` with `refused` (valid orders the queue would not take) counted
 * invalid and named among its errors, which stay in index order and bounded.
 */
function withInvalidOrders(
  record: FileRecord,
  refused: readonly FileOrderNotPlaced[],
  maxErrors: number,
): FileRecord {
  const { total, valid, invalid } = record.counts;
  const errors = [...record.errors, ...refused.map(undeliverableError)]
    .sort((a, b) => (a.index ?? -1) - (b.index ?? -1))
    .slice(0, maxErrors);
  return {
    ...record,
    counts: { total, valid: valid - refused.length, invalid: invalid + refused.length },
    errors,
  };
}

function undeliverableError(order: FileOrderNotPlaced): FileError {
  return {
    index: order.index,
    path: "",
    message: `the intake queue refused order ${order.orderId} for good: ${order.reason ?? "no reason given"}`,
  };
}

function superseded(sent: number, startCheckpoint: ExtractionResult["startCheckpoint"]): ExtractionResult {
  return { outcome: "SUPERSEDED", sent, startCheckpoint };
}

/**
 * Keeps up to `limit` groups of orders being placed at once (one
 * SendMessageBatch each, today), so a file is not sent at the pace of one
 * round trip per 10 orders. `drain` waits for all and rethrows the first failure.
 */
class SendWindow {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly place: (orders: readonly FileOrder[]) => Promise<void>,
    private readonly limit: number,
  ) {}

  async push(orders: readonly FileOrder[]): Promise<void> {
    while (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure.error;
    const sending: Promise<void> = this.place(orders).then(
      () => {
        this.inFlight.delete(sending);
      },
      (error: unknown) => {
        this.failure ??= { error };
        this.inFlight.delete(sending);
      },
    );
    this.inFlight.add(sending);
  }

  async drain(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure.error;
  }
}
