/**
 * `orderflow/lambda`: the Lambda handlers (`apiHandler`, `validateOrderHandler`,
 * `processOrderHandler`, `cancelOrderHandler`, `modifyOrderHandler`) and the
 * pieces of their composition roots: the inversify modules (`awsModule`,
 * `memoryModule`, `useCasesModule`), the environment each handler reads
 * (`HANDLER_ENVIRONMENT`, `loadConfig`) and the pino logger. Importing it
 * creates nothing and loads no AWS SDK: handlers build their container on the
 * first invocation, and AWS adapters load their SDK client when first resolved.
 */
export * from "./entrypoints/config.js";
export * from "./entrypoints/container/index.js";
export * from "./entrypoints/lambda/index.js";
export * from "./entrypoints/logging.js";
