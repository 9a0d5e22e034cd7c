import { OrderflowError } from "../../domain/errors.js";
import type { PlaceOrderCommand } from "../../domain/use-cases/place-order.js";
import { ConcurrencyError } from "../../ports/errors.js";
import type { FileRecord } from "../../ports/file-history.js";
import type { Logger } from "../../ports/logger.js";
import { closeContent } from "./close-content.js";
import { type ExtractFileMessage, extractFileMessage, FileIds } from "./file-messages.js";
import {
  type FileFlowOptions,
  type FileFlowServices,
  type ResolvedFileFlowOptions,
  relocatedKey,
  resolveFileFlowOptions,
} from "./file-services.js";
import { checkOrder, type OrderCheck } from "./order-check.js";
import { DEFAULT_ORDER_FILE_LIMITS, OrderFileReader, type ParsedEntry } from "./order-file-reader.js";
import { relocateFile } from "./relocate-file.js";
import { unquote } from "./s3-events.js";

/** SendMessageBatch takes at most 10 entries: orders are sent in groups of exactly that many. */
export const ORDERS_PER_SEND = 10;

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
  /** Orders sent by this invocation. */
  readonly sent: number;
}

/** The file is still being validated (its extraction message overtook the record): retry later. */
export class FileNotReadyError extends OrderflowError {
  readonly code = "FILE_NOT_READY";
  readonly retryable = true;
}

