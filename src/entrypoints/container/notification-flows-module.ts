import type { ContainerModule } from "inversify";
import { AcceptNotification } from "../../domain/use-cases/accept-notification.js";
import { GetNotification } from "../../domain/use-cases/get-notification.js";
import {
  ListNotificationsByPriority,
  ListUserNotifications,
} from "../../domain/use-cases/list-notifications.js";
import { NotifyOrderCustomers } from "../../domain/use-cases/notify-order-customers.js";
import { StoreAndDeliverNotification } from "../../domain/use-cases/store-and-deliver-notification.js";
import { ALERT_PUBLISHER, type AlertPublisher } from "../../ports/alert-publisher.js";
import { CLOCK, type Clock } from "../../ports/clock.js";
import { ID_GENERATOR, type IdGenerator } from "../../ports/id-generator.js";
import { IDEMPOTENCY_STORE, type IdempotencyStore } from "../../ports/idempotency-store.js";
import { LOGGER, type Logger } from "../../ports/logger.js";
import { NOTIFICATION_CHANNEL, type NotificationChannel } from "../../ports/notification-channel.js";
import { NOTIFICATION_PUBLISHER, type NotificationPublisher } from "../../ports/notification-publisher.js";
import { NOTIFICATION_STORE, type NotificationStore } from "../../ports/notification-store.js";
import { ORDER_REPOSITORY, type OrderRepository } from "../../ports/order-repository.js";
import { deliverNotificationConsumer, notifyOrderConsumer } from "../consumers/notification-consumers.js";
import { NotificationApi } from "../http/notification-api.js";
import { bindingsModule, type ConsumerFlows, type FlowBinding } from "./consumer-flows.js";
import {
  ACCEPT_NOTIFICATION,
  consumerToken,
  GET_NOTIFICATION,
  LIST_NOTIFICATIONS_BY_PRIORITY,
  LIST_USER_NOTIFICATIONS,
  NOTIFICATION_API,
  NOTIFY_ORDER_CUSTOMERS,
  STORE_AND_DELIVER_NOTIFICATION,
} from "./tokens.js";

/** The API's notification operations (accept, get, list by user and by priority), with their use cases. */
export const notificationApiBinding: FlowBinding = (bind) => {
  bind(ACCEPT_NOTIFICATION).toResolvedValue(
    (publisher: NotificationPublisher, store: NotificationStore, clock: Clock, ids: IdGenerator) =>
      new AcceptNotification({ publisher, store, clock, ids }),
    [NOTIFICATION_PUBLISHER, NOTIFICATION_STORE, CLOCK, ID_GENERATOR],
  );
  bind(GET_NOTIFICATION).toResolvedValue(
    (store: NotificationStore) => new GetNotification({ store }),
    [NOTIFICATION_STORE],
  );
  bind(LIST_USER_NOTIFICATIONS).toResolvedValue(
    (store: NotificationStore) => new ListUserNotifications({ store }),
    [NOTIFICATION_STORE],
  );
  bind(LIST_NOTIFICATIONS_BY_PRIORITY).toResolvedValue(
    (store: NotificationStore) => new ListNotificationsByPriority({ store }),
    [NOTIFICATION_STORE],
  );
  bind(NOTIFICATION_API).toResolvedValue(
    (
      accept: AcceptNotification,
      get: GetNotification,
      listByUser: ListUserNotifications,
      listByPriority: ListNotificationsByPriority,
      idempotency: IdempotencyStore,
      clock: Clock,
    ) => new NotificationApi({ accept, get, listByUser, listByPriority, idempotency, clock }),
    [
      ACCEPT_NOTIFICATION,
      GET_NOTIFICATION,
      LIST_USER_NOTIFICATIONS,
      LIST_NOTIFICATIONS_BY_PRIORITY,
      IDEMPOTENCY_STORE,
      CLOCK,
    ],
  );
};

/** The consumer of the priority queues: stores each notification and delivers it through the channel. */
export const deliverNotificationBinding: FlowBinding = (bind) => {
  bind(STORE_AND_DELIVER_NOTIFICATION).toResolvedValue(
    (store: NotificationStore, channel: NotificationChannel, clock: Clock) =>
      new StoreAndDeliverNotification({ store, channel, clock }),
    [NOTIFICATION_STORE, NOTIFICATION_CHANNEL, CLOCK],
  );
  bind(consumerToken("deliverNotification")).toResolvedValue(
    (storeAndDeliver: StoreAndDeliverNotification, logger: Logger, alerts: AlertPublisher) =>
      deliverNotificationConsumer(storeAndDeliver, { logger, alerts }),
    [STORE_AND_DELIVER_NOTIFICATION, LOGGER, ALERT_PUBLISHER],
  );
};

/** The consumer of the order-notifications queue: tells each order's customer of its outcome. */
export const notifyOrderBinding: FlowBinding = (bind) => {
  bind(NOTIFY_ORDER_CUSTOMERS).toResolvedValue(
    (orders: OrderRepository, publisher: NotificationPublisher) =>
      new NotifyOrderCustomers({ orders, publisher }),
    [ORDER_REPOSITORY, NOTIFICATION_PUBLISHER],
  );
  bind(consumerToken("notifyOrder")).toResolvedValue(
    (notify: NotifyOrderCustomers, logger: Logger, alerts: AlertPublisher) =>
      notifyOrderConsumer(notify, { logger, alerts }),
    [NOTIFY_ORDER_CUSTOMERS, LOGGER, ALERT_PUBLISHER],
  );
};

/**
 * Binds the customer-notification flows: their use cases, the API's
 * notification operations, and the consumers of the priority queues and of
 * the order-notifications queue. As elsewhere nothing is made before it is
 * resolved, so the api handler makes no channel and the consumers no API.
 */
export function notificationFlowsModule(): ContainerModule {
  return bindingsModule([notificationApiBinding, deliverNotificationBinding, notifyOrderBinding]);
}

/** The notification flows (the API's operations and both consumers), as a process that runs them all loads them. */
export const NOTIFICATION_FLOWS: ConsumerFlows = {
  modules: () => [notificationFlowsModule()],
};

/** The flows of the deliver-notification handler: its consumer and the use case it calls. */
export const DELIVER_NOTIFICATION_FLOWS: ConsumerFlows = {
  modules: (options) => [bindingsModule([deliverNotificationBinding], options)],
};
/** The flows of the notify-order handler: its consumer and the use case it calls. */
export const NOTIFY_ORDER_FLOWS: ConsumerFlows = {
  modules: (options) => [bindingsModule([notifyOrderBinding], options)],
};
