/**
 * What any of orderflow's handlers costs at least when written on Powertools
 * for AWS Lambda: Logger, the trigger's parsing with the message's schema in
 * classic zod (the BatchProcessor with its parser integration for a queue, the
 * parser with API Gateway v2's envelope for HTTP, the parser for a workflow
 * task's payload), then the handler's AWS calls, made by the bare handler
 * (bench/bare/replay.ts). The handler's own logic is left out, so a real
 * Powertools handler costs more: orderflow's ratio to this one is its worst case.
 */
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { parser } from "@aws-lambda-powertools/batch/parser";
import { Logger } from "@aws-lambda-powertools/logger";
import { parse } from "@aws-lambda-powertools/parser";
import { ApiGatewayV2Envelope } from "@aws-lambda-powertools/parser/envelopes/api-gatewayv2";
import { JSONStringified } from "@aws-lambda-powertools/parser/helpers";
import type { z } from "zod";

type Calls<E> = (event: E) => Promise<unknown>;
type LambdaContext = Parameters<Logger["addContext"]>[0];
type SqsEvent = Parameters<typeof processPartialResponse>[0];

/** A queue's handler: each record's body parsed by `bodySchema` (JSON), then the calls. */
export function powertoolsQueueHandler<E extends SqsEvent>(
  serviceName: string,
  bodySchema: z.ZodType,
  calls: Calls<E>,
) {
  const logger = new Logger({ serviceName });
  const processor = new BatchProcessor(EventType.SQS, {
    parser,
    innerSchema: bodySchema,
    transformer: "json",
    logger,
  });
  return async (event: E, context: LambdaContext) => {
    logger.addContext(context);
    const record = async (item: { messageId: string }) => {
      await calls(event);
      logger.info("message handled", { messageId: item.messageId });
    };
    return processPartialResponse(event, record as Parameters<typeof processPartialResponse>[1], processor, {
      context,
    });
  };
}

/** An HTTP API's handler: the body parsed by `bodySchema` (JSON) through API Gateway v2's envelope, then the calls. */
export function powertoolsHttpHandler<E>(serviceName: string, bodySchema: z.ZodType, calls: Calls<E>) {
  const logger = new Logger({ serviceName });
  const body = JSONStringified(bodySchema as z.ZodObject);
  return async (event: E, context: LambdaContext) => {
    logger.addContext(context);
    const parsed = parse(event as never, ApiGatewayV2Envelope, body, true);
    if (!parsed.success) return { statusCode: 400, body: JSON.stringify({ error: parsed.error.message }) };
    await calls(event);
    logger.info("request handled");
    return { statusCode: 202, body: "{}" };
  };
}

/** A workflow task's handler: the payload parsed by `payloadSchema`, then the calls. */
export function powertoolsTaskHandler<E>(serviceName: string, payloadSchema: z.ZodType, calls: Calls<E>) {
  const logger = new Logger({ serviceName });
  return async (event: E, context: LambdaContext) => {
    logger.addContext(context);
    parse(event as never, undefined, payloadSchema);
    await calls(event);
    logger.info("task done");
    return {};
  };
}
