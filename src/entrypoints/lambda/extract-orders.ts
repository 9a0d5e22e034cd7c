import { createFileHandler, type FileHandlerOptions } from "./file-handler-root.js";
import type { SqsHandler } from "./handler-root.js";

/**
 * The extract-orders handler: consumes the file-extraction queue (batch size 1
 * recommended): sends each valid order of a validated file to the intake FIFO
 * queue, continuing from its checkpoint.
 */
export function createExtractOrdersHandler(options: FileHandlerOptions = {}): SqsHandler {
  return createFileHandler("extract-orders", options);
}

/** The Lambda entry point (`extract-orders/index.handler`); builds its composition root on the first invocation. */
export const handler: SqsHandler = createExtractOrdersHandler();
