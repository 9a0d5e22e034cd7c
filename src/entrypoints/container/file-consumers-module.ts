import { ContainerModule } from "inversify";
import type { PlaceOrder } from "../../domain/use-cases/place-order.js";
import { ALERT_PUBLISHER, type AlertPublisher } from "../../ports/alert-publisher.js";
import { CLOCK, type Clock } from "../../ports/clock.js";
import { type CommandQueue, FILE_EXTRACTION_QUEUE } from "../../ports/command-queue.js";
import { FILE_HISTORY, type FileHistory } from "../../ports/file-history.js";
import { LOGGER, type Logger } from "../../ports/logger.js";
import { OBJECT_STORE, type ObjectStore } from "../../ports/object-store.js";
import { token } from "../../ports/token.js";
import type { QueueConsumer } from "../consumers/order-consumers.js";
import {
  type ExtractionConsumer,
  extractOrdersConsumer,
  validateFileConsumer,
} from "../files/file-consumers.js";
import type { FileFlowOptions } from "../files/file-services.js";
import type { ConsumerFlows } from "./consumer-flows.js";
import { PLACE_ORDER } from "./tokens.js";
import { useCasesModule } from "./use-cases-module.js";

/** The queue consumers of the two batch-file flows, by their names in the handler declaration. */
export const FILE_CONSUMERS = {
  validateFile: token<QueueConsumer>("consumer.validateFile"),
  extractOrders: token<ExtractionConsumer>("consumer.extractOrders"),
} as const;

/** The ports every file flow uses. */
const FILE_PORTS = [
  OBJECT_STORE,
  FILE_HISTORY,
  ALERT_PUBLISHER,
  FILE_EXTRACTION_QUEUE,
  CLOCK,
  LOGGER,
] as const;

/** Binds each file consumer over its ports; extraction places orders with the order flows' PlaceOrder. */
export function fileConsumersModule(options: FileFlowOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(FILE_CONSUMERS.validateFile).toResolvedValue(
      (
        objects: ObjectStore,
        history: FileHistory,
        alerts: AlertPublisher,
        extractionQueue: CommandQueue,
        clock: Clock,
        logger: Logger,
      ) => validateFileConsumer({ objects, history, alerts, extractionQueue, clock, logger }, options),
      [...FILE_PORTS],
    );
    bind(FILE_CONSUMERS.extractOrders).toResolvedValue(
      (
        objects: ObjectStore,
        history: FileHistory,
        alerts: AlertPublisher,
        extractionQueue: CommandQueue,
        clock: Clock,
        logger: Logger,
        placeOrder: PlaceOrder,
      ) =>
        extractOrdersConsumer(
          { objects, history, alerts, extractionQueue, clock, logger, placeOrder },
          options,
        ),
      [...FILE_PORTS, PLACE_ORDER],
    );
  });
}

/** The batch-file flows, as the validate-file and extract-orders handlers load them. */
export const FILE_FLOWS: ConsumerFlows = {
  modules: (_handler, options) => [useCasesModule(), fileConsumersModule(options.files)],
  consumers: FILE_CONSUMERS,
};
