import { describeError, type Issue } from "../../domain/errors.js";
import { describeInvalidJson } from "../../domain/files/json-syntax.js";
import { parseWith } from "../../domain/schemas.js";
import {
  type ExtractionContext,
  type ExtractionResult,
  ExtractOrders,
  type ExtractOrdersDeps,
} from "../../domain/use-cases/extract-orders.js";
import {
  ExtractFileMessageSchema,
  type FileFlowOptions,
  type FileFlowPorts,
  type Relocation,
  resolveFileFlowOptions,
} from "../../domain/use-cases/file-flow.js";
import {
  ValidateFile,
  type ValidateFileResult,
  validationSummary,
} from "../../domain/use-cases/validate-file.js";
import type { CommandQueue } from "../../ports/command-queue.js";
import type { Logger } from "../../ports/logger.js";
import { malformedMessageAlert, type QueueConsumer } from "../app/consumers.js";
import { type BatchResult, processSqsBatch, type SqsRecordLike } from "../app/sqs-batch.js";
import { placeOrdersOnIntakeQueue } from "./place-file-orders.js";
import { parseS3EventMessage } from "./s3-events.js";

/** Every port the batch-file consumers use. */
export interface FileFlowServices extends FileFlowPorts {
  /** The intake FIFO queue of the order pipeline (PlaceOrder commands). */
  readonly intakeQueue: CommandQueue;
  readonly logger: Logger;
}

/** The extract-orders consumer also takes the invocation's remaining time. */
export type ExtractionConsumer = (
  records: readonly SqsRecordLike[],
  context?: ExtractionContext,
) => Promise<BatchResult>;

export interface FileConsumers {
  /** File-intake queue: S3 notifications → validate-file. */
  readonly validateFile: QueueConsumer;
  /** File-extraction queue: validated files → PlaceOrder commands on the intake queue. */
  readonly extractOrders: ExtractionConsumer;
}

/** What extract-orders needs, over these services: valid orders go to the intake queue as PlaceOrder commands. */
export function extractOrdersDeps(services: FileFlowServices): ExtractOrdersDeps {
  return { ...services, placeOrders: placeOrdersOnIntakeQueue(services.intakeQueue) };
}

/**
 * The message-level logic of the batch-file flows, shared by the Lambda
 * handlers, the in-memory pipeline and the CLI. A body neither flow can use
 * (not an S3 notification, not an extraction message) is acknowledged after
 * a warning and an alert; anything else that fails fails the record, for the
 * queue to retry (and dead-letter in the end).
 */
export function createFileConsumers(
  services: FileFlowServices,
  options: FileFlowOptions = {},
): FileConsumers {
  const validate = new ValidateFile(services, options);
  const extract = new ExtractOrders(extractOrdersDeps(services), options);
  const { incoming } = resolveFileFlowOptions(options).prefixes;

  const onFailure = (flow: string) => (record: SqsRecordLike, error: unknown) =>
    services.logger.error("record failed; it will be retried", {
      flow,
      messageId: record.messageId,
      receiveCount: record.attributes?.ApproximateReceiveCount,
      error: describeError(error),
    });

  const malformed = async (flow: string, record: SqsRecordLike, issues: readonly Issue[], log: Logger) => {
    log.warn("malformed message rejected", { issues: issues.slice(0, 20) });
    await services.alerts.publish([malformedMessageAlert(flow, record, issues)]);
  };

  return {
    validateFile: (records) =>
      processSqsBatch(
        records,
        async (record) => {
          const log = services.logger.child({ flow: "validate-file", messageId: record.messageId });
          const event = parseS3EventMessage(record.body);
          if (event.kind === "test") {
            log.info("S3 test event acknowledged", { bucket: event.bucket });
            return;
          }
          if (event.kind === "malformed") return malformed("validate-file", record, event.issues, log);
          for (const file of event.files) {
            if (!file.eventName.startsWith("ObjectCreated:") || !file.key.startsWith(incoming)) {
              log.debug("notification ignored: not a new file under the incoming prefix", {
                key: file.key,
                eventName: file.eventName,
              });
              continue;
            }
            logValidation(log, await validate.execute(file));
          }
        },
        { fifo: false, onFailure: onFailure("validate-file") },
      ),

    extractOrders: (records, context = {}) =>
      processSqsBatch(
        records,
        async (record) => {
          const log = services.logger.child({ flow: "extract-orders", messageId: record.messageId });
          let body: unknown;
          try {
            body = JSON.parse(record.body);
          } catch {
            // Position only: JSON.parse's message would quote the body.
            return malformed(
              "extract-orders",
              record,
              [{ path: "", message: `body is not JSON: ${describeInvalidJson(record.body, "body")}` }],
              log,
            );
          }
          const message = parseWith(ExtractFileMessageSchema, body);
          if (!message.ok) return malformed("extract-orders", record, message.issues, log);
          const { fileKey, fileVersion, continuation } = message.value;
          logExtraction(
            log.child({ fileKey, fileVersion, continuation }),
            await extract.execute(message.value, context),
          );
        },
        { fifo: false, onFailure: onFailure("extract-orders") },
      ),
  };
}

function logValidation(parent: Logger, { record, validation, relocation }: ValidateFileResult): void {
  const log = parent.child({ fileKey: record.fileKey, fileVersion: record.fileVersion });
  if (!validation) {
    log.info("file version already validated: repeated notification, only its follow-up is completed", {
      status: record.status,
    });
  } else {
    log.info(`file ${validation.status.toLowerCase().replace("_", " ")}: ${validationSummary(validation)}`, {
      status: validation.status,
      format: validation.format,
      counts: validation.counts,
      bytes: validation.bytes,
      durationMs: Math.round(validation.durationMs),
      ...(validation.reason ? { reason: validation.reason } : {}),
      ...(validation.errors.length > 0 ? { firstErrors: validation.errors.slice(0, 5) } : {}),
    });
  }
  logRelocation(log, relocation);
}

function logExtraction(log: Logger, result: ExtractionResult): void {
  const { outcome, record, startCheckpoint } = result;
  if (startCheckpoint) {
    log.info(startCheckpoint.index > 0 ? "extraction resumes from checkpoint" : "extraction starts", {
      checkpoint: startCheckpoint,
    });
  }
  switch (outcome) {
    case "SKIPPED":
      if (record?.status === "REJECTED") log.warn("file was rejected: nothing to extract");
      else log.info("file already extracted: message ignored");
      break;
    case "FAILED":
      log.error(`extraction impossible: ${result.reason}`);
      break;
    case "SUPERSEDED":
      log.warn("another invocation is extracting this file: this one stops");
      break;
    case "CONTINUED":
      log.info("extraction paused: time is running out; continues from its checkpoint", {
        checkpoint: record?.checkpoint,
      });
      break;
    case "EXTRACTED": {
      const sent = record?.checkpoint?.sent ?? result.sent;
      log.info(`file extracted: ${sent} orders sent to the intake queue`, {
        sent,
        sentNow: result.sent,
        counts: record?.counts,
      });
      break;
    }
  }
  logRelocation(log, result.relocation);
}

function logRelocation(log: Logger, relocation: Relocation | undefined): void {
  if (relocation?.outcome === "replaced by a newer upload")
    log.warn("file was replaced by a newer upload: left in place", {
      from: relocation.from,
      to: relocation.to,
    });
  else if (relocation?.outcome === "gone")
    log.warn("file to move is gone", { from: relocation.from, to: relocation.to });
}
