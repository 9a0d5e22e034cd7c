import * as z from "zod";
import { OrderIdSchema } from "../../domain/schemas.js";
import type { BusEnvelope } from "../../ports/routing.js";

/**
 * The bodies of the messages orderflow puts on its queues. Every consumer
 * parses its body with these schemas first, so hostile or foreign messages get
 * a structured rejection instead of a crash.
 */

/** Body of a message on the intake FIFO queue (group = order id, deduplication id = command id). */
export const PlaceOrderMessageSchema = z.object({
  type: z.literal("PlaceOrder"),
  commandId: z.string().min(1).max(128),
  correlationId: z.string().min(1).max(128),
  causationId: z.string().min(1).max(256).optional(),
  /** Validated again by the consumer with `PlaceOrderSchema` (orderId required). */
  order: z.unknown(),
});

export type PlaceOrderMessage = z.infer<typeof PlaceOrderMessageSchema>;

/** The orderflow envelope inside an EventBridge event delivered to a queue. */
export const BusEventSchema = z.object({
  "detail-type": z.string(),
  source: z.string(),
  detail: z.object({
    id: z.string().min(1).max(256),
    type: z.string(),
    orderId: OrderIdSchema,
    orderVersion: z.number().int().min(0),
    correlationId: z.string().min(1).max(256),
    causationId: z.string().min(1).max(256),
    occurredAt: z.string(),
    schemaVersion: z.number().int(),
    data: z.unknown(),
  }),
});

export type BusEvent = z.infer<typeof BusEventSchema>;

export function placeOrderMessage(message: PlaceOrderMessage): string {
  return JSON.stringify(message);
}

export type { BusEnvelope };