/**
 * The extract-orders step: streams a validated file again (from its
 * checkpoint) and sends each valid order to the intake FIFO queue as a
 * PlaceOrder command, in SendMessageBatch-sized groups of 10.
 *
 * - Ids are derived from (file key, version, index) ({@link FileIds}): an
 *   order without `orderId` gets one, every command gets a deduplication id,
 *   so whatever is sent twice (a retry after a crash, a duplicate message) is
 *   dropped by the FIFO queue, and after its 5-minute window still places the
 *   same order, which the intake treats as a no-op.
 * - Progress (byte offset just past an order, next index, orders sent) is saved
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
    private readonly services: FileFlowServices,
    options: FileFlowOptions = {},
  ) {
    this.options = resolveFileFlowOptions(options);
  }

  async execute(message: ExtractFileMessage, context: ExtractionContext = {}): Promise<ExtractionResult> {
    const { history, objects, clock } = this.services;
    const log = this.services.logger.child({
      flow: "extract-orders",
      fileKey: message.fileKey,
      fileVersion: message.fileVersion,
      continuation: message.continuation,
    });
    let record = await history.get(message.fileKey, message.fileVersion);
    if (!record)
      throw new FileNotReadyError(`no history record for ${message.fileKey} ${message.fileVersion}`);
    switch (record.status) {
      case "VALIDATING":
        throw new FileNotReadyError(`${message.fileKey} ${message.fileVersion} is still being validated`);
      case "REJECTED":
        log.warn("file was rejected: nothing to extract");
        return { outcome: "SKIPPED", record, sent: 0 };
      case "EXTRACTED":
        log.info("file already extracted: message ignored");
        return { outcome: "SKIPPED", record: await this.finish(record, message, log), sent: 0 };
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
          if (!(error instanceof ConcurrencyError)) throw error;
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
        log,
        content ? "the file changed since it was validated" : "the file is gone",
      );
    }
    log.info(checkpoint.index > 0 ? "extraction resumes from checkpoint" : "extraction starts", {
      checkpoint,
    });

    const ids = new FileIds(message.fileKey, message.fileVersion);
    const reader = new OrderFileReader({
      format: record.format,
      fileName: message.fileKey,
      limits: { ...DEFAULT_ORDER_FILE_LIMITS, ...this.options.limits },
      resume:
        checkpoint.byteOffset > 0
          ? { byteOffset: checkpoint.byteOffset, index: checkpoint.index }
          : undefined,
    });
    const window = new SendWindow((commands) => this.place(commands, log), this.options.sendConcurrency);
    const remaining = context.remainingTimeMs;
    const { checkpointEvery, reserveMs, onProgress, progressEveryBytes } = this.options;
    let pending: PlaceOrderCommand[] = [];
    let sent = checkpoint.sent;
    let sentHere = 0;
    let sinceCheckpoint = 0;
    let sinceClock = 0;
    let nextProgress = reader.bytesRead + progressEveryBytes;

    const save = async (position: { byteOffset: number; index: number }): Promise<boolean> => {
      await window.drain();
      const next: FileRecord = {
        ...record!,
        checkpoint: { ...position, sent },
        revision: record!.revision + 1,
      };
      try {
        await history.update(next);
      } catch (error) {
        if (error instanceof ConcurrencyError) return false;
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
          const check = checkOrder(entry.value);
          if (check.ok) {
            pending.push(this.command(entry, check, ids));
            if (pending.length === ORDERS_PER_SEND) {
              await window.push(pending);
              sent += pending.length;
              sentHere += pending.length;
              pending = [];
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
          if (pending.length > 0) {
            await window.push(pending);
            sent += pending.length;
            sentHere += pending.length;
            pending = [];
          }
          const position = { byteOffset: entry.end, index: entry.index + 1 };
          if (!(await save(position))) return this.superseded(log, sentHere);
          if (timeLow) return this.continueLater(record, message, log, sentHere);
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
    if (pending.length > 0) {
      await window.push(pending);
      sent += pending.length;
      sentHere += pending.length;
    }
    await window.drain();
    const done: FileRecord = {
      ...record,
      status: "EXTRACTED",
      checkpoint: { byteOffset: reader.bytesRead, index: reader.orderCount, sent },
      finishedAt: clock.now().toISOString(),
      revision: record.revision + 1,
    };
    try {
      await history.update(done);
    } catch (error) {
      if (error instanceof ConcurrencyError) return this.superseded(log, sentHere);
      throw error;
    }
    onProgress?.({
      phase: "extract",
      fileKey: message.fileKey,
      bytes: reader.bytesRead,
      totalBytes: content.size,
      orders: sent,
    });
    log.info(`file extracted: ${sent} orders sent to the intake queue`, {
      sent,
      sentNow: sentHere,
      counts: done.counts,
    });
    return { outcome: "EXTRACTED", record: await this.finish(done, message, log), sent: sentHere };
  }

  /** The PlaceOrder command of one valid order, with its derived ids. */
  private command(
    entry: ParsedEntry,
    check: Extract<OrderCheck, { ok: true }>,
    ids: FileIds,
  ): PlaceOrderCommand {
    const orderId = check.order.orderId ?? ids.orderId(entry.index);
    return {
      commandId: ids.commandId(entry.index),
      correlationId: ids.correlationId,
      order: { ...check.order, orderId },
    };
  }

  /**
   * Places a group of orders. An order whose id another order already holds
   * is not placed: a warning and an alert name it (the file is not retried
   * for it, since a retry would meet the same order).
   */
  private async place(commands: readonly PlaceOrderCommand[], log: Logger): Promise<void> {
    const results = await this.services.placeOrder.executeAll(commands);
    const taken = commands.filter((_, index) => results[index]!.outcome === "ID_TAKEN");
    if (taken.length === 0) return;
    const orderIds = taken.map((command) => command.order.orderId);
    log.warn("orders not placed: their ids are taken by other orders", { orderIds });
    await this.services.alerts.publish([
      {
        kind: "ORDER_ID_TAKEN",
        severity: "WARNING",
        subject: "orderflow extract-orders: orders not placed, ids taken",
        message: JSON.stringify({ commandIds: taken.map((command) => command.commandId), orderIds }),
      },
    ]);
  }

  private async finish(record: FileRecord, message: ExtractFileMessage, log: Logger): Promise<FileRecord> {
    return relocateFile(
      { ...this.services, logger: log },
      record,
      message.etag,
      relocatedKey(message.fileKey, this.options.prefixes, "processed"),
    );
  }

  private async continueLater(
    record: FileRecord,
    message: ExtractFileMessage,
    log: Logger,
    sent: number,
  ): Promise<ExtractionResult> {
    await this.services.extractionQueue.send([
      {
        id: "continue",
        body: extractFileMessage({ ...message, continuation: message.continuation + 1 }),
        attributes: { type: "ExtractFile" },
      },
    ]);
    log.info("extraction paused: time is running out; continues from its checkpoint", {
      checkpoint: record.checkpoint,
    });
    return { outcome: "CONTINUED", record, sent };
  }

  private superseded(log: Logger, sent: number): ExtractionResult {
    log.warn("another invocation is extracting this file: this one stops");
    return { outcome: "SUPERSEDED", sent };
  }

  private async fail(
    record: FileRecord,
    message: ExtractFileMessage,
    log: Logger,
    reason: string,
  ): Promise<ExtractionResult> {
    log.error(`extraction impossible: ${reason}`);
    await this.services.alerts.publish([
      {
        kind: "FILE_EXTRACTION_FAILED",
        severity: "ERROR",
        subject: "orderflow: file extraction failed",
        message: JSON.stringify({
          fileKey: message.fileKey,
          fileVersion: message.fileVersion,
          reason,
          checkpoint: record.checkpoint,
        }),
        attributes: { status: record.status, fileKey: message.fileKey.slice(0, 1024) },
      },
    ]);
    return { outcome: "FAILED", record, sent: 0 };
  }
}

/**
 * Keeps up to `limit` placements of 10 orders in flight (one SendMessageBatch
 * each for their validation), so a file is not placed at the pace of one round
 * trip per order. `drain` waits for all and rethrows the first failure.
 */
class SendWindow {
  private readonly inFlight = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly place: (commands: readonly PlaceOrderCommand[]) => Promise<void>,
    private readonly limit: number,
  ) {}

  async push(commands: readonly PlaceOrderCommand[]): Promise<void> {
    while (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure.error;
    const sending: Promise<void> = this.place(commands).then(
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
