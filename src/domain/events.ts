import type { Issue } from "./errors.js";
import type { OrderStatus } from "./lifecycle.js";

/** Version of the envelope and payload shapes below; bumped on any breaking change. */
export const EVENT_SCHEMA_VERSION = 1;

/**
 * Every event travels in this envelope. `id` is deterministic
 * (`<orderId>:<orderVersion>:<index>`), so re-publishing an event after a crash
 * yields the same id and consumers can drop the duplicate.
 */
export interface EventEnvelope<TType extends string = string, TData = unknown> {
  readonly id: string;
  readonly type: TType;
  readonly schemaVersion: number;
  readonly occurredAt: string;
  readonly orderId: string;
  readonly orderVersion: number;
  /** Shared by every message caused, directly or not, by one client request or file. */
  readonly correlationId: string;
  /** Id of the command or event that directly caused this one. */
  readonly causationId: string;
  readonly data: TData;
}

export interface OrderLineData {
  readonly sku: string;
  readonly quantity: number;
  readonly unitPrice: number;
  readonly lineTotal: number;
}

export interface AddressData {
  readonly line1: string;
  readonly line2?: string | undefined;
  readonly city: string;
  readonly region?: string | undefined;
  readonly postalCode: string;
  readonly country: string;
}

export interface OrderSummaryData {
  readonly customerId: string;
  readonly currency: string;
  readonly items: readonly OrderLineData[];
  readonly total: number;
  readonly shippingAddress: AddressData;
}

/** Payload of each domain event, by type. */
export interface OrderEventData {
  OrderPlaced: OrderSummaryData;
  OrderValidated: { readonly total: number; readonly currency: string };
  OrderRejected: { readonly reasons: readonly Issue[] };
  OrderPaymentStarted: { readonly amount: number; readonly currency: string };
  OrderPaid: { readonly paymentId: string; readonly amount: number; readonly currency: string };
  OrderPaymentFailed: { readonly reason: string };
  OrderConfirmed: { readonly total: number; readonly currency: string };
  OrderFulfilled: Record<string, never>;
  OrderCancelled: {
    readonly reason: string;
    readonly previousStatus: OrderStatus;
    /** Present when the order had been paid: the amount the customer must get back. */
    readonly refund?: { readonly amount: number; readonly currency: string; readonly paymentId: string };
  };
  /** A payment that completed after the order was cancelled: the money must go back. */
  OrderRefundRequired: { readonly amount: number; readonly currency: string; readonly paymentId: string };
  /** The refund owed was issued by the payment gateway (once per order). */
  OrderRefunded: {
    readonly amount: number;
    readonly currency: string;
    readonly paymentId: string;
    readonly refundId: string;
  };
  CancellationRejected: { readonly reason: string; readonly status: OrderStatus };
  OrderModified: {
    readonly old: Pick<OrderSummaryData, "items" | "total" | "shippingAddress">;
    readonly new: Pick<OrderSummaryData, "items" | "total" | "shippingAddress">;
    readonly changed: readonly ("items" | "shippingAddress")[];
  };
  ModificationRejected: { readonly reasons: readonly Issue[]; readonly status: OrderStatus };
}

export type OrderEventType = keyof OrderEventData;

export type OrderEvent = {
  [K in OrderEventType]: EventEnvelope<K, OrderEventData[K]>;
}[OrderEventType];

export const ORDER_EVENT_TYPES = [
  "OrderPlaced",
  "OrderValidated",
  "OrderRejected",
  "OrderPaymentStarted",
  "OrderPaid",
  "OrderPaymentFailed",
  "OrderConfirmed",
  "OrderFulfilled",
  "OrderCancelled",
  "OrderRefundRequired",
  "OrderRefunded",
  "CancellationRejected",
  "OrderModified",
  "ModificationRejected",
] as const satisfies readonly OrderEventType[];

/**
 * Requests published by the API for the cancel and modify flows. They are not
 * facts about an order yet, so they carry the order version the client saw (0
 * when unknown) and their own id (the command id).
 */
export interface RequestEventData {
  CancellationRequested: { readonly reason: string };
  ModificationRequested: {
    readonly items?: readonly { sku: string; quantity: number; unitPrice: number }[] | undefined;
    readonly shippingAddress?: AddressData | undefined;
  };
}

export type RequestEvent = {
  [K in keyof RequestEventData]: EventEnvelope<K, RequestEventData[K]>;
}[keyof RequestEventData];

/** Anything orderflow publishes on its bus. */
export type OrderflowEvent = OrderEvent | RequestEvent;
