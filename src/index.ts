/**
 * orderflow: the domain core, the use cases and the ports. Loads no AWS SDK,
 * no DI container and no logger: adapters live in `orderflow/memory` and
 * `orderflow/aws`, Lambda entrypoints in `orderflow/lambda`.
 */

export * from "./adapters/system/index.js";
export * from "./domain/index.js";
export * from "./domain/use-cases/index.js";
export * from "./ports/index.js";
