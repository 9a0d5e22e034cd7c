import { ContainerModule } from "inversify";
import type { ExtractOrders } from "../../domain/use-cases/extract-orders.js";
import type { FileFlowOptions } from "../../domain/use-cases/file-flow.js";
import type { ValidateFile } from "../../domain/use-cases/validate-file.js";
import { ALERT_PUBLISHER, type AlertPublisher } from "../../ports/alert-publisher.js";
import { LOGGER, type Logger } from "../../ports/logger.js";
import { extractOrdersConsumer, validateFileConsumer } from "../consumers/file-consumers.js";
import type { ConsumerFlows } from "./consumer-flows.js";
import { consumerToken, EXTRACT_ORDERS, FILE_FLOW_OPTIONS, VALIDATE_FILE } from "./tokens.js";
import { useCasesModule } from "./use-cases-module.js";

/** Binds the options of the batch-file use cases, and each batch-file consumer over its use case. */
export function fileFlowsModule(options: FileFlowOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(FILE_FLOW_OPTIONS).toConstantValue(options);
    bind(consumerToken("validateFile")).toResolvedValue(
      (validate: ValidateFile, logger: Logger, alerts: AlertPublisher, files: FileFlowOptions) =>
        validateFileConsumer(validate, { logger, alerts }, files),
      [VALIDATE_FILE, LOGGER, ALERT_PUBLISHER, FILE_FLOW_OPTIONS],
    );
    bind(consumerToken("extractOrders")).toResolvedValue(
      (extract: ExtractOrders, logger: Logger, alerts: AlertPublisher) =>
        extractOrdersConsumer(extract, { logger, alerts }),
      [EXTRACT_ORDERS, LOGGER, ALERT_PUBLISHER],
    );
  });
}

/** The batch-file flows, as the validate-file and extract-orders handlers load them. */
export const FILE_FLOWS: ConsumerFlows = {
  modules: (options) => [useCasesModule({ limits: options.limits }), fileFlowsModule(options.files)],
};
