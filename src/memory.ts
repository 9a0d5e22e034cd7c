/**
 * `orderflow/memory`: in-memory adapters that behave like the AWS services
 * (SQS FIFO and standard queues, EventBridge rules, SNS filter policies,
 * conditional writes), and the whole pipeline wired in one process.
 */
export * from "./adapters/memory/index.js";
export * from "./domain/files/order-file-reader.js";
export * from "./entrypoints/app/consumers.js";
export * from "./entrypoints/app/order-api.js";
export * from "./entrypoints/app/services.js";
export * from "./entrypoints/app/sqs-batch.js";
export * from "./entrypoints/consumers/file-consumers.js";
export * from "./entrypoints/in-memory-file-flows.js";
export * from "./entrypoints/in-memory-orderflow.js";
