import type { Issue } from "../errors.js";
import type { OrderStatus } from "../lifecycle.js";
import type { Address, OrderLine, OrderSnapshot, RejectedRequest } from "../order.js";
import type { OrderRepository } from "../ports.js";

/** The order as the public HTTP contract shows it (`GET /orders/{id}`). */
export interface OrderView {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly items: readonly OrderLine[];
  readonly total: number;
  readonly status: OrderStatus;
  readonly version: number;
  readonly shippingAddress: Address;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Why the order was rejected (only when `REJECTED`). */
  readonly reasons?: readonly Issue[];
  readonly cancellation?: { readonly reason: string; readonly previousStatus: OrderStatus };
  readonly refundOwed?: { readonly amount: number; readonly currency: string; readonly paymentId: string };
  /** The last cancel or modify request the order refused, and why. */
  readonly lastRejectedRequest?: RejectedRequest;
}

/** Projects the stored state to the public view (internal bookkeeping left out). */
export function toOrderView(order: OrderSnapshot): OrderView {
  const view: OrderView = {
    orderId: order.orderId,
    customerId: order.customerId,
    currency: order.currency,
    items: order.items,
    total: order.total,
    status: order.status,
    version: order.version,
    shippingAddress: order.shippingAddress,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    ...(order.status === "REJECTED" && order.reasons ? { reasons: order.reasons } : {}),
    ...(order.cancellation ? { cancellation: order.cancellation } : {}),
    ...(order.refundOwed ? { refundOwed: order.refundOwed } : {}),
    ...(order.lastRejectedRequest ? { lastRejectedRequest: order.lastRejectedRequest } : {}),
  };
  return view;
}

export class GetOrder {
  constructor(private readonly deps: { readonly orders: Pick<OrderRepository, "get"> }) {}

  async execute(orderId: string): Promise<OrderView | undefined> {
    const stored = await this.deps.orders.get(orderId);
    return stored ? toOrderView(stored.order.snapshot()) : undefined;
  }
}
