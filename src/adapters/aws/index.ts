/**
 * Every AWS adapter of orderflow: DynamoDB (orders, idempotency keys, product
 * catalog, file history), SQS, EventBridge, SNS and S3, with their client
 * factories. Clients are always created by the caller, never at import time.
 */
export * from "./dynamodb.js";
export * from "./messaging.js";
export type { RetryOptions } from "./retry.js";
