import { ContainerModule } from "inversify";
import { ALERT_PUBLISHER } from "../../ports/alert-publisher.js";
import { CLOCK } from "../../ports/clock.js";
import { FILE_EXTRACTION_QUEUE, INTAKE_QUEUE } from "../../ports/command-queue.js";
import { EVENT_BUS } from "../../ports/event-bus.js";
import { FILE_HISTORY } from "../../ports/file-history.js";
import { ID_GENERATOR } from "../../ports/id-generator.js";
import { IDEMPOTENCY_STORE } from "../../ports/idempotency-store.js";
import { LOGGER } from "../../ports/logger.js";
import { METRICS_STORE } from "../../ports/metrics-store.js";
import { NOTIFICATION_CHANNEL } from "../../ports/notification-channel.js";
import { NOTIFICATION_PUBLISHER } from "../../ports/notification-publisher.js";
import { NOTIFICATION_STORE } from "../../ports/notification-store.js";
import { OBJECT_STORE } from "../../ports/object-store.js";
import { ORDER_REPOSITORY } from "../../ports/order-repository.js";
import { ORDER_WORKFLOWS } from "../../ports/order-workflows.js";
import { PAYMENT_GATEWAY } from "../../ports/payment-gateway.js";
import { PRODUCT_CATALOG } from "../../ports/product-catalog.js";
import { STORE_SETTINGS } from "../../ports/store-settings-repository.js";
import { TASK_TOKEN_STORE } from "../../ports/task-token-store.js";
import type { Token } from "../../ports/token.js";

/**
 * The token of every port, by the name the handler declaration, the
 * configuration (`PORT_VARIABLES`) and the adapter sets use.
 */
export const PORT_TOKENS = {
  orders: ORDER_REPOSITORY,
  idempotency: IDEMPOTENCY_STORE,
  catalog: PRODUCT_CATALOG,
  bus: EVENT_BUS,
  intakeQueue: INTAKE_QUEUE,
  alerts: ALERT_PUBLISHER,
  payments: PAYMENT_GATEWAY,
  fileHistory: FILE_HISTORY,
  objectStore: OBJECT_STORE,
  fileExtractionQueue: FILE_EXTRACTION_QUEUE,
  notifications: NOTIFICATION_STORE,
  notificationPublisher: NOTIFICATION_PUBLISHER,
  notificationChannel: NOTIFICATION_CHANNEL,
  storeSettings: STORE_SETTINGS,
  metrics: METRICS_STORE,
  taskTokens: TASK_TOKEN_STORE,
  workflows: ORDER_WORKFLOWS,
  clock: CLOCK,
  ids: ID_GENERATOR,
  logger: LOGGER,
} as const;

export type PortName = keyof typeof PORT_TOKENS;

/** An adapter for each port, by port name. */
export type PortAdapters = {
  readonly [P in PortName]: (typeof PORT_TOKENS)[P] extends Token<infer T> ? T : never;
};

/** Binds each adapter given to its port's token: how a set of adapters made by hand joins a container. */
export function adaptersModule(adapters: Partial<PortAdapters>): ContainerModule {
  return new ContainerModule(({ bind }) => {
    for (const [port, adapter] of Object.entries(adapters)) {
      if (adapter !== undefined) bind(PORT_TOKENS[port as PortName]).toConstantValue(adapter as never);
    }
  });
}
