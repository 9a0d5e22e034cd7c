import * as z from "zod/mini";
import { OrderIdSchema } from "../../domain/schemas.js";

/**
 * The bodies of the messages orderflow puts on its queues. Every consumer
 * parses its body with these schemas first, so hostile or foreign messages get
 * a structured rejection instead of a crash.
 */

/** Body of a message on the intake FIFO queue (group = order id, deduplication id = command id). */
export const PlaceOrderMessageSchema = z.object({
  type: z.literal("PlaceOrder"),
  commandId: z.string().check(z.minLength(1), z.maxLength(128)),
  correlationId: z.string().check(z.minLength(1), z.maxLength(128)),
  causationId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  /** Validated again by the consumer with `PlaceOrderSchema` (orderId required). */
  order: z.unknown(),
});

export type PlaceOrderMessage = z.infer<typeof PlaceOrderMessageSchema>;

/** The orderflow envelope inside an EventBridge event delivered to a queue. */
export const BusEventSchema = z.object({
  "detail-type": z.string(),
  source: z.string(),
  detail: z.object({
    id: z.string().check(z.minLength(1), z.maxLength(256)),
    type: z.string(),
    orderId: OrderIdSchema,
    orderVersion: z.number().check(z.int(), z.minimum(0)),
    correlationId: z.string().check(z.minLength(1), z.maxLength(256)),
    causationId: z.string().check(z.minLength(1), z.maxLength(256)),
    occurredAt: z.string(),
    schemaVersion: z.number().check(z.int()),
    data: z.unknown(),
  }),
});

export type BusEvent = z.infer<typeof BusEventSchema>;

export function placeOrderMessage(message: PlaceOrderMessage): string {
  return JSON.stringify(message);
}
