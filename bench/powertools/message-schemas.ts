/**
 * The messages of orderflow's queues and workflow in classic zod, as a
 * Powertools user would write them for its parser. Loose where orderflow's
 * are strict: a Powertools handler checking as much would cost more.
 */
import { EventBridgeSchema } from "@aws-lambda-powertools/parser/schemas/eventbridge";
import { S3Schema } from "@aws-lambda-powertools/parser/schemas/s3";
import { z } from "zod";

export { PlaceOrderSchema, ValidateOrderMessageSchema } from "./order-schema.js";

const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** An order event on the bus, in the EventBridge envelope a rule delivers it in. */
export const OrderEventEnvelopeSchema = EventBridgeSchema.extend({
  detail: z.looseObject({
    id: z.string().min(1),
    type: z.string().min(1),
    orderId: id,
    orderVersion: z.number().int().min(1),
    correlationId: z.string().min(1),
    occurredAt: z.iso.datetime(),
  }),
});

/** A notification as the topic delivers it raw to its priority's queue. */
export const NotificationMessageSchema = z.looseObject({
  notificationId: id,
  userId: z.string().min(1).max(64),
  message: z.string().min(1).max(1000),
  priority: z.enum(["high", "medium", "low"]),
  createdAt: z.iso.datetime(),
});

/** The bucket's notification that a file was created. */
export const S3EventNotificationSchema = S3Schema;

/** A validated file's extraction request. */
export const FileExtractionMessageSchema = z.looseObject({
  type: z.literal("ExtractFile"),
  fileKey: z.string().min(1),
  fileVersion: z.string().min(1),
  etag: z.string().min(1),
});

/** What a task state of the order workflow sends. */
export const WorkflowTaskPayloadSchema = z.looseObject({
  task: z.string().min(1),
  orderId: id,
  correlationId: z.string().min(1),
});
