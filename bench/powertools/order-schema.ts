/**
 * The order's shapes in classic zod, as a Powertools user would write them for
 * its parser: the PlaceOrder body (the same limits as orderflow's
 * `PlaceOrderSchema`), the intake queue's validation request and the stored order.
 */
import { z } from "zod";

const text = z.string().trim().min(1).max(200);

export const OrderItemSchema = z.strictObject({
  sku: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  quantity: z.number().int().min(1).max(10_000),
  unitPrice: z.number().int().min(0).max(100_000_000),
});

export const PlaceOrderSchema = z.strictObject({
  orderId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  customerId: text.max(64),
  currency: z.string().regex(/^[A-Z]{3}$/),
  items: z.array(OrderItemSchema).min(1).max(100),
  shippingAddress: z.strictObject({
    line1: text,
    line2: text.optional(),
    city: text,
    postalCode: z.string().trim().min(1).max(20),
    country: z.string().regex(/^[A-Z]{2}$/),
  }),
});

export const ValidateOrderMessageSchema = z.object({
  type: z.literal("ValidateOrder"),
  orderId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  commandId: z.string().min(1),
  correlationId: z.string().min(1),
});

/** The stored order as validation reads it; the item holds more (line totals, timestamps, the outbox). */
export const StoredOrderSchema = z.looseObject({
  ...PlaceOrderSchema.shape,
  orderId: z.string(),
  items: z.array(OrderItemSchema.loose()).min(1).max(100),
  status: z.string(),
  version: z.number().int().min(1),
});
