import { escapeUndeliverable } from "./deliverable-text.js";
import type { OrderEvent, OrderEventType } from "./events.js";
import { stableId } from "./fingerprint.js";
import type { AcceptedNotification, NotificationPriority } from "./notification.js";
import { STRUCTURAL_LIMITS } from "./schemas.js";

/**
 * The order outcomes a customer is told about, and how urgently: one table
 * that the bus route to the notifier (`EVENT_ROUTES`), the use case and the
 * tests all read. Bad news is high priority (the customer may act on it), a
 * confirmation medium, a fulfilment low.
 */
export const ORDER_OUTCOME_NOTIFICATIONS = {
  OrderConfirmed: "medium",
  OrderPaymentFailed: "high",
  OrderRejected: "high",
  OrderCancelled: "high",
  OrderFulfilled: "low",
  /** The money of a cancelled order is back with the customer. */
  OrderRefunded: "medium",
} as const satisfies Partial<Record<OrderEventType, NotificationPriority>>;

export type NotifiedOrderEventType = keyof typeof ORDER_OUTCOME_NOTIFICATIONS;

export const NOTIFIED_ORDER_EVENT_TYPES = Object.keys(
  ORDER_OUTCOME_NOTIFICATIONS,
) as NotifiedOrderEventType[];

export type NotifiedOrderEvent = Extract<OrderEvent, { type: NotifiedOrderEventType }>;

export function isNotifiedOrderEvent(event: OrderEvent): event is NotifiedOrderEvent {
  return Object.hasOwn(ORDER_OUTCOME_NOTIFICATIONS, event.type);
}

/**
 * The notification telling `customerId` about `event`. Everything in it comes
 * from the event (its id, its time), so every copy of one event makes the
 * same notification: the store keeps one and the channel delivers it once.
 */
export function orderOutcomeNotification(
  event: NotifiedOrderEvent,
  customerId: string,
): AcceptedNotification {
  return {
    notificationId: `n-${stableId(event.id)}`,
    userId: customerId,
    message: deliverableLine(outcomeMessage(event), STRUCTURAL_LIMITS.maxNotificationMessageLength),
    priority: ORDER_OUTCOME_NOTIFICATIONS[event.type],
    createdAt: event.occurredAt,
    orderId: event.orderId,
  };
}

/**
 * One line naming the order and its outcome; amounts in minor units with their
 * currency. It reads the event's data defensively (a field of the wrong shape
 * is left out), so no event can make it throw.
 */
function outcomeMessage(event: NotifiedOrderEvent): string {
  const order = `Your order ${event.orderId}`;
  const data = (typeof event.data === "object" && event.data !== null ? event.data : {}) as Record<
    string,
    unknown
  >;
  const text = (value: unknown) => (typeof value === "string" ? value : "");
  const amount = (money: unknown) => {
    const { total, amount, currency } = (money ?? {}) as Record<string, unknown>;
    const value = typeof total === "number" ? total : amount;
    return typeof value === "number" && typeof currency === "string"
      ? `${value} ${currency} (minor units)`
      : "";
  };
  switch (event.type) {
    case "OrderConfirmed": {
      const charged = amount(data);
      return `${order} is confirmed${charged ? `: ${charged} was charged` : ""}.`;
    }
    case "OrderPaymentFailed":
      return `${order} could not be paid${text(data.reason) ? `: ${text(data.reason)}` : ""}.`;
    case "OrderRejected": {
      const reasons = (Array.isArray(data.reasons) ? data.reasons : [])
        .map((r: { code?: unknown; message?: unknown } | null) => text(r?.code) || text(r?.message))
        .filter((r) => r !== "")
        .slice(0, 5);
      return `${order} was rejected${reasons.length > 0 ? ` (${reasons.join(", ")})` : ""}.`;
    }
    case "OrderCancelled": {
      const refund = amount(data.refund);
      const reason = text(data.reason);
      return `${order} was cancelled${reason ? `: ${reason}` : ""}.${refund ? ` ${refund} will be refunded.` : ""}`;
    }
    case "OrderFulfilled":
      return `${order} has been fulfilled.`;
    case "OrderRefunded": {
      const refunded = amount(data);
      return `${order}: ${refunded || "its payment"} was refunded.`;
    }
  }
}

/**
 * `text` as a notification message the API itself would accept: reasons come
 * from clients and gateways, so control characters become spaces,
 * undeliverable characters are escaped, and the length is bounded without
 * splitting a surrogate pair.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_CHARACTERS = /[\x00-\x1f\x7f]+/g;

function deliverableLine(text: string, maxLength: number): string {
  // Control characters (line breaks, DEL) become spaces: the API's text rule refuses them all.
  const line = escapeUndeliverable(text.replace(CONTROL_CHARACTERS, " ").replace(/ {2,}/g, " ").trim());
  if (line.length <= maxLength) return line;
  const cut = line.slice(0, maxLength - 1);
  return `${/[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}
