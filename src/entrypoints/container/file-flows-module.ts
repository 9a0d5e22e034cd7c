import { ContainerModule } from "inversify";
import { ExtractOrders } from "../../domain/use-cases/extract-orders.js";
import type { FileFlowOptions } from "../../domain/use-cases/file-flow.js";
import type { PlaceOrder } from "../../domain/use-cases/place-order.js";
import { ValidateFile } from "../../domain/use-cases/validate-file.js";
import { ALERT_PUBLISHER, type AlertPublisher } from "../../ports/alert-publisher.js";
import { CLOCK, type Clock } from "../../ports/clock.js";
import { type CommandQueue, FILE_EXTRACTION_QUEUE } from "../../ports/command-queue.js";
import { FILE_HISTORY, type FileHistory } from "../../ports/file-history.js";
import { LOGGER, type Logger } from "../../ports/logger.js";
import { OBJECT_STORE, type ObjectStore } from "../../ports/object-store.js";
import { extractOrdersConsumer, validateFileConsumer } from "../consumers/file-consumers.js";
import { bindingsModule, type ConsumerFlows } from "./consumer-flows.js";
import { placeFileOrders } from "./place-file-orders.js";
import { consumerToken, EXTRACT_ORDERS, PLACE_ORDER, VALIDATE_FILE } from "./tokens.js";
import { placeOrderBinding } from "./use-cases-module.js";

/** What both batch-file use cases use: the bucket, the file history, alerts, the extraction queue, the clock. */
const FILE_PORTS = [OBJECT_STORE, FILE_HISTORY, ALERT_PUBLISHER, FILE_EXTRACTION_QUEUE, CLOCK] as const;

/**
 * Binds the batch-file use cases (each once, with these options; extraction
 * places orders with the order flows' PlaceOrder) and each file consumer over
 * its use case.
 */
export function fileFlowsModule(options: FileFlowOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(VALIDATE_FILE).toResolvedValue(
      (
        objects: ObjectStore,
        history: FileHistory,
        alerts: AlertPublisher,
        extractionQueue: CommandQueue,
        clock: Clock,
      ) => new ValidateFile({ objects, history, alerts, extractionQueue, clock }, options),
      [...FILE_PORTS],
    );
    bind(EXTRACT_ORDERS).toResolvedValue(
      (
        objects: ObjectStore,
        history: FileHistory,
        alerts: AlertPublisher,
        extractionQueue: CommandQueue,
        clock: Clock,
        placeOrder: PlaceOrder,
      ) =>
        new ExtractOrders(
          { objects, history, alerts, extractionQueue, clock, placeOrders: placeFileOrders(placeOrder) },
          options,
        ),
      [...FILE_PORTS, PLACE_ORDER],
    );

    bind(consumerToken("validateFile")).toResolvedValue(
      (validate: ValidateFile, logger: Logger, alerts: AlertPublisher) =>
        validateFileConsumer(validate, { logger, alerts }, options),
      [VALIDATE_FILE, LOGGER, ALERT_PUBLISHER],
    );
    bind(consumerToken("extractOrders")).toResolvedValue(
      (extract: ExtractOrders, logger: Logger, alerts: AlertPublisher) =>
        extractOrdersConsumer(extract, { logger, alerts }),
      [EXTRACT_ORDERS, LOGGER, ALERT_PUBLISHER],
    );
  });
}

/** The batch-file flows, as the validate-file and extract-orders handlers load them: of the order use cases, PlaceOrder only. */
export const FILE_FLOWS: ConsumerFlows = {
  modules: (options) => [bindingsModule([placeOrderBinding], options), fileFlowsModule(options.files)],
};
