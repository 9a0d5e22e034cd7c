/**
 * `orderflow/aws`: the adapters of every port on AWS (DynamoDB, SQS,
 * EventBridge, SNS, S3) and the factories of their clients. Importing it
 * creates no client: pass `endpoint` to a factory to point it at an emulator
 * or LocalStack.
 */
export * from "./adapters/aws/index.js";
