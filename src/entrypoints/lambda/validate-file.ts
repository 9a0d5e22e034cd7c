import { createFileHandler, type FileHandlerOptions } from "./file-handler-root.js";
import type { SqsHandler } from "./handler-root.js";

/** The validate-file handler: consumes the file-intake queue (S3 notifications of `incoming/`): validates, records, alerts. */
export function createValidateFileHandler(options: FileHandlerOptions = {}): SqsHandler {
  return createFileHandler("validate-file", options);
}

/** The Lambda entry point (`validate-file/index.handler`); builds its composition root on the first invocation. */
export const handler: SqsHandler = createValidateFileHandler();
