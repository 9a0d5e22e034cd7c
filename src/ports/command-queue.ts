import { token } from "./token.js";

/** A message to put on a queue. */
export interface QueueMessage {
  /** Identifies the message within one `send` call (and in errors). Defaults to its index. */
  readonly id?: string | undefined;
  readonly body: string;
  /** FIFO queues: messages of one group are delivered in order, one at a time. */
  readonly groupId?: string | undefined;
  /** FIFO queues: a second message with the same id within 5 minutes is dropped. */
  readonly deduplicationId?: string | undefined;
  /** String attributes a consumer (or a filter) can read without parsing the body. */
  readonly attributes?: Readonly<Record<string, string>> | undefined;
  readonly delaySeconds?: number | undefined;
}

/**
 * Sends commands to a queue. Implementations batch as the service allows and
 * retry only the entries that failed.
 * @throws DeliveryError naming every message that could not be sent.
 */
export interface CommandQueue {
  /** Name of the queue, for logs and errors. */
  readonly name: string;
  send(messages: readonly QueueMessage[]): Promise<void>;
}

/** The queue that feeds validate-order (FIFO, group = order id). */
export const INTAKE_QUEUE = token<CommandQueue>("IntakeQueue");
/** The queue that feeds extract-orders with validated files. */
export const FILE_EXTRACTION_QUEUE = token<CommandQueue>("FileExtractionQueue");
