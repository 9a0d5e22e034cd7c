import type { ContainerModule } from "inversify";
import type { FileFlowOptions } from "../../domain/use-cases/file-flow.js";
import type { Token } from "../../ports/token.js";
import type { ExtractionConsumer } from "../consumers/file-consumers.js";
import type { HandlerName } from "../handlers.js";

/**
 * A family of flows as a handler's composition root loads it: the modules that
 * bind its use cases and consumers, and the token of each consumer, by its
 * name in the handler declaration. A handler's file names its family, so its
 * bundle holds only that family's code; it resolves only its own consumer, so
 * only that consumer's use case and ports are made.
 */
export interface ConsumerFlows {
  modules(handler: HandlerName, options: { readonly files?: FileFlowOptions | undefined }): ContainerModule[];
  readonly consumers: Readonly<Record<string, Token<ExtractionConsumer>>>;
}
