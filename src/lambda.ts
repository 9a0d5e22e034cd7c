/**
 * `orderflow/lambda`: the Lambda handlers, and the pieces of their composition
 * roots for custom wiring (rebind a port, add a handler of your own). Importing
 * it creates nothing (it loads the AWS SDK's modules): handlers build their
 * container and clients on the first invocation. Every name is listed here
 * (and in the README).
 */

export {
  DEMO_DECLINE_REASON,
  DemoPaymentGateway,
  PAYMENT_MODES,
  type PaymentMode,
} from "./adapters/demo/demo-payment-gateway.js";
export {
  ConfigError,
  type ConfigIssue,
  type Environment,
  type EnvironmentVariable,
  environmentVariables,
  HANDLER_PORTS,
  handlerEnvironment,
  loadConfig,
  NOTIFICATION_CHANNELS,
  type NotificationChannelName,
  type OrderflowConfig,
  PORT_VARIABLES,
} from "./entrypoints/config.js";
export {
  BUSINESS_METRICS_NAMESPACE,
  BUSINESS_METRICS_SERVICE,
  businessMetricLines,
  type EmfLine,
  outcomeMetricName,
  REVENUE_METRIC,
} from "./entrypoints/consumers/metrics-emf.js";
export {
  adaptersModule,
  PORT_TOKENS,
  type PortAdapters,
  type PortName,
} from "./entrypoints/container/adapters-module.js";
// ─── Composition: the container, the adapter families, the flows ────────────
export { API_FLOWS } from "./entrypoints/container/api-flows.js";
export { AWS_SERVICES, awsModule } from "./entrypoints/container/aws/aws-module.js";
export { type AwsService, awsAdapter, awsService } from "./entrypoints/container/aws/aws-service.js";
export { type AwsModuleOptions, awsServicesModule } from "./entrypoints/container/aws/aws-services-module.js";
export {
  dynamoDb,
  dynamoDbCatalog,
  dynamoDbFileHistory,
  dynamoDbIdempotency,
  dynamoDbMetrics,
  dynamoDbNotifications,
  dynamoDbOrders,
  dynamoDbService,
  dynamoDbStoreSettings,
  dynamoDbTaskTokens,
} from "./entrypoints/container/aws/dynamodb-service.js";
export { eventBridgeService } from "./entrypoints/container/aws/eventbridge-service.js";
export { s3Service } from "./entrypoints/container/aws/s3-service.js";
export { snsAlertsService } from "./entrypoints/container/aws/sns-alerts-service.js";
export { snsEmailService } from "./entrypoints/container/aws/sns-email-service.js";
export { snsService } from "./entrypoints/container/aws/sns-service.js";
export { sqsService } from "./entrypoints/container/aws/sqs-service.js";
export type { ConsumerFlows, FlowOptions } from "./entrypoints/container/consumer-flows.js";
export { createContainer, resolve, resolveAsync } from "./entrypoints/container/create-container.js";
export { FILE_FLOWS, fileFlowsModule } from "./entrypoints/container/file-flows-module.js";
export {
  createMemoryAdapters,
  type MemoryAdapterOptions,
  type MemoryAdapters,
  memoryAdapters,
  memoryModule,
} from "./entrypoints/container/memory-module.js";
export {
  METRICS_FLOWS,
  metricsFlowsModule,
  RECORD_METRICS_FLOWS,
} from "./entrypoints/container/metrics-flows-module.js";
export {
  DELIVER_NOTIFICATION_FLOWS,
  NOTIFICATION_FLOWS,
  NOTIFY_ORDER_FLOWS,
  notificationFlowsModule,
} from "./entrypoints/container/notification-flows-module.js";
export {
  CANCEL_ORDER_FLOWS,
  MODIFY_ORDER_FLOWS,
  ORDER_FLOWS,
  orderFlowsModule,
  PROCESS_ORDER_FLOWS,
  REFUND_ORDER_FLOWS,
  VALIDATE_ORDER_FLOWS,
} from "./entrypoints/container/order-flows-module.js";
export {
  ACCEPT_NOTIFICATION,
  CANCEL_ORDER,
  consumerToken,
  EXTRACT_ORDERS,
  GET_METRICS,
  GET_NOTIFICATION,
  GET_ORDER,
  LIST_NOTIFICATIONS_BY_PRIORITY,
  LIST_USER_NOTIFICATIONS,
  METRICS_API,
  MODIFY_ORDER,
  NOTIFICATION_API,
  NOTIFY_ORDER_CUSTOMERS,
  ORDER_API,
  PLACE_ORDER,
  PROCESS_ORDER,
  RECORD_ORDER_METRICS,
  REQUEST_ORDER_CHANGE,
  STORE_AND_DELIVER_NOTIFICATION,
  VALIDATE_FILE,
  VALIDATE_ORDER,
} from "./entrypoints/container/tokens.js";
export { type UseCasesOptions, useCasesModule } from "./entrypoints/container/use-cases-module.js";
// ─── The declaration every handler derives from, and its environment ────────
export {
  HANDLER_NAMES,
  HANDLERS,
  type HandlerDeclaration,
  type HandlerName,
  type HandlerTrigger,
  ORCHESTRATIONS,
  type Orchestration,
} from "./entrypoints/handlers.js";
// ─── The handlers (`index.handler` of each function) and their factories ────
export {
  type ApiLambdaHandlerOptions,
  createApiLambdaHandler,
  handler as apiHandler,
} from "./entrypoints/lambda/api.js";
export {
  createCancelOrderHandler,
  handler as cancelOrderHandler,
} from "./entrypoints/lambda/cancel-order.js";
export {
  createDeliverNotificationHandler,
  handler as deliverNotificationHandler,
} from "./entrypoints/lambda/deliver-notification.js";
export {
  createExtractOrdersHandler,
  handler as extractOrdersHandler,
} from "./entrypoints/lambda/extract-orders.js";
export {
  composeHandler,
  createSqsHandler,
  defaultAdapters,
  type HandlerOptions,
  type LambdaContext,
  type SqsHandler,
  type SqsHandlerName,
} from "./entrypoints/lambda/handler-root.js";
export {
  createModifyOrderHandler,
  handler as modifyOrderHandler,
} from "./entrypoints/lambda/modify-order.js";
export {
  createNotifyOrderHandler,
  handler as notifyOrderHandler,
} from "./entrypoints/lambda/notify-order.js";
export {
  createProcessOrderHandler,
  handler as processOrderHandler,
} from "./entrypoints/lambda/process-order.js";
export {
  createRecordMetricsHandler,
  handler as recordMetricsHandler,
} from "./entrypoints/lambda/record-metrics.js";
export {
  createRefundOrderHandler,
  handler as refundOrderHandler,
} from "./entrypoints/lambda/refund-order.js";
export {
  createReleaseFulfilmentHandler,
  handler as releaseFulfilmentHandler,
} from "./entrypoints/lambda/release-fulfilment.js";

export type { SqsBatchResponse, SqsEvent, SqsEventRecord } from "./entrypoints/lambda/sqs-event.js";
export {
  createStartWorkflowHandler,
  handler as startWorkflowHandler,
} from "./entrypoints/lambda/start-workflow.js";
export {
  createValidateFileHandler,
  handler as validateFileHandler,
} from "./entrypoints/lambda/validate-file.js";
export {
  createValidateOrderHandler,
  handler as validateOrderHandler,
} from "./entrypoints/lambda/validate-order.js";
export {
  createWorkflowTaskHandler,
  handler as workflowTaskHandler,
  InvalidTaskPayloadError,
  type WorkflowTaskHandler,
} from "./entrypoints/lambda/workflow-task.js";

// ─── Logging ─────────────────────────────────────────────────────────────────
export {
  type LambdaLogContext,
  LOG_LEVELS,
  type LogLevelName,
  PinoLogger,
  type PinoLoggerOptions,
  REDACTED_KEYS,
  redact,
  runInLogContext,
  withLambdaContext,
} from "./entrypoints/logging.js";
