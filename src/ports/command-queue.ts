import type { CommandQueue } from "../domain/ports.js";
import { token } from "./token.js";

export type { CommandQueue, QueueMessage } from "../domain/ports.js";

/** The queue that feeds validate-order (FIFO, group = order id). */
export const INTAKE_QUEUE = token<CommandQueue>("IntakeQueue");
/** The queue that feeds extract-orders with validated files. */
export const FILE_EXTRACTION_QUEUE = token<CommandQueue>("FileExtractionQueue");

/**
 * A message as a queue hands it to its consumer: what the receive of every
 * queue technology answers (in memory, PostgreSQL), so that one SQS-shaped
 * record is built from any of them.
 */
export interface ReceivedMessage {
  readonly messageId: string;
  /** Valid until the message is received again; only the latest handle settles it. */
  readonly receiptHandle: string;
  readonly body: string;
  /** Message attributes. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly groupId?: string | undefined;
  readonly deduplicationId?: string | undefined;
  /** FIFO: an increasing decimal string of constant width. */
  readonly sequenceNumber?: string | undefined;
  /** 1 on the first delivery. */
  readonly receiveCount: number;
  readonly sentAt: Date;
  readonly firstReceivedAt: Date;
}
