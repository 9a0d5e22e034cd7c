/**
 * `orderflow/testing`: what a project needs to test its own code and adapters
 * against orderflow's expectations. Loads vitest (the contract suites are vitest
 * suites), so import it from test files only. Every name is listed here (and in
 * the README).
 */

export {
  type AlertPublisherSubject,
  describeAlertPublisherContract,
} from "./ports/contracts/alert-publisher.contract.js";
export {
  describeClockContract,
  describeIdGeneratorContract,
} from "./ports/contracts/clock-and-id-generator.contract.js";
export {
  type CommandQueueSubject,
  describeCommandQueueContract,
  OVERSIZED_MESSAGE_BYTES,
  type ReceivedQueueMessage,
} from "./ports/contracts/command-queue.contract.js";
export {
  describeEventBusContract,
  type EventBusSubject,
  someEvents,
} from "./ports/contracts/event-bus.contract.js";
// ─── Faults: wrap any adapter so a seeded share of its calls fails ──────────
export {
  type FaultCounts,
  FaultInjector,
  type FaultInjectorOptions,
  type InjectedFault,
  type PortFaults,
} from "./ports/contracts/fault-injection.js";
export {
  aFileRecord,
  describeFileHistoryContract,
  type FileHistorySubject,
} from "./ports/contracts/file-history.contract.js";
export type { Teardown } from "./ports/contracts/helpers.js";
export {
  describeIdempotencyStoreContract,
  type IdempotencyStoreSubject,
} from "./ports/contracts/idempotency-store.contract.js";
export {
  describeMetricsStoreContract,
  type MetricsStoreSubject,
} from "./ports/contracts/metrics-store.contract.js";
export {
  describeNotificationChannelContract,
  type NotificationChannelSubject,
} from "./ports/contracts/notification-channel.contract.js";
export {
  aNotification,
  anAcceptedNotification,
  notificationsOverTime,
} from "./ports/contracts/notification-mother.js";
export {
  describeNotificationPublisherContract,
  type NotificationPublisherSubject,
  type PublishedNotification,
} from "./ports/contracts/notification-publisher.contract.js";
export {
  describeNotificationStoreContract,
  type NotificationStoreSubject,
} from "./ports/contracts/notification-store.contract.js";
export {
  describeObjectStoreContract,
  type ObjectStoreSubject,
} from "./ports/contracts/object-store.contract.js";
// ─── Test data ───────────────────────────────────────────────────────────────
export {
  aCommandContext,
  anOrder,
  aPlaceOrderInput,
  aValidatedOrder,
  DEFAULT_TEST_TIME,
  uniqueId,
} from "./ports/contracts/order-mother.js";
// ─── One contract suite per port: run it against your adapter ───────────────
export {
  describeOrderRepositoryContract,
  type OrderRepositorySubject,
} from "./ports/contracts/order-repository.contract.js";
export {
  describeOrderWorkflowsContract,
  type OrderWorkflowsSubject,
} from "./ports/contracts/order-workflows.contract.js";
export {
  describePaymentGatewayContract,
  type PaymentGatewaySubject,
} from "./ports/contracts/payment-gateway.contract.js";
export {
  describeProductCatalogContract,
  type ProductCatalogSubject,
  someProducts,
} from "./ports/contracts/product-catalog.contract.js";
export {
  describeStoreSettingsContract,
  type StoreSettingsSubject,
} from "./ports/contracts/store-settings.contract.js";
export {
  describeTaskTokenStoreContract,
  type TaskTokenStoreSubject,
} from "./ports/contracts/task-token-store.contract.js";
