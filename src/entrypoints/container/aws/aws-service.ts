import type { ContainerModuleLoadOptions } from "inversify";
import type { AwsClientOptions } from "../../../adapters/aws/client-options.js";
import type { OrderflowConfig } from "../../config.js";

/**
 * The bindings of one AWS service: its SDK client and the adapters on it.
 * Each lives in its own file, so a handler's bundle holds only the services it
 * names; each loads its adapters and SDK on first resolution (`getAsync`).
 */
export interface AwsService {
  readonly name: string;
  bind(bind: ContainerModuleLoadOptions["bind"], config: OrderflowConfig, client: AwsClientOptions): void;
}
