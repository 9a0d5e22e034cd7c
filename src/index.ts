/**
 * `orderflow`: the domain core, the use cases and the ports. Loads no AWS SDK,
 * no DI container and no logger: adapters live in `orderflow/memory` and
 * `orderflow/aws`, Lambda entrypoints in `orderflow/lambda`. Every name is
 * listed here (and in the README): what is not, is internal.
 */

// ─── What production uses whatever the family ───────────────────────────────
export { LogNotificationChannel } from "./adapters/system/log-notification-channel.js";
export { RandomIdGenerator } from "./adapters/system/random-id-generator.js";
export { SystemClock } from "./adapters/system/system-clock.js";
export {
  type BusinessLimits,
  checkBusinessRules,
  DEFAULT_BUSINESS_LIMITS,
  type Product,
} from "./domain/business-rules.js";
export { type ValidateOrderMessage, ValidateOrderMessageSchema } from "./domain/commands.js";
export { deliverableJson, escapeUndeliverable, isDeliverable } from "./domain/deliverable-text.js";
export {
  DomainError,
  type ErrorJSON,
  IllegalTransitionError,
  type Issue,
  MoneyRangeError,
  NotificationNotFoundError,
  OrderAlreadyExistsError,
  OrderflowError,
  OrderNotFoundError,
  RefundExceedsPaymentError,
  ValidationError,
} from "./domain/errors.js";
export {
  type AddressData,
  EVENT_SCHEMA_VERSION,
  type EventEnvelope,
  ORDER_EVENT_TYPES,
  type OrderEvent,
  type OrderEventData,
  type OrderEventType,
  type OrderflowEvent,
  type OrderLineData,
  type OrderSummaryData,
  type RequestEvent,
  type RequestEventData,
} from "./domain/events.js";
export { OrderFileError, type OrderFileErrorCode } from "./domain/files/order-file-errors.js";
export { formatFromName, type OrderFileFormat } from "./domain/files/order-file-format.js";
export {
  DEFAULT_ORDER_FILE_LIMITS,
  type OrderFileEntry,
  type OrderFileLimits,
  OrderFileReader,
  type OrderFileReaderOptions,
  type ParsedEntry,
  type UnreadableEntry,
} from "./domain/files/order-file-reader.js";
export {
  isTerminal,
  nextStatus,
  ORDER_COMMANDS,
  ORDER_STATUSES,
  type OrderCommand,
  OrderStatus,
  TRANSITIONS,
} from "./domain/lifecycle.js";
export {
  bucketStart,
  FULFILMENT_BINS,
  FULFILMENT_BINS_PER_DOUBLING,
  fulfilmentBin,
  fulfilmentBinValue,
  histogramQuantile,
  isMeasuredOrderEvent,
  MEASURED_ORDER_EVENT_TYPES,
  METRICS_GRANULARITIES,
  METRICS_QUERY_LIMITS,
  type MeasuredOrder,
  type MeasuredOrderEvent,
  type MeasuredOrderEventType,
  type MetricCounters,
  type MetricsBucket,
  type MetricsGranularity,
  metricContributions,
  ORDER_OUTCOME_METRICS,
  ORDER_OUTCOMES,
  type OrderOutcome,
  type StoredMetricsBucket,
  toMetricsBucket,
} from "./domain/metrics.js";
export {
  type Currency,
  isValidMinorUnits,
  lineTotal,
  MAX_MINOR_UNITS,
  MAX_UNIT_PRICE,
  type Money,
  sumMinorUnits,
} from "./domain/money.js";
export {
  type AcceptedNotification,
  applyNotificationChange,
  canMoveNotification,
  NOTIFICATION_PAGE_LIMITS,
  NOTIFICATION_PRIORITIES,
  NOTIFICATION_STATUSES,
  NOTIFICATION_TRANSITIONS,
  type Notification,
  type NotificationPriority,
  NotificationStatus,
  type NotificationStatusChange,
  notificationStatusesBefore,
  PENDING_CHANNEL,
} from "./domain/notification.js";
// ─── The order and its lifecycle ────────────────────────────────────────────
export {
  type Address,
  type CancelOutcome,
  type CommandContext,
  type ModifyOutcome,
  type NewOrder,
  Order,
  type OrderChanges,
  type OrderLine,
  type OrderSnapshot,
  PROCESSED_COMMANDS_WINDOW,
  type RecordRefundOutcome,
  type Refund,
  type RefundOwed,
  type RefundStatus,
  type RejectedRequest,
} from "./domain/order.js";
export {
  isNotifiedOrderEvent,
  NOTIFIED_ORDER_EVENT_TYPES,
  type NotifiedOrderEvent,
  type NotifiedOrderEventType,
  ORDER_OUTCOME_NOTIFICATIONS,
  orderOutcomeNotification,
} from "./domain/order-notifications.js";
// ─── Ports: interfaces, tokens, errors ──────────────────────────────────────
export type { Page, PageRequest } from "./domain/paging.js";
export {
  AcceptedNotificationSchema,
  type AddressInput,
  AddressSchema,
  type CancelOrderInput,
  CancelOrderSchema,
  type ModifyOrderInput,
  ModifyOrderSchema,
  type NotificationInput,
  NotificationSchema,
  ORDER_ID_PATTERN,
  OrderIdSchema,
  type OrderItemInput,
  OrderItemSchema,
  type ParseResult,
  type PlaceOrderInput,
  PlaceOrderSchema,
  type PriorityNotificationsQueryInput,
  PriorityNotificationsQuerySchema,
  parseOrThrow,
  parseWith,
  STRUCTURAL_LIMITS,
  type UserNotificationsQueryInput,
  UserNotificationsQuerySchema,
} from "./domain/schemas.js";
export {
  DEFAULT_STORE_SETTINGS,
  MAX_STORE_CAPACITY,
  type StoreRefusal,
  storeRefusal,
} from "./domain/store-settings.js";
export {
  AcceptNotification,
  type AcceptNotificationDeps,
  type AcceptNotificationResult,
} from "./domain/use-cases/accept-notification.js";
export {
  CancelOrder,
  type CancelOrderCommand,
  type CancelOrderOutcome,
} from "./domain/use-cases/cancel-order.js";
export {
  type ExtractionContext,
  type ExtractionOutcome,
  type ExtractionResult,
  ExtractOrders,
  type ExtractOrdersDeps,
  FileNotReadyError,
  type FileOrder,
  type FileOrderNotPlaced,
  type OrderFileVersion,
  type PlaceFileOrders,
} from "./domain/use-cases/extract-orders.js";
export {
  DEFAULT_FILE_PREFIXES,
  type ExtractFileMessage,
  ExtractFileMessageSchema,
  type FileFlowOptions,
  type FileFlowPorts,
  type FilePrefixes,
  type FileProgress,
} from "./domain/use-cases/file-flow.js";
export {
  FulfilmentWait,
  type FulfilmentWaitDeps,
  TASK_TOKEN_GRACE_MS,
} from "./domain/use-cases/fulfilment-wait.js";
export {
  GetMetrics,
  type MetricsAnswer,
  type MetricsQueryInput,
  MetricsQuerySchema,
} from "./domain/use-cases/get-metrics.js";
export { GetNotification } from "./domain/use-cases/get-notification.js";
export { GetOrder, type OrderView, toOrderView } from "./domain/use-cases/get-order.js";
export {
  ListNotificationsByPriority,
  ListUserNotifications,
  type NotificationList,
} from "./domain/use-cases/list-notifications.js";
export {
  ModifyOrder,
  type ModifyOrderCommand,
  type ModifyOrderDeps,
  type ModifyOrderOutcome,
} from "./domain/use-cases/modify-order.js";
export {
  NotifyOrderCustomers,
  type NotifyOrderCustomersDeps,
  type NotifyOutcome,
} from "./domain/use-cases/notify-order-customers.js";
export {
  PlaceOrder,
  type PlaceOrderCommand,
  type PlaceOrderDeps,
  type PlaceOrderOutcome,
  type PlaceOrderResult,
  type RecordedPlaceOrderResult,
} from "./domain/use-cases/place-order.js";
export {
  type OrderCommandInput,
  ProcessOrder,
  type ProcessOrderDeps,
  type ProcessOrderOutcome,
} from "./domain/use-cases/process-order.js";
export {
  type RecordMetricsOutcome,
  RecordOrderMetrics,
  type RecordOrderMetricsDeps,
} from "./domain/use-cases/record-order-metrics.js";
export { RecordPayment, type RecordPaymentCommand } from "./domain/use-cases/record-payment.js";
export {
  RefundOrder,
  type RefundOrderDeps,
  type RefundOrderOutcome,
  refundIdempotencyKey,
} from "./domain/use-cases/refund-order.js";
export { type RequestChangeDeps, RequestOrderChange } from "./domain/use-cases/request-change.js";
export { ConfirmOrder, FulfilOrder, type TransitionResult } from "./domain/use-cases/simple-transitions.js";
export {
  MAX_FAILURE_REASON_LENGTH,
  type StoreAndDeliverDeps,
  StoreAndDeliverNotification,
  type StoreAndDeliverOutcome,
  type StoreAndDeliverResult,
} from "./domain/use-cases/store-and-deliver-notification.js";
export {
  ChangeStoreSettings,
  GetStoreStatus,
  type StoreStatus,
  type StoreStatusDeps,
} from "./domain/use-cases/store-status.js";
// ─── Use cases ──────────────────────────────────────────────────────────────
export type { CommandMeta, UnitOfWorkDeps } from "./domain/use-cases/unit-of-work.js";
// ─── Batch files: the use cases and the streaming reader ────────────────────
export {
  type FileNotification,
  type FileValidation,
  ValidateFile,
  type ValidateFileResult,
} from "./domain/use-cases/validate-file.js";
export {
  ValidateOrder,
  type ValidateOrderCommand,
  type ValidateOrderDeps,
  type ValidateOrderOutcome,
} from "./domain/use-cases/validate-order.js";
export {
  FULFILMENT_TIMEOUT_REASON,
  PaymentDeclinedError,
  type WorkflowStepInput,
  WorkflowSteps,
  type WorkflowStepsDeps,
} from "./domain/use-cases/workflow-steps.js";
export {
  ALERT_PUBLISHER,
  type Alert,
  type AlertPublisher,
  type AlertSeverity,
} from "./ports/alert-publisher.js";
export { CLOCK, type Clock } from "./ports/clock.js";
export {
  type CommandQueue,
  FILE_EXTRACTION_QUEUE,
  INTAKE_QUEUE,
  type QueueMessage,
} from "./ports/command-queue.js";
export {
  ConcurrencyError,
  DeliveryError,
  type DeliveryFailure,
  IdempotencyConflictError,
  IdempotencyInProgressError,
  InvalidCursorError,
  ObjectNotFoundError,
  PortError,
  RefundRefusedError,
  ServiceUnavailableError,
} from "./ports/errors.js";
export { EVENT_BUS, type EventBus } from "./ports/event-bus.js";
export {
  FILE_HISTORY,
  type FileError,
  type FileHistory,
  type FileRecord,
  type FileStatus,
} from "./ports/file-history.js";
export { ID_GENERATOR, type IdGenerator } from "./ports/id-generator.js";
export {
  IDEMPOTENCY_STORE,
  type IdempotencyBegin,
  type IdempotencyOptions,
  type IdempotencyStore,
} from "./ports/idempotency-store.js";
export { LOGGER, type LogFields, type Logger } from "./ports/logger.js";
export { METRICS_STORE, type MetricsQuery, type MetricsStore } from "./ports/metrics-store.js";
export { NOTIFICATION_CHANNEL, type NotificationChannel } from "./ports/notification-channel.js";
export {
  NOTIFICATION_PRIORITY_ATTRIBUTE,
  NOTIFICATION_PUBLISHER,
  type NotificationPublisher,
} from "./ports/notification-publisher.js";
export {
  NOTIFICATION_STORE,
  type NotificationStore,
  type UserNotificationsQuery,
} from "./ports/notification-store.js";
export {
  type GetOptions,
  OBJECT_STORE,
  type ObjectContent,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
} from "./ports/object-store.js";
export { ORDER_REPOSITORY, type OrderRepository, type StoredOrder } from "./ports/order-repository.js";
export { ORDER_WORKFLOWS, type OrderWorkflows } from "./ports/order-workflows.js";
export {
  type ChargeRequest,
  type ChargeResult,
  PAYMENT_GATEWAY,
  type PaymentGateway,
  type RefundRequest,
} from "./ports/payment-gateway.js";
export { PRODUCT_CATALOG, type ProductCatalog } from "./ports/product-catalog.js";
export {
  EVENT_ROUTES,
  EVENT_SOURCE,
  type EventRouteName,
  NOTIFICATION_QUEUES,
} from "./ports/routing.js";
export {
  STORE_SETTINGS,
  type StoreSettings,
  type StoreSettingsRepository,
} from "./ports/store-settings-repository.js";
export { TASK_TOKEN_STORE, type TaskTokenStore } from "./ports/task-token-store.js";
export { type Token, token } from "./ports/token.js";
