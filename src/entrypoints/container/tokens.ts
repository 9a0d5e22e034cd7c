import type { AcceptNotification } from "../../domain/use-cases/accept-notification.js";
import type { CancelOrder } from "../../domain/use-cases/cancel-order.js";
import type { ExtractOrders } from "../../domain/use-cases/extract-orders.js";
import type { FulfilmentWait } from "../../domain/use-cases/fulfilment-wait.js";
import type { GetMetrics } from "../../domain/use-cases/get-metrics.js";
import type { GetNotification } from "../../domain/use-cases/get-notification.js";
import type { GetOrder } from "../../domain/use-cases/get-order.js";
import type {
  ListNotificationsByPriority,
  ListUserNotifications,
} from "../../domain/use-cases/list-notifications.js";
import type { ModifyOrder } from "../../domain/use-cases/modify-order.js";
import type { NotifyOrderCustomers } from "../../domain/use-cases/notify-order-customers.js";
import type { PlaceOrder } from "../../domain/use-cases/place-order.js";
import type { ProcessOrder } from "../../domain/use-cases/process-order.js";
import type { RecordOrderMetrics } from "../../domain/use-cases/record-order-metrics.js";
import type { RefundOrder } from "../../domain/use-cases/refund-order.js";
import type { RequestOrderChange } from "../../domain/use-cases/request-change.js";
import type { FulfilOrder } from "../../domain/use-cases/simple-transitions.js";
import type { StoreAndDeliverNotification } from "../../domain/use-cases/store-and-deliver-notification.js";
import type { ChangeStoreSettings, GetStoreStatus } from "../../domain/use-cases/store-status.js";
import type { ValidateFile } from "../../domain/use-cases/validate-file.js";
import type { ValidateOrder } from "../../domain/use-cases/validate-order.js";
import type { WorkflowSteps } from "../../domain/use-cases/workflow-steps.js";
import { type Token, token } from "../../ports/token.js";
import type { ExtractionConsumer } from "../consumers/file-consumers.js";
import type { ConsumerName } from "../handlers.js";
import type { MetricsApi } from "../http/metrics-api.js";
import type { NotificationApi } from "../http/notification-api.js";
import type { OrderApi } from "../http/order-api.js";
import type { StoreApi } from "../http/store-api.js";

/** The use cases of the order flows, each bound once and injected where used. */
export const PLACE_ORDER = token<PlaceOrder>("PlaceOrder");
export const GET_ORDER = token<GetOrder>("GetOrder");
export const REQUEST_ORDER_CHANGE = token<RequestOrderChange>("RequestOrderChange");
export const VALIDATE_ORDER = token<ValidateOrder>("ValidateOrder");
export const PROCESS_ORDER = token<ProcessOrder>("ProcessOrder");
export const CANCEL_ORDER = token<CancelOrder>("CancelOrder");
export const MODIFY_ORDER = token<ModifyOrder>("ModifyOrder");
export const REFUND_ORDER = token<RefundOrder>("RefundOrder");
export const VALIDATE_FILE = token<ValidateFile>("ValidateFile");
export const EXTRACT_ORDERS = token<ExtractOrders>("ExtractOrders");
export const FULFIL_ORDER = token<FulfilOrder>("FulfilOrder");
export const GET_STORE_STATUS = token<GetStoreStatus>("GetStoreStatus");
export const CHANGE_STORE_SETTINGS = token<ChangeStoreSettings>("ChangeStoreSettings");

/** The use cases of customer notifications. */
export const ACCEPT_NOTIFICATION = token<AcceptNotification>("AcceptNotification");
export const GET_NOTIFICATION = token<GetNotification>("GetNotification");
export const LIST_USER_NOTIFICATIONS = token<ListUserNotifications>("ListUserNotifications");
export const LIST_NOTIFICATIONS_BY_PRIORITY = token<ListNotificationsByPriority>(
  "ListNotificationsByPriority",
);
export const STORE_AND_DELIVER_NOTIFICATION = token<StoreAndDeliverNotification>(
  "StoreAndDeliverNotification",
);
export const NOTIFY_ORDER_CUSTOMERS = token<NotifyOrderCustomers>("NotifyOrderCustomers");

/** The use cases of business metrics. */
export const RECORD_ORDER_METRICS = token<RecordOrderMetrics>("RecordOrderMetrics");
export const GET_METRICS = token<GetMetrics>("GetMetrics");
export const METRICS_API = token<MetricsApi>("MetricsApi");

/** The order workflow's steps, and its wait for the operator. */
export const WORKFLOW_STEPS = token<WorkflowSteps>("WorkflowSteps");
export const FULFILMENT_WAIT = token<FulfilmentWait>("FulfilmentWait");

/** The operations of the public HTTP API: orders, and customer notifications. */
export const ORDER_API = token<OrderApi>("OrderApi");
export const NOTIFICATION_API = token<NotificationApi>("NotificationApi");
export const STORE_API = token<StoreApi>("StoreApi");

/**
 * The token of a queue consumer, derived from its name in the handler
 * declaration: its flows' module binds it, the handler it runs in resolves it.
 */
export function consumerToken(name: ConsumerName): Token<ExtractionConsumer> {
  return token<ExtractionConsumer>(`consumer.${name}`);
}
