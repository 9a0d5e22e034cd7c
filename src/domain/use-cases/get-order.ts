import type { Issue } from "../errors.js";
import type { OrderStatus } from "../lifecycle.js";
import {
  type Address,
  Order,
  type OrderLine,
  type OrderSnapshot,
  type RefundStatus,
  type RejectedRequest,
} from "../order.js";
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
  /** Money still owed back (only while `refund.status` is `OWED`); kept for clients that predate `refund`. */
  readonly refundOwed?: { readonly amount: number; readonly currency: string; readonly paymentId: string };
  /** The refund the order owes (`OWED`) or gave back (`REFUNDED`), once money taken must go back. */
  readonly refund?: { readonly amount: number; readonly currency: string; readonly status: RefundStatus };
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
    ...refundView(order),
    ...(order.lastRejectedRequest ? { lastRejectedRequest: order.lastRejectedRequest } : {}),
  };
  return view;
}

/** The refund fields of the view: `refund` once one is owed, and `refundOwed` while it is still owed. */
function refundView(order: OrderSnapshot): Pick<OrderView, "refund" | "refundOwed"> {
  if (order.refund === undefined && order.refundOwed === undefined) return {};
  // Read through the aggregate: an order stored before `refund` existed has only `refundOwed`.
  const refund = Order.fromSnapshot(order).refund!;
  const { amount, currency, paymentId, status } = refund;
  return {
    refund: { amount, currency, status },
    ...(status === "OWED" ? { refundOwed: { amount, currency, paymentId } } : {}),
  };
}

export class GetOrder {
  constructor(private readonly deps: { readonly orders: Pick<OrderRepository, "get"> }) {}

  async execute(orderId: string): Promise<OrderView | undefined> {
    const stored = await this.deps.orders.get(orderId);
    return stored ? toOrderView(stored.order.snapshot()) : undefined;
  }
}
