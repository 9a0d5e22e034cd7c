import type { Container, ContainerModule } from "inversify";
import { LOGGER, type Logger } from "../../ports/logger.js";
import { ConfigError, type Environment, loadConfig, type OrderflowConfig } from "../config.js";
import type { ExtractionConsumer } from "../consumers/file-consumers.js";
import type { AwsService } from "../container/aws/aws-service.js";
import { awsServicesModule } from "../container/aws/aws-services-module.js";
import type { ConsumerFlows, FlowOptions } from "../container/consumer-flows.js";
import { createContainer, resolveAsync } from "../container/create-container.js";
import { consumerToken } from "../container/tokens.js";
import { HANDLERS, type HandlerName, type SqsHandlerName } from "../handlers.js";
import type { LambdaContext } from "../http/api-gateway-events.js";
import { lambdaLogFields, PinoLogger, runInLogContext } from "../logging.js";
import { once } from "../once.js";
import type { SqsBatchResponse, SqsEvent } from "./sqs-event.js";

export type { LambdaContext };

/** How a handler builds its composition root; every field is optional, and read on the first invocation. */
export interface HandlerOptions extends FlowOptions {
  /** The environment to read; default `process.env`. */
  readonly env?: Environment | undefined;
  /**
   * The adapter modules; default: the handler's AWS services. In memory
   * (`ORDERFLOW_ADAPTERS=memory`), pass `memoryAdapters`, or
   * `() => [memoryModule(adapters)]` to keep hold of the adapters: the handler's
   * own bundle holds only its AWS adapters.
   */
  readonly adapters?: ((config: OrderflowConfig) => readonly ContainerModule[]) | undefined;
  /** Loaded last, to `rebind` anything (e.g. a real PaymentGateway in place of the demo one). */
  readonly modules?: readonly ContainerModule[] | undefined;
}

/**
 * A handler's adapters when none are given: the given AWS services only (see
 * {@link AwsService}), logging with pino at `LOG_LEVEL`. The in-memory family is
 * not among them, so that no handler's bundle carries it: in memory, the
 * caller passes its adapters (`memoryAdapters`).
 */
export function defaultAdapters(
  config: OrderflowConfig,
  awsServices?: readonly AwsService[],
): readonly ContainerModule[] {
  // No default set of services: naming them is what keeps the other SDK clients out of a handler's bundle.
  if (!awsServices)
    throw new TypeError(
      "defaultAdapters: on AWS, name the services the handler uses (e.g. [dynamoDbService, snsAlertsService])",
    );
  return [awsServicesModule(config, awsServices, { logger: PinoLogger.create({ level: config.LOG_LEVEL }) })];
}

/**
 * The composition root of one handler: validates its environment, then loads
 * the adapters (on AWS: `awsServices`, those its ports use), its `flows`
 * (their use cases and consumers, wired to the handler's ports only) and the
 * caller's modules. Creates no client: adapters are made when first resolved.
 * @throws ConfigError naming every missing or bad variable, or when
 * `ORDERFLOW_ADAPTERS=memory` and no adapters are given.
 */
export function composeHandler(
  handler: HandlerName,
  awsServices: readonly AwsService[],
  flows: ConsumerFlows,
  options: HandlerOptions = {},
): Container {
  const config = loadConfig(handler, options.env ?? process.env);
  if (config.ORDERFLOW_ADAPTERS === "memory" && !options.adapters)
    throw new ConfigError(handler, [
      {
        variable: "ORDERFLOW_ADAPTERS",
        message:
          "is memory, but no adapters were given (the handler's option `adapters`, e.g. memoryAdapters)",
      },
    ]);
  const adapters = options.adapters ? options.adapters(config) : defaultAdapters(config, awsServices);
  return createContainer([...adapters, ...flows.modules(options), ...(options.modules ?? [])]);
}

/** A Lambda handler for an SQS event source mapping with `ReportBatchItemFailures`. */
export type SqsHandler = (event: SqsEvent, context?: LambdaContext) => Promise<SqsBatchResponse>;

export type { SqsHandlerName };

/**
 * Builds the handler of an SQS-fed flow ({@link HANDLERS}), on the AWS
 * services its ports use (ignored on in-memory adapters), running the consumer
 * it declares from `flows` (the order flows or the file flows). The composition
 * root is built on the first invocation and kept. Bad records never make it
 * throw: the consumer rejects malformed ones in a structured way and reports
 * failed ones in `batchItemFailures`. It throws only when the batch cannot be
 * handled at all (a bad environment, an event that is not an SQS event), so
 * Lambda retries the whole batch and the error shows in its metrics. The
 * invocation's remaining time reaches the consumer (extract-orders checkpoints
 * before the timeout).
 */
export function createSqsHandler(
  handler: SqsHandlerName,
  awsServices: readonly AwsService[],
  flows: ConsumerFlows,
  options: HandlerOptions = {},
): SqsHandler {
  const root = once(async (): Promise<{ consume: ExtractionConsumer; logger: Logger }> => {
    const container = composeHandler(handler, awsServices, flows, options);
    const [consume, logger] = await Promise.all([
      resolveAsync(container, consumerToken(HANDLERS[handler].consumer)),
      resolveAsync(container, LOGGER),
    ]);
    return { consume, logger };
  });

  return async (event, context) => {
    const { consume, logger } = await root();
    const records = (event as Partial<SqsEvent> | null | undefined)?.Records;
    if (!Array.isArray(records)) throw new TypeError(`${handler}: not an SQS event (no Records)`);
    const remaining = context?.getRemainingTimeInMillis;
    // Consumers are built once per cold start; the invocation's request id reaches their lines through the log context.
    return runInLogContext(logger, lambdaLogFields(context), async () => {
      const result = await consume(
        records,
        remaining ? { remainingTimeMs: () => remaining.call(context) } : {},
      );
      logger.info("batch handled", {
        handler,
        records: records.length,
        failed: result.batchItemFailures.length,
      });
      return result;
    });
  };
}
