import * as z from "zod/mini";
import type { QueueMessage } from "./ports.js";
import { OrderIdSchema } from "./schemas.js";

/**
 * The command on the intake FIFO queue: validate the order placed under
 * `orderId`. The PlaceOrder use case sends it; the validate-order consumer
 * parses it with this schema. It names the order and carries nothing of it:
 * the order is read from the repository, where placing it records it.
 */
export const ValidateOrderMessageSchema = z.object({
  type: z.literal("ValidateOrder"),
  orderId: OrderIdSchema,
  /** The placement's command id: the FIFO deduplication id, and what validation's own id derives from. */
  commandId: z.string().check(z.minLength(1), z.maxLength(128)),
  correlationId: z.string().check(z.minLength(1), z.maxLength(128)),
  causationId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
});

export type ValidateOrderMessage = z.infer<typeof ValidateOrderMessageSchema>;

/** The command as sent on the intake queue: group = order id (commands of one order in order), deduplication id = command id. */
export function validateOrderQueueMessage(message: ValidateOrderMessage): QueueMessage {
  return {
    id: message.commandId,
    body: JSON.stringify(message),
    groupId: message.orderId,
    deduplicationId: message.commandId,
    attributes: { type: message.type, correlationId: message.correlationId },
  };
}
