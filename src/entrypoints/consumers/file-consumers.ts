import type {
  ExtractionContext,
  ExtractionResult,
  ExtractOrders,
} from "../../domain/use-cases/extract-orders.js";
import {
  ExtractFileMessageSchema,
  type FileFlowOptions,
  type Relocation,
  resolveFileFlowOptions,
} from "../../domain/use-cases/file-flow.js";
import {
  type ValidateFile,
  type ValidateFileResult,
  validationSummary,
} from "../../domain/use-cases/validate-file.js";
import type { Logger } from "../../ports/logger.js";
import { parseJson, reportMalformedMessage } from "./malformed-message.js";
import { type ConsumerDeps, type QueueConsumer, queueConsumer } from "./queue-consumer.js";
import { parseS3EventMessage } from "./s3-events.js";
import type { BatchResult, SqsRecordLike } from "./sqs-batch.js";

/**
 * The consumers of the batch-file flows, shared by the Lambda handlers, the
 * in-memory pipeline and the CLI: each parses its message, calls its use case
 * and logs what the use case reports. A body neither flow can use (not an S3
 * notification, not an extraction message) is acknowledged after a warning
 * and an alert; anything else that fails fails the record, for the queue to
 * retry (and dead-letter in the end).
 */

const parseExtractFileMessage = ExtractFileMessageSchema.safeParse.bind(ExtractFileMessageSchema);

/** The extract-orders consumer also takes the invocation's remaining time. */
export type ExtractionConsumer = (
  records: readonly SqsRecordLike[],
  context?: ExtractionContext,
) => Promise<BatchResult>;

/** File-intake queue: S3 notifications of new files under the incoming prefix → validate-file. */
export function validateFileConsumer(
  validate: ValidateFile,
  deps: ConsumerDeps,
  options: Pick<FileFlowOptions, "prefixes"> = {},
): QueueConsumer {
  const { incoming } = resolveFileFlowOptions(options).prefixes;
  return queueConsumer(
    "validate-file",
    deps,
    async (record, log) => {
      const event = parseS3EventMessage(record.body);
      if (event.kind === "test") {
        log.info("S3 test event acknowledged", { bucket: event.bucket });
        return;
      }
      if (event.kind === "malformed")
        return reportMalformedMessage("validate-file", record, event.issues, deps);
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
    { fifo: false },
  );
}

/** File-extraction queue: validated files → their valid orders placed. */
export function extractOrdersConsumer(extract: ExtractOrders, deps: ConsumerDeps): ExtractionConsumer {
  return queueConsumer<ExtractionContext>(
    "extract-orders",
    deps,
    async (record, log, context = {}) => {
      const message = parseJson(record.body, parseExtractFileMessage);
      if (!message.ok) return reportMalformedMessage("extract-orders", record, message.issues, deps);
      const { fileKey, fileVersion, continuation } = message.value;
      logExtraction(
        log.child({ fileKey, fileVersion, continuation }),
        await extract.execute(message.value, context),
      );
    },
    { fifo: false },
  );
}

function logValidation(parent: Logger, { record, validation, relocation }: ValidateFileResult): void {
  const log = parent.child({ fileKey: record.fileKey, fileVersion: record.fileVersion });
  if (!validation) {
    log.info("file version already validated: repeated notification, only its follow-up is completed", {
      status: record.status,
    });
  } else {
    // A rejected file (or one with invalid orders) is what an operator must see: a warning, not news.
    const level = validation.status === "VALID" ? "info" : "warn";
    log[level](
      `file ${validation.status.toLowerCase().replace("_", " ")}: ${validationSummary(validation)}`,
      {
        status: validation.status,
        format: validation.format,
        counts: validation.counts,
        bytes: validation.bytes,
        durationMs: Math.round(validation.durationMs),
        ...(validation.reason ? { reason: validation.reason } : {}),
        ...(validation.errors.length > 0 ? { firstErrors: validation.errors.slice(0, 5) } : {}),
      },
    );
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
      log.info(`file extracted: ${sent} orders placed`, {
        sent,
        sentNow: result.sent,
        counts: record?.counts,
        ...(result.idsTaken ? { idsTaken: result.idsTaken } : {}),
      });
      break;
    }
  }
  if (result.undeliverable)
    log.warn(`orders refused for good by the intake queue, recorded as invalid: ${result.undeliverable}`, {
      counts: record?.counts,
    });
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
