/**
 * `orderflow/memory`: in-memory adapters that behave like the AWS services
 * (SQS FIFO and standard queues, EventBridge rules, SNS filter policies,
 * conditional writes), and the whole pipeline wired in one process.
 */
export * from "./adapters/memory/index.js";
export * from "./entrypoints/consumers/order-consumers.js";
export * from "./entrypoints/consumers/sqs-batch.js";
export * from "./entrypoints/files/file-consumers.js";
export * from "./entrypoints/files/order-file-reader.js";
export * from "./entrypoints/http/order-api.js";
export * from "./entrypoints/in-memory/in-memory-file-flows.js";
export * from "./entrypoints/in-memory/in-memory-orderflow.js";
