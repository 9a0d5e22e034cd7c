import type { ContainerModule } from "inversify";
import type { FileFlowOptions } from "../../domain/use-cases/file-flow.js";
import type { Token } from "../../ports/token.js";
import type { ExtractionConsumer } from "../consumers/file-consumers.js";
import type { HandlerName } from "../handlers.js";

/**
 * A family of flows as a handler's composition root loads it: the module that
 * binds its use cases and consumers, and the token of those consumers. A
 * handler's file names its family, so its bundle holds only that family's code.
 */
export interface ConsumerFlows {
  module(handler: HandlerName, options: { readonly files?: FileFlowOptions | undefined }): ContainerModule;
  readonly consumers: Token<Readonly<Record<string, ExtractionConsumer>>>;
}
