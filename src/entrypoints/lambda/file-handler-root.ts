import * as z from "zod/mini";
import { ALERT_PUBLISHER } from "../../ports/alert-publisher.js";
import { CLOCK } from "../../ports/clock.js";
import { FILE_EXTRACTION_QUEUE, INTAKE_QUEUE } from "../../ports/command-queue.js";
import { FILE_HISTORY } from "../../ports/file-history.js";
import { LOGGER } from "../../ports/logger.js";
import { OBJECT_STORE } from "../../ports/object-store.js";
import {
  ConfigError,
  type Environment,
  HANDLER_ENVIRONMENT,
  type OrderflowConfig,
  PORT_VARIABLES,
} from "../config.js";
import { dynamoDbService } from "../container/aws/dynamodb-service.js";
import { s3Service } from "../container/aws/s3-service.js";
import { snsService } from "../container/aws/sns-service.js";
import { sqsService } from "../container/aws/sqs-service.js";
import { createContainer, resolveAsync } from "../container/create-container.js";
import { createFileConsumers, type FileConsumers } from "../files/file-consumers.js";
import type { FileFlowOptions, FileFlowServices } from "../files/file-services.js";
import { lambdaLogFields, runInLogContext } from "../logging.js";
import {
  defaultAdapters,
  type HandlerOptions,
  type LambdaContext,
  once,
  type SqsHandler,
} from "./handler-root.js";
import type { SqsEvent } from "./sqs-event.js";

/** The Lambda functions of the batch-file flows. */
export const FILE_HANDLER_NAMES = ["validate-file", "extract-orders"] as const;
export type FileHandlerName = (typeof FILE_HANDLER_NAMES)[number];

/** The resource ports both file handlers use (extract-orders re-enqueues itself, validate-file feeds it). */
export const FILE_HANDLER_PORTS = [
  "objectStore",
  "fileHistory",
  "alerts",
  "intakeQueue",
  "fileExtractionQueue",
] as const;

/** The AWS services behind those ports: S3 (files), DynamoDB (history), SNS (alerts), SQS (queues). */
const FILE_HANDLER_AWS_SERVICES = [s3Service, dynamoDbService, snsService, sqsService] as const;

/** The variables every handler reads (region, log level, endpoint, adapter family), as the order handlers declare them. */
const COMMON_VARIABLES = ["AWS_REGION", "LOG_LEVEL", "AWS_ENDPOINT_URL", "ORDERFLOW_ADAPTERS"] as const;

/** The environment of a file handler: the common variables and those of {@link FILE_HANDLER_PORTS}. */
export const FILE_HANDLER_ENVIRONMENT: z.ZodMiniObject = z.object({
  ...Object.fromEntries(
    COMMON_VARIABLES.map((name) => [name, HANDLER_ENVIRONMENT.api.shape[name] as z.ZodMiniType]),
  ),
  ...Object.assign({}, ...FILE_HANDLER_PORTS.map((port) => PORT_VARIABLES[port])),
});

/**
 * Reads and validates a file handler's environment (empty values count as
 * missing; with `ORDERFLOW_ADAPTERS=memory` no AWS resource is needed).
 * @throws ConfigError naming every missing or bad variable.
 */
export function loadFileHandlerConfig(
  handler: FileHandlerName,
  env: Environment = process.env,
): OrderflowConfig {
  const values: Record<string, string> = {};
  for (const name of Object.keys(FILE_HANDLER_ENVIRONMENT.shape)) {
    const value = env[name]?.trim();
    if (value) values[name] = value;
  }
  const schema =
    values.ORDERFLOW_ADAPTERS === "memory" ? z.partial(FILE_HANDLER_ENVIRONMENT) : FILE_HANDLER_ENVIRONMENT;
  const result = schema.safeParse(values);
  if (!result.success) {
    throw new ConfigError(
      handler,
      result.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? "(environment)");
        return { variable, message: values[variable] === undefined ? "is missing" : issue.message };
      }),
    );
  }
  return result.data as OrderflowConfig;
}

export interface FileHandlerOptions extends Pick<HandlerOptions, "env" | "adapters" | "modules"> {
  /** Limits, checkpoint interval, time reserve… of the file flows. */
  readonly files?: FileFlowOptions | undefined;
}

/**
 * Builds the Lambda handler of a file flow: validate-file (file-intake queue,
 * S3 notifications) or extract-orders (file-extraction queue; it reads the
 * invocation's remaining time from the Lambda context to checkpoint and
 * re-enqueue itself before the timeout). The composition root is built on the
 * first invocation and kept; failed records come back in `batchItemFailures`.
 */
export function createFileHandler(handler: FileHandlerName, options: FileHandlerOptions = {}): SqsHandler {
  const root = once(async (): Promise<{ consumers: FileConsumers; services: FileFlowServices }> => {
    const config = loadFileHandlerConfig(handler, options.env ?? process.env);
    const container = createContainer([
      ...(options.adapters ? options.adapters(config) : defaultAdapters(config, FILE_HANDLER_AWS_SERVICES)),
      ...(options.modules ?? []),
    ]);
    const [objects, history, alerts, intakeQueue, extractionQueue, clock, logger] = await Promise.all([
      resolveAsync(container, OBJECT_STORE),
      resolveAsync(container, FILE_HISTORY),
      resolveAsync(container, ALERT_PUBLISHER),
      resolveAsync(container, INTAKE_QUEUE),
      resolveAsync(container, FILE_EXTRACTION_QUEUE),
      resolveAsync(container, CLOCK),
      resolveAsync(container, LOGGER),
    ]);
    const services = { objects, history, alerts, intakeQueue, extractionQueue, clock, logger };
    return { consumers: createFileConsumers(services, options.files), services };
  });

  return async (event: SqsEvent, context?: LambdaContext) => {
    const { consumers, services } = await root();
    const records = (event as Partial<SqsEvent> | null | undefined)?.Records;
    if (!Array.isArray(records)) throw new TypeError(`${handler}: not an SQS event (no Records)`);
    const remaining = context?.getRemainingTimeInMillis;
    return runInLogContext(services.logger, lambdaLogFields(context), async () => {
      const result =
        handler === "validate-file"
          ? await consumers.validateFile(records)
          : await consumers.extractOrders(
              records,
              remaining ? { remainingTimeMs: () => remaining.call(context) } : {},
            );
      services.logger.info("batch handled", {
        handler,
        records: records.length,
        failed: result.batchItemFailures.length,
      });
      return result;
    });
  };
}
