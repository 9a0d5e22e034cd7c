/**
 * `orderflow/aws`: the adapters of every port on AWS (DynamoDB, SQS,
 * EventBridge, SNS, S3) and the factories of their clients. Importing it
 * creates no client: pass `endpoint` to a factory to point it at an emulator
 * or LocalStack. Every name is listed here (and in the README).
 */
export type { AwsClientOptions, AwsStaticCredentials } from "./adapters/aws/client-options.js";
// ─── DynamoDB: orders, idempotency keys, the catalog, the file history, notifications
export { createDynamoDbClient } from "./adapters/aws/dynamodb.js";
export { DynamoDbFileHistory } from "./adapters/aws/dynamodb-file-history.js";
export { DynamoDbIdempotencyStore } from "./adapters/aws/dynamodb-idempotency-store.js";
export { DynamoDbMetricsStore } from "./adapters/aws/dynamodb-metrics-store.js";
export { DynamoDbNotificationStore } from "./adapters/aws/dynamodb-notification-store.js";
export { DynamoDbOrderRepository } from "./adapters/aws/dynamodb-order-repository.js";
export { DynamoDbProductCatalog } from "./adapters/aws/dynamodb-product-catalog.js";
export { DynamoDbStoreSettings } from "./adapters/aws/dynamodb-store-settings.js";
export {
  DEFAULT_PAGE_SIZE,
  type DynamoDbAdapterOptions,
  MAX_PAGE_SIZE,
} from "./adapters/aws/dynamodb-support.js";
export {
  type AttributeDefinition,
  createTableInput,
  createTables,
  FILE_HISTORY_TABLE,
  type GlobalSecondaryIndex,
  IDEMPOTENCY_TABLE,
  type KeySchemaElement,
  METRICS_BUCKET_SHARDS,
  METRICS_TABLE,
  NOTIFICATIONS_TABLE,
  ORDERS_TABLE,
  PRODUCTS_TABLE,
  SETTINGS_TABLE,
  TABLE_DEFINITIONS,
  TASK_TOKENS_TABLE,
  type TableDefinition,
  type TableLogicalName,
} from "./adapters/aws/dynamodb-tables.js";
export { DynamoDbTaskTokenStore } from "./adapters/aws/dynamodb-task-token-store.js";
export {
  createEventBridgeClient,
  EVENTBRIDGE_MAX_BATCH_ENTRIES,
  EVENTBRIDGE_MAX_REQUEST_BYTES,
  EventBridgeEventBus,
  type EventBridgeEventBusOptions,
} from "./adapters/aws/eventbridge-event-bus.js";
export type { RetryOptions } from "./adapters/aws/retry.js";
export {
  createS3Client,
  S3_MIN_PART_BYTES,
  type S3ClientOptions,
  S3ObjectStore,
  type S3ObjectStoreOptions,
} from "./adapters/aws/s3-object-store.js";
export {
  SNS_MAX_BATCH_ENTRIES,
  SNS_MAX_MESSAGE_ATTRIBUTES,
  SNS_MAX_PAYLOAD_BYTES,
  SNS_MAX_SUBJECT_LENGTH,
  SnsAlertPublisher,
  type SnsAlertPublisherOptions,
} from "./adapters/aws/sns-alert-publisher.js";
export {
  EMAIL_USER_ATTRIBUTE,
  SnsEmailNotificationChannel,
  type SnsEmailNotificationChannelOptions,
} from "./adapters/aws/sns-email-notification-channel.js";
export {
  SnsNotificationPublisher,
  type SnsNotificationPublisherOptions,
} from "./adapters/aws/sns-notification-publisher.js";
export { createSnsClient } from "./adapters/aws/sns-publishing.js";
// ─── Messaging and files: SQS, EventBridge, SNS, S3 ─────────────────────────
export {
  createSqsClient,
  SQS_DEFAULT_MAX_PAYLOAD_BYTES,
  SQS_MAX_BATCH_ENTRIES,
  SQS_MAX_MESSAGE_ATTRIBUTES,
  SqsCommandQueue,
  type SqsCommandQueueOptions,
} from "./adapters/aws/sqs-command-queue.js";
export { createStepFunctionsClient } from "./adapters/aws/step-functions.js";
export {
  StepFunctionsOrderWorkflows,
  type StepFunctionsOrderWorkflowsOptions,
} from "./adapters/aws/step-functions-order-workflows.js";
