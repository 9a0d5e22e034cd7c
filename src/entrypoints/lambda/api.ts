import { describeError } from "../../domain/errors.js";
import { LOGGER } from "../../ports/logger.js";
import { API_FLOWS, API_GROUP_TOKENS } from "../container/api-flows.js";
import {
  dynamoDb,
  dynamoDbCatalog,
  dynamoDbIdempotency,
  dynamoDbMetrics,
  dynamoDbNotifications,
  dynamoDbOrders,
  dynamoDbStoreSettings,
} from "../container/aws/dynamodb-service.js";
import { eventBridgeService } from "../container/aws/eventbridge-service.js";
import { snsService } from "../container/aws/sns-service.js";
import { sqsService } from "../container/aws/sqs-service.js";
import { resolveAsync } from "../container/create-container.js";
import { type ApiHandler, type ApiHandlerOptions, createApiHandler } from "../http/api-gateway.js";
import { lambdaLogFields, runInLogContext } from "../logging.js";
import { once } from "../once.js";
import { composeHandler, type HandlerOptions } from "./handler-root.js";

export interface ApiLambdaHandlerOptions extends HandlerOptions {
  /** HTTP limits and the like (`logger` comes from the container). */
  readonly http?: Omit<ApiHandlerOptions, "logger"> | undefined;
}

/**
 * The api handler: API Gateway REST (v1) and HTTP API (v2) proxy events. The
 * composition root is built on the first invocation and kept. When it cannot
 * be built (a bad environment), the request gets the contract's JSON 500 and
 * the error goes to the function's log; the next invocation tries again.
 */
export function createApiLambdaHandler(options: ApiLambdaHandlerOptions = {}): ApiHandler {
  const root = once(async () => {
    // Orders, idempotency keys, the catalog and notifications on DynamoDB, requests on the bus, commands on
    // the intake queue, notifications on their SNS topic.
    const container = composeHandler(
      "api",
      [
        dynamoDb(
          dynamoDbOrders,
          dynamoDbIdempotency,
          dynamoDbCatalog,
          dynamoDbStoreSettings,
          dynamoDbNotifications,
          dynamoDbMetrics,
        ),
        eventBridgeService,
        sqsService,
        snsService,
      ],
      API_FLOWS,
      options,
    );
    const logger = await resolveAsync(container, LOGGER);
    // Each group of operations is made when a request first needs it: POST /orders makes no notification topic client.
    const http = createApiHandler(() => (group) => resolveAsync(container, API_GROUP_TOKENS[group]), {
      ...options.http,
      logger,
    });
    return { logger, http };
  });

  return (async (event: unknown, context?: Parameters<ApiHandler>[1]) => {
    let built: Awaited<ReturnType<typeof root>>;
    try {
      built = await root();
    } catch (error) {
      // No logger without a configuration: write the failure as the one JSON line Lambda keeps.
      console.error(
        JSON.stringify({
          level: "error",
          message: "the api could not be built",
          error: describeError(error),
        }),
      );
      return createApiHandler(() => Promise.reject(error), options.http)(event, context);
    }
    return runInLogContext(built.logger, lambdaLogFields(context), () => built.http(event, context));
  }) as ApiHandler;
}

/** The Lambda entry point (`api/index.handler`). */
export const handler: ApiHandler = createApiLambdaHandler();
