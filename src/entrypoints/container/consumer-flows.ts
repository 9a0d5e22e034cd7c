import { ContainerModule, type ContainerModuleLoadOptions } from "inversify";
import type { BusinessLimits } from "../../domain/business-rules.js";
import type { FileFlowOptions } from "../../domain/use-cases/file-flow.js";

/**
 * A family of flows as a handler's composition root loads it: the modules that
 * bind its use cases and its consumers (each under `consumerToken(name)`, its
 * name in the handler declaration). A handler's file names its flows, so its
 * bundle holds only their code; it resolves only its own consumer, so only
 * that consumer's use case and ports are made.
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

/**
 * One binding of the flows: a use case over its ports' tokens, a consumer
 * over its use case, or an API over its use cases. Each is declared once; a
 * family's module binds all of its own, a handler's flows only those it runs
 * ({@link bindingsModule}).
 */
export type FlowBinding = (bind: ContainerModuleLoadOptions["bind"], options: FlowOptions) => void;

/**
 * A module of `bindings`. A handler's flows are the module of its own
 * bindings only (its consumer or API and the use cases they call), so that its
 * container holds no binding it does not resolve, and its bundle none of
 * their code.
 */
export function bindingsModule(bindings: readonly FlowBinding[], options: FlowOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    for (const binding of bindings) binding(bind, options);
  });
}
