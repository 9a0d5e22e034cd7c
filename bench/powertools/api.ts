/**
 * What an AWS user would write instead of orderflow's api handler for
 * `POST /orders` (and `GET /health`), on Powertools for AWS Lambda: Logger,
 * the parser with its API Gateway v2 envelope and a classic zod schema, and the
 * same AWS calls in the same order (bench/order-calls.ts). Bundled with
 * orderflow's Lambda build options.
 */
import { randomUUID } from "node:crypto";
import { Logger } from "@aws-lambda-powertools/logger";
import { parse } from "@aws-lambda-powertools/parser";
import { ApiGatewayV2Envelope } from "@aws-lambda-powertools/parser/envelopes/api-gatewayv2";
import { JSONStringified } from "@aws-lambda-powertools/parser/helpers";
import type { APIGatewayProxyEventV2 } from "@aws-lambda-powertools/parser/types";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { placeOrderCalls } from "../order-calls.js";
import { PlaceOrderSchema } from "./order-schema.js";

const logger = new Logger({ serviceName: "api" });
const PlaceOrderBody = JSONStringified(PlaceOrderSchema);

/** Created on the first invocation and kept, as orderflow's are. */
let clients: { dynamo: DynamoDBDocumentClient; sqs: SQSClient } | undefined;

const answer = (statusCode: number, body: unknown, headers: Record<string, string> = {}) => ({
  statusCode,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

export const handler = async (
  event: APIGatewayProxyEventV2,
  context: Parameters<typeof logger.addContext>[0],
) => {
  logger.addContext(context);
  const { method, path } = event.requestContext.http;
  if (method === "GET" && path === "/health") return answer(200, { status: "ok" });
  if (method !== "POST" || path !== "/orders") return answer(404, { error: { code: "NOT_FOUND" } });
  const parsed = parse(event, ApiGatewayV2Envelope, PlaceOrderBody, true);
  if (!parsed.success) {
    logger.warn("invalid order", { error: parsed.error.message });
    return answer(400, { error: { code: "VALIDATION_FAILED", message: parsed.error.message } });
  }
  clients ??= { dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({})), sqs: new SQSClient({}) };
  const order = { ...parsed.data, orderId: parsed.data.orderId ?? randomUUID() };
  const correlationId = randomUUID();
  await placeOrderCalls(clients, order, correlationId);
  logger.info("POST /orders → 202", { orderId: order.orderId, correlationId });
  return answer(
    202,
    { orderId: order.orderId, status: "RECEIVED" },
    { location: `/orders/${order.orderId}` },
  );
};
