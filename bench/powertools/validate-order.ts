/**
 * What an AWS user would write instead of orderflow's validate-order handler,
 * on Powertools for AWS Lambda: Logger, the BatchProcessor with its parser
 * integration (classic zod schemas), and the same AWS calls in the same order
 * (bench/order-calls.ts). Bundled with orderflow's Lambda build options.
 */

import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { parser } from "@aws-lambda-powertools/batch/parser";
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { z } from "zod";
import { validateOrderCalls } from "../order-calls.js";
import { StoredOrderSchema, ValidateOrderMessageSchema } from "./order-schema.js";

const logger = new Logger({ serviceName: "validate-order" });
const processor = new BatchProcessor(EventType.SQS, {
  parser,
  innerSchema: ValidateOrderMessageSchema,
  transformer: "json",
  logger,
});

/** Created on the first invocation and kept, as orderflow's are. */
let clients: { dynamo: DynamoDBDocumentClient; events: EventBridgeClient } | undefined;

/** One record, its body already parsed by the processor. */
async function validate(record: { body: z.infer<typeof ValidateOrderMessageSchema> }) {
  clients ??= {
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({})),
    events: new EventBridgeClient({}),
  };
  const { orderId } = record.body;
  const status = await validateOrderCalls(clients, orderId, (item) => StoredOrderSchema.parse(item));
  logger.info("order validation", { orderId, status });
}

type SqsEvent = Parameters<typeof processPartialResponse>[0];
type LambdaContext = Parameters<typeof logger.addContext>[0];

export const handler = async (event: SqsEvent, context: LambdaContext) => {
  logger.addContext(context);
  return processPartialResponse(event, validate as Parameters<typeof processPartialResponse>[1], processor, {
    context,
  });
};
