/**
 * `orderflow/postgres`: the adapters of every port on PostgreSQL, one SQL
 * for a server (node-postgres) and for PGlite in process, the schema's
 * migrations, the object store on a local folder, and orderflow as a
 * long-running service on them ({@link createPostgresOrderflow}). The
 * drivers (`pg`, `@electric-sql/pglite`) are optional peers, loaded on first
 * use: install the one you connect with. Every name is listed here (and in
 * the README).
 */
export {
  type EventQueueRoutes,
  FolderObjectStore,
  type FolderObjectStoreOptions,
  flowQueueRoutes,
  InvalidObjectKeyError,
  InvalidReceiptHandleError,
  isTransientPostgresError,
  isUniqueViolation,
  MAX_EVENT_BYTES,
  type MigrateOptions,
  type MigrateResult,
  type Migration,
  MigrationMismatchError,
  migrate,
  type PgClientConfig,
  type PgliteClientOptions,
  POSTGRES_MIGRATIONS,
  POSTGRES_QUEUE_DEDUPLICATION_WINDOW_MS,
  POSTGRES_QUEUE_MAX_MESSAGE_BYTES,
  POSTGRES_QUEUE_MAX_RECEIVE,
  PostgresAlertPublisher,
  PostgresEventBus,
  type PostgresEventBusOptions,
  PostgresFileHistory,
  PostgresIdempotencyStore,
  PostgresMetricsStore,
  PostgresNotificationPublisher,
  PostgresNotificationStore,
  PostgresOrderRepository,
  type PostgresOrderRepositoryOptions,
  PostgresProductCatalog,
  PostgresQueue,
  type PostgresQueueOptions,
  type PostgresReceiveOptions,
  type PostgresStoredMessageState,
  type PostgresStoredMessageView,
  PostgresStoreSettings,
  PostgresTaskTokenStore,
  pgClient,
  pgliteClient,
  type RoutedEvents,
  SERIALIZATION_FAILURE,
  type SqlClient,
  type StoredAlert,
  sqlStateOf,
  translatePostgresError,
  UNIQUE_VIOLATION,
} from "./adapters/postgres/index.js";
export {
  createPostgresAdapters,
  POSTGRES_QUEUE_NAMES,
  type PostgresAdapterOptions,
  type PostgresAdapters,
  type PostgresQueueSettings,
  postgresQueue,
} from "./entrypoints/postgres/postgres-adapters.js";
export {
  createPostgresOrderflow,
  type PostgresFlowQueue,
  PostgresOrderflow,
  type PostgresOrderflowOptions,
} from "./entrypoints/postgres/postgres-orderflow.js";
export {
  PostgresQueueDriver,
  type PostgresQueueDriverOptions,
} from "./entrypoints/postgres/postgres-queue-driver.js";
