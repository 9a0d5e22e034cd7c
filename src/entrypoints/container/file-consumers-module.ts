import { ContainerModule } from "inversify";
import type { FileFlowOptions } from "../../domain/use-cases/file-flow.js";
import { ALERT_PUBLISHER, type AlertPublisher } from "../../ports/alert-publisher.js";
import { CLOCK, type Clock } from "../../ports/clock.js";
import { type CommandQueue, FILE_EXTRACTION_QUEUE, INTAKE_QUEUE } from "../../ports/command-queue.js";
import { FILE_HISTORY, type FileHistory } from "../../ports/file-history.js";
import { LOGGER, type Logger } from "../../ports/logger.js";
import { OBJECT_STORE, type ObjectStore } from "../../ports/object-store.js";
import { type Token, token } from "../../ports/token.js";
import { createFileConsumers, type FileConsumers } from "../consumers/file-consumers.js";
import type { ConsumerFlows } from "./consumer-flows.js";

/** The queue consumers of the two batch-file flows. */
export const FILE_CONSUMERS = token<FileConsumers>("FileConsumers");

/** Binds {@link FILE_CONSUMERS} over the ports of the file flows. */
export function fileConsumersModule(options: FileFlowOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(FILE_CONSUMERS).toResolvedValue(
      (
        objects: ObjectStore,
        history: FileHistory,
        alerts: AlertPublisher,
        intakeQueue: CommandQueue,
        extractionQueue: CommandQueue,
        clock: Clock,
        logger: Logger,
      ) =>
        createFileConsumers(
          { objects, history, alerts, intakeQueue, extractionQueue, clock, logger },
          options,
        ),
      [OBJECT_STORE, FILE_HISTORY, ALERT_PUBLISHER, INTAKE_QUEUE, FILE_EXTRACTION_QUEUE, CLOCK, LOGGER],
    );
  });
}

/** The batch-file flows, as the validate-file and extract-orders handlers load them. */
export const FILE_FLOWS: ConsumerFlows = {
  module: (_handler, options) => fileConsumersModule(options.files),
  consumers: FILE_CONSUMERS as Token<FileConsumers> as ConsumerFlows["consumers"],
};
