import * as z from "zod/mini";
import { isDeliverable, UNDELIVERABLE_MESSAGE } from "./deliverable-text.js";
import type { Issue } from "./errors.js";
import { ValidationError } from "./errors.js";
import { CURRENCY_PATTERN, MAX_UNIT_PRICE } from "./money.js";
import { NOTIFICATION_PAGE_LIMITS, NOTIFICATION_PRIORITIES } from "./notification.js";
import { MAX_STORE_CAPACITY } from "./store-settings.js";
import { ENGLISH_MESSAGES } from "./zod-locale.js";

/**
 * Structural validation: the shapes of the public contract, checked before any
 * business rule. Every limit here exists so that hostile input cannot make an
 * order big enough to hurt (item sizes, string lengths, money range).
 */
export const STRUCTURAL_LIMITS = {
  maxItems: 100,
  maxQuantity: 10_000,
  maxIdLength: 64,
  maxTextLength: 200,
  maxReasonLength: 500,
  maxNotificationMessageLength: 2_000,
} as const;

export const ORDER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const SKU_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

const text = (max: number = STRUCTURAL_LIMITS.maxTextLength) =>
  z.string().check(
    z.trim(),
    z.minLength(1, "must not be empty"),
    z.maxLength(max, `must be at most ${max} characters`),
    z.refine((s) => !hasControlCharacter(s), "must not contain control characters"),
    // Control characters are reported by the rule above; this one names what only transports refuse.
    z.refine((s) => hasControlCharacter(s) || isDeliverable(s), UNDELIVERABLE_MESSAGE),
  );

/** C0 control characters and DEL: never legitimate in names and addresses, often a sign of injection. */
function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export const OrderIdSchema = z.string().check(z.regex(ORDER_ID_PATTERN, "must match [A-Za-z0-9_-]{1,64}"));

/**
 * A customer's id, as an order names it and as notifications name their user:
 * one schema, so that every customer an order names can be told about it.
 */
export const CustomerIdSchema = text(STRUCTURAL_LIMITS.maxIdLength);

// The integer rule is a check on a number (not `z.int(message)`), so that a
// value of another type keeps zod's own "expected number" message.
export const MinorUnitsSchema = z
  .number()
  .check(
    z.int("must be an integer amount in minor units (e.g. cents)"),
    z.minimum(0, "must not be negative"),
    z.maximum(MAX_UNIT_PRICE, `must be at most ${MAX_UNIT_PRICE}`),
  );

export const OrderItemSchema = z.strictObject({
  sku: z.string().check(z.regex(SKU_PATTERN, "must match [A-Za-z0-9._-]{1,64}")),
  quantity: z
    .number()
    .check(
      z.int("must be an integer"),
      z.minimum(1, "must be at least 1"),
      z.maximum(STRUCTURAL_LIMITS.maxQuantity, `must be at most ${STRUCTURAL_LIMITS.maxQuantity}`),
    ),
  unitPrice: MinorUnitsSchema,
});

export const AddressSchema = z.strictObject({
  line1: text(),
  line2: z.optional(text()),
  city: text(),
  region: z.optional(text()),
  postalCode: text(20),
  country: z.string().check(z.regex(/^[A-Z]{2}$/, "must be an ISO 3166-1 alpha-2 code such as BR")),
});

const ItemsSchema = z
  .array(OrderItemSchema)
  .check(
    z.minLength(1, "must contain at least one item"),
    z.maxLength(STRUCTURAL_LIMITS.maxItems, `must contain at most ${STRUCTURAL_LIMITS.maxItems} items`),
  );

export const PlaceOrderSchema = z.strictObject({
  orderId: z.optional(OrderIdSchema),
  customerId: CustomerIdSchema,
  currency: z.string().check(z.regex(CURRENCY_PATTERN, "must be an ISO 4217 code such as BRL")),
  items: ItemsSchema,
  shippingAddress: AddressSchema,
});

export const CancelOrderSchema = z.strictObject({
  reason: text(STRUCTURAL_LIMITS.maxReasonLength),
});

