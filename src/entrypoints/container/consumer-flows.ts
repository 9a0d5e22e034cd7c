import type { ContainerModule } from "inversify";
import type { BusinessLimits } from "../../domain/business-rules.js";
import type { FileFlowOptions } from "../../domain/use-cases/file-flow.js";

/**
 * A family of flows as a handler's composition root loads it: the modules that
 * bind its use cases and its consumers (each under `consumerToken(name)`, its
 * name in the handler declaration). A handler's file names its family, so its
 * bundle holds only that family's code; it resolves only its own consumer, so
 * only that consumer's use case and ports are made.
 */
export interface ConsumerFlows {
  modules(options: FlowOptions): ContainerModule[];
}

/** What a handler may set for its flows' use cases. */
export interface FlowOptions {
  /** Business limits of validation and modification (default `DEFAULT_BUSINESS_LIMITS`). */
  readonly limits?: BusinessLimits | undefined;
  /** Limits, checkpoint interval, time reserve… of the batch-file flows (validate-file, extract-orders). */
  readonly files?: FileFlowOptions | undefined;
}
