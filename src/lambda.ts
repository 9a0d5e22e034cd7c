/**
 * `orderflow/lambda`: the Lambda handlers (`apiHandler`, `validateOrderHandler`,
 * `processOrderHandler`, `cancelOrderHandler`, `modifyOrderHandler`,
 * `validateFileHandler`, `extractOrdersHandler`) and the
 * pieces of their composition roots: the inversify modules (`awsModule`,
 * `memoryModule`, `useCasesModule`), the environment each handler reads
 * (`HANDLER_ENVIRONMENT`, `loadConfig`) and the pino logger. Importing it
 * creates nothing (it loads the AWS SDK's modules): handlers build their
 * container and clients on the first invocation.
 */
export * from "./entrypoints/config.js";
export * from "./entrypoints/container/index.js";
export * from "./entrypoints/lambda/index.js";
export * from "./entrypoints/logging.js";