export const ModifyOrderSchema = z
  .strictObject({
    items: z.optional(ItemsSchema),
    shippingAddress: z.optional(AddressSchema),
  })
  .check(
    z.refine((m) => m.items !== undefined || m.shippingAddress !== undefined, {
      message: "must change items and/or shippingAddress",
    }),
  );

/** The body of `POST /notifications`. */
export const NotificationSchema = z.strictObject({
  userId: CustomerIdSchema,
  message: text(STRUCTURAL_LIMITS.maxNotificationMessageLength),
  priority: z.enum(NOTIFICATION_PRIORITIES),
});

/**
 * A notification as the API publishes it to the consumers: the body's fields
 * plus its id and time (and the order it is about). Unknown fields are
 * ignored, so a newer publisher's messages still parse.
 */
export const AcceptedNotificationSchema = z.object({
  notificationId: OrderIdSchema,
  userId: NotificationSchema.shape.userId,
  message: NotificationSchema.shape.message,
  priority: NotificationSchema.shape.priority,
  createdAt: z.iso.datetime(),
  orderId: z.optional(OrderIdSchema),
});

const NotificationPageSchema = {
  limit: z.optional(
    z
      .number()
      .check(
        z.int("must be an integer"),
        z.minimum(1, "must be at least 1"),
        z.maximum(NOTIFICATION_PAGE_LIMITS.max, `must be at most ${NOTIFICATION_PAGE_LIMITS.max}`),
      ),
  ),
  cursor: z.optional(z.string()),
};

/** One user's notifications (`GET /users/{userId}/notifications`). */
export const UserNotificationsQuerySchema = z.strictObject({
  userId: CustomerIdSchema,
  priority: z.optional(z.enum(NOTIFICATION_PRIORITIES)),
  ...NotificationPageSchema,
});

/** One priority's notifications across users (`GET /notifications?priority=`). */
export const PriorityNotificationsQuerySchema = z.strictObject({
  priority: z.enum(NOTIFICATION_PRIORITIES),
  ...NotificationPageSchema,
});

/** The body of `PUT /store`: what to change, at least one of the two. */
export const StoreSettingsChangeSchema = z
  .strictObject({
    open: z.optional(z.boolean()),
    capacity: z.optional(
      z
        .number()
        .check(
          z.int("must be an integer"),
          z.minimum(0, "must be at least 0"),
          z.maximum(MAX_STORE_CAPACITY, `must be at most ${MAX_STORE_CAPACITY}`),
        ),
    ),
  })
  .check(
    z.refine((change) => change.open !== undefined || change.capacity !== undefined, {
      message: "must change open and/or capacity",
    }),
  );

export type StoreSettingsChange = z.infer<typeof StoreSettingsChangeSchema>;

export type OrderItemInput = z.infer<typeof OrderItemSchema>;
export type AddressInput = z.infer<typeof AddressSchema>;
export type PlaceOrderInput = z.infer<typeof PlaceOrderSchema>;
export type CancelOrderInput = z.infer<typeof CancelOrderSchema>;
export type ModifyOrderInput = z.infer<typeof ModifyOrderSchema>;
export type NotificationInput = z.infer<typeof NotificationSchema>;
export type UserNotificationsQueryInput = z.infer<typeof UserNotificationsQuerySchema>;
export type PriorityNotificationsQueryInput = z.infer<typeof PriorityNotificationsQuerySchema>;

/** Turns zod issues into the contract's `{ path, message }` list (paths like `items.0.quantity`). */
export function toIssues(error: z.core.$ZodError): Issue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
    code: issue.code,
  }));
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

/** Validates `input` against `schema`, collecting every issue instead of throwing. */
export function parseWith<T>(schema: z.ZodMiniType<T>, input: unknown): ParseResult<T> {
  const result = schema.safeParse(input, ENGLISH_MESSAGES);
  return result.success ? { ok: true, value: result.data } : { ok: false, issues: toIssues(result.error) };
}

/** Like {@link parseWith} but throws a {@link ValidationError} that lists every issue. */
export function parseOrThrow<T>(schema: z.ZodMiniType<T>, input: unknown, what: string): T {
  const result = parseWith(schema, input);
  if (!result.ok) throw new ValidationError(`${what} is invalid`, result.issues);
  return result.value;
}
