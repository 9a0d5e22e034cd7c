import { describeError, type Issue } from "../../domain/errors.js";
import { describeInvalidJson } from "../../domain/files/json-syntax.js";
import { parseWith } from "../../domain/schemas.js";
import type { Logger } from "../../ports/logger.js";
import { malformedMessageAlert } from "../consumers/malformed-message.js";
import type { QueueConsumer } from "../consumers/order-consumers.js";
import { type BatchResult, processSqsBatch, type SqsRecordLike } from "../consumers/sqs-batch.js";
import { type ExtractionContext, ExtractOrders } from "./extract-orders.js";
import { ExtractFileMessageSchema } from "./file-messages.js";
import { type FileFlowOptions, type FileFlowServices, resolveFileFlowOptions } from "./file-services.js";
import { parseS3EventMessage } from "./s3-events.js";
import { ValidateFile } from "./validate-file.js";

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
  return {
    validateFile: validateFileConsumer(services, options),
    extractOrders: extractOrdersConsumer(services, options),
  };
}

/** File-intake queue: S3 notifications → validate-file. */
export function validateFileConsumer(
  services: Omit<FileFlowServices, "placeOrder">,
  options: FileFlowOptions = {},
): QueueConsumer {
  const validate = new ValidateFile(services, options);
  const { incoming } = resolveFileFlowOptions(options).prefixes;
  const { onFailure, malformed } = recordHandling(services);
  return (records) =>
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
          await validate.execute(file);
        }
      },
      { fifo: false, onFailure: onFailure("validate-file") },
    );
}

/** File-extraction queue: validated files → their orders placed. */
export function extractOrdersConsumer(
  services: FileFlowServices,
  options: FileFlowOptions = {},
): ExtractionConsumer {
  const extract = new ExtractOrders(services, options);
  const { onFailure, malformed } = recordHandling(services);
  return (records, context = {}) =>
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
        await extract.execute(message.value, context);
      },
      { fifo: false, onFailure: onFailure("extract-orders") },
    );
}

/** How a file consumer logs a failed record, and rejects a malformed one (a warning and an alert). */
function recordHandling(services: Pick<FileFlowServices, "logger" | "alerts">) {
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
  return { onFailure, malformed };
}
