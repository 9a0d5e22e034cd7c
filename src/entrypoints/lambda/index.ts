/** The Lambda handlers, each also as a factory for tests and custom wiring. */
export { type ApiLambdaHandlerOptions, createApiLambdaHandler, handler as apiHandler } from "./api.js";
export { createCancelOrderHandler, handler as cancelOrderHandler } from "./cancel-order.js";
export { createExtractOrdersHandler, handler as extractOrdersHandler } from "./extract-orders.js";
export * from "./handler-root.js";
export { createModifyOrderHandler, handler as modifyOrderHandler } from "./modify-order.js";
export { createProcessOrderHandler, handler as processOrderHandler } from "./process-order.js";
export type * from "./sqs-event.js";
export { createValidateFileHandler, handler as validateFileHandler } from "./validate-file.js";
export { createValidateOrderHandler, handler as validateOrderHandler } from "./validate-order.js";
