import type { OrderflowEvent } from "../domain/events.js";
import { MEASURED_ORDER_EVENT_TYPES } from "../domain/metrics.js";
import type { NotificationPriority } from "../domain/notification.js";
import { NOTIFIED_ORDER_EVENT_TYPES } from "../domain/order-notifications.js";

/**
 * Which events go to which queue, declared once and in no cloud's words: the
 * in-memory pipeline, the AWS bus rules of the CloudFormation template and the
 * flow diagram all read {@link EVENT_ROUTES}. How a route is expressed on a
 * given bus (an EventBridge event pattern, say) is its adapter's business.
 */

/** The producer every orderflow event is published as (EventBridge's `source`). */
export const EVENT_SOURCE = "orderflow";

/** The routes of the flows: route name → the event types it carries. Each route feeds the queue of the same name. */
export const EVENT_ROUTES = {
  /** Validated orders go on to payment and confirmation. */
  processing: ["OrderValidated"],
  cancel: ["CancellationRequested"],
  modify: ["ModificationRequested"],
  /** Money owed back: a payment that landed after a cancel, or a cancel after payment (with `refund`). */
  refunds: ["OrderRefundRequired", "OrderCancelled"],
  /** Order outcomes the customer is told about (`ORDER_OUTCOME_NOTIFICATIONS`). */
  "order-notifications": NOTIFIED_ORDER_EVENT_TYPES,
  /** Fulfilled orders release the workflow's wait for the operator (its task token). */
  fulfilments: ["OrderFulfilled"],
  /** Completed-order events counted into the business metrics (`ORDER_OUTCOME_METRICS`). */
  metrics: MEASURED_ORDER_EVENT_TYPES,
} as const satisfies Record<string, readonly OrderflowEvent["type"][]>;

export type EventRouteName = keyof typeof EVENT_ROUTES;

/**
 * The name of a route's bus rule as its dead-letter queue is named after it:
 * the queue where the bus puts an event it could not deliver to the route's
 * queue, one per route (`orderflow-cancel-rule-dlq` in memory,
 * `CancelRuleDeadLetterQueue` in the template).
 */
export function routeRuleName(route: EventRouteName): `${EventRouteName}-rule` {
  return `${route}-rule`;
}

/**
 * One queue per notification priority, each fed by the notifications topic
 * through a subscription whose filter policy names its priority, and drained
 * most urgent first.
 */
export const NOTIFICATION_QUEUES = {
  high: "notifications-high",
  medium: "notifications-medium",
  low: "notifications-low",
} as const satisfies Record<NotificationPriority, string>;
