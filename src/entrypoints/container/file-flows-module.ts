import { ContainerModule } from "inversify";
import type { ExtractOrders } from "../../domain/use-cases/extract-orders.js";
import type { FileFlowOptions } from "../../domain/use-cases/file-flow.js";
import type { ValidateFile } from "../../domain/use-cases/validate-file.js";
import { ALERT_PUBLISHER, type AlertPublisher } from "../../ports/alert-publisher.js";
import { LOGGER, type Logger } from "../../ports/logger.js";
import { extractOrdersConsumer, validateFileConsumer } from "../consumers/file-consumers.js";
import type { ConsumerFlows } from "./consumer-flows.js";
import { EXTRACT_ORDERS, FILE_CONSUMERS, FILE_FLOW_OPTIONS, VALIDATE_FILE } from "./tokens.js";
import { useCasesModule } from "./use-cases-module.js";

/** Binds the options of the batch-file use cases, and each batch-file consumer over its use case. */
export function fileFlowsModule(options: FileFlowOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(FILE_FLOW_OPTIONS).toConstantValue(options);
    bind(FILE_CONSUMERS.validateFile).toResolvedValue(
      (validate: ValidateFile, logger: Logger, alerts: AlertPublisher) =>
        validateFileConsumer(validate, { logger, alerts }, options),
      [VALIDATE_FILE, LOGGER, ALERT_PUBLISHER],
    );
    bind(FILE_CONSUMERS.extractOrders).toResolvedValue(
      (extract: ExtractOrders, logger: Logger, alerts: AlertPublisher) =>
        extractOrdersConsumer(extract, { logger, alerts }),
      [EXTRACT_ORDERS, LOGGER, ALERT_PUBLISHER],
    );
  });
}

/** The batch-file flows, as the validate-file and extract-orders handlers load them. */
export const FILE_FLOWS: ConsumerFlows = {
  modules: (_handler, options) => [useCasesModule(), fileFlowsModule(options.files)],
  consumers: FILE_CONSUMERS,
};
