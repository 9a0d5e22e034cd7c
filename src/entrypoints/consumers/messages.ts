import * as z from "zod/mini";
import { OrderIdSchema } from "../../domain/schemas.js";

/**
 * The bus envelope as the queues of the bus routes receive it. Every consumer
 * parses its body with a schema first (this one, the intake command's in
 * `domain/commands.ts`, the file messages'), so hostile or foreign messages get
 * a structured rejection instead of a crash.
 */

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
