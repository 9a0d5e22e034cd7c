/**
 * The PostgreSQL adapter family, listed once: one query interface over two
 * connections (node-postgres for a server, PGlite in process), the schema's
 * migrations, the adapters of the ports (each written once against
 * {@link SqlClient}, sending the same SQL to both), and the object store on a
 * local folder that the embedded deployment keeps its files in.
 */
export {
  FolderObjectStore,
  type FolderObjectStoreOptions,
  InvalidObjectKeyError,
} from "./folder-object-store.js";
export {
  type MigrateOptions,
  type MigrateResult,
  type Migration,
  MigrationMismatchError,
  migrate,
  POSTGRES_MIGRATIONS,
} from "./migrations.js";
export { PostgresAlertPublisher, type StoredAlert } from "./postgres-alert-publisher.js";
export {
  isTransientPostgresError,
  isUniqueViolation,
  SERIALIZATION_FAILURE,
  sqlStateOf,
  translatePostgresError,
  UNIQUE_VIOLATION,
} from "./postgres-errors.js";
export {
  type EventQueueRoutes,
  flowQueueRoutes,
  MAX_EVENT_BYTES,
  PostgresEventBus,
  type PostgresEventBusOptions,
  type RoutedEvents,
} from "./postgres-event-bus.js";
export { PostgresFileHistory } from "./postgres-file-history.js";
export { PostgresIdempotencyStore } from "./postgres-idempotency-store.js";
export { PostgresMetricsStore } from "./postgres-metrics-store.js";
export { PostgresNotificationPublisher } from "./postgres-notification-publisher.js";
export { PostgresNotificationStore } from "./postgres-notification-store.js";
export {
  PostgresOrderRepository,
  type PostgresOrderRepositoryOptions,
} from "./postgres-order-repository.js";
export { PostgresProductCatalog } from "./postgres-product-catalog.js";
export {
  InvalidReceiptHandleError,
  POSTGRES_QUEUE_DEDUPLICATION_WINDOW_MS,
  POSTGRES_QUEUE_MAX_MESSAGE_BYTES,
  POSTGRES_QUEUE_MAX_RECEIVE,
  PostgresQueue,
  type PostgresQueueOptions,
  type PostgresReceiveOptions,
  type PostgresStoredMessageState,
  type PostgresStoredMessageView,
} from "./postgres-queue.js";
export { PostgresStoreSettings } from "./postgres-store-settings.js";
export { PostgresTaskTokenStore } from "./postgres-task-token-store.js";
export {
  type PgClientConfig,
  type PgliteClientOptions,
  pgClient,
  pgliteClient,
  type SqlClient,
} from "./sql-client.js";
