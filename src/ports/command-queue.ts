import type { CommandQueue } from "../domain/ports.js";
import { token } from "./token.js";

export type { CommandQueue, QueueMessage } from "../domain/ports.js";

/** The queue that feeds validate-order (FIFO, group = order id). */
export const INTAKE_QUEUE = token<CommandQueue>("IntakeQueue");
/** The queue that feeds extract-orders with validated files. */
export const FILE_EXTRACTION_QUEUE = token<CommandQueue>("FileExtractionQueue");
