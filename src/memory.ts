/**
 * `orderflow/memory`: in-memory adapters that behave like the AWS services
 * (SQS FIFO and standard queues, EventBridge rules, SNS filter policies,
 * conditional writes), and the whole pipeline wired in one process. Every
 * name is listed here (and in the README).
 */

export { MANUAL_CLOCK_START, ManualClock } from "./adapters/memory/clocks.js";
export {
  type EventPattern,
  type FilterDialect,
  InvalidFilterPatternError,
  matchesEventPattern,
  validateEventPattern,
} from "./adapters/memory/event-pattern.js";
export { SequentialIdGenerator } from "./adapters/memory/id-generators.js";
export {
  type BusEnvelope,
  type BusRule,
  type BusTarget,
  EVENTBRIDGE_MAX_ENTRY_BYTES,
  InMemoryEventBus,
  type InMemoryEventBusOptions,
} from "./adapters/memory/in-memory-event-bus.js";
export { InMemoryFileHistory } from "./adapters/memory/in-memory-file-history.js";
export { InMemoryIdempotencyStore } from "./adapters/memory/in-memory-idempotency-store.js";
export {
  InMemoryLogger,
  type LogEntry,
  type LogLevel,
  NullLogger,
} from "./adapters/memory/in-memory-logger.js";
export { InMemoryMetricsStore } from "./adapters/memory/in-memory-metrics-store.js";
export { InMemoryNotificationPublisher } from "./adapters/memory/in-memory-notification-publisher.js";
export { InMemoryNotificationStore } from "./adapters/memory/in-memory-notification-store.js";
export {
  InMemoryObjectStore,
  type InMemoryObjectStoreOptions,
  OBJECT_CHUNK_BYTES,
} from "./adapters/memory/in-memory-object-store.js";
// ─── Stores, payments, time, ids, logs ───────────────────────────────────────
export { InMemoryOrderRepository } from "./adapters/memory/in-memory-order-repository.js";
export { InMemoryOrderWorkflows } from "./adapters/memory/in-memory-order-workflows.js";
export { DEMO_CATALOG, InMemoryProductCatalog } from "./adapters/memory/in-memory-product-catalog.js";
// ─── Messaging: SQS queues, an EventBridge bus, an SNS topic, their filters ──
export {
  InMemoryQueue,
  type InMemoryQueueOptions,
  InvalidQueueRequestError,
  type QueueRequestFailure,
  type ReceiveOptions,
  SQS_DEDUPLICATION_WINDOW_MS,
  type StoredMessageState,
  type StoredMessageView,
} from "./adapters/memory/in-memory-queue.js";
export { InMemoryStoreSettings } from "./adapters/memory/in-memory-store-settings.js";
export { InMemoryTaskTokenStore } from "./adapters/memory/in-memory-task-token-store.js";
export {
  InMemoryTopic,
  type InMemoryTopicOptions,
  type PublishedTopicMessage,
  SNS_MAX_MESSAGE_BYTES,
  type SnsMessageAttribute,
  type SnsNotification,
  type TopicMessage,
  type TopicSubscription,
  type TopicTarget,
} from "./adapters/memory/in-memory-topic.js";
export {
  DEFAULT_DECLINE_REASON,
  type RecordedCharge,
  type RecordedRefund,
  type ScriptedOutcome,
  ScriptedPaymentGateway,
  type ScriptedPaymentGatewayOptions,
  type ScriptedRefundOutcome,
} from "./adapters/memory/scripted-payment-gateway.js";
export {
  type FilterableMessage,
  type FilterPolicy,
  type FilterPolicyScope,
  matchesFilterPolicy,
  SNS_FILTER_POLICY_LIMITS,
  type SnsAttributeValue,
  validateFilterPolicy,
} from "./adapters/memory/sns-filter-policy.js";
export { SQS_MAX_MESSAGE_BYTES } from "./adapters/memory/sqs-message-rules.js";
export type { ReceivedMessage, SqsRecord, SqsRecordMessageAttribute } from "./adapters/memory/sqs-record.js";
export { ForbiddenError, OPERATORS_GROUP } from "./entrypoints/http/authorization.js";
export type { HttpApi } from "./entrypoints/http/http-core.js";
export type { Caller } from "./entrypoints/http/http-types.js";
export type { MetricsApi } from "./entrypoints/http/metrics-api.js";
export type { AcceptedNotificationAnswer, NotificationApi } from "./entrypoints/http/notification-api.js";
export type { AcceptedRequest, OrderApi, PlacedOrder, RequestMeta } from "./entrypoints/http/order-api.js";
export {
  type AddFileFlowsOptions,
  addFileFlows,
  FILE_EXTRACTION_QUEUE_NAME,
  FILE_INTAKE_QUEUE_NAME,
  type FileFlows,
} from "./entrypoints/in-memory/in-memory-file-flows.js";
// ─── The whole pipeline in one process ───────────────────────────────────────
export {
  createInMemoryOrderflow,
  type DrainedQueue,
  type DrainOptions,
  type DrainReport,
  type DrivenRecord,
  type ExternalPipelineQueue,
  type ExternalQueue,
  type ExternalQueues,
  type FlowName,
  InMemoryOrderflow,
  type InMemoryOrderflowOptions,
  InMemoryQueueDriver,
  type PipelineFlows,
  type PipelineQueue,
  type QueueDriver,
} from "./entrypoints/in-memory/in-memory-orderflow.js";
// ─── The order workflow, run in process from the definition that deploys ───
export {
  LOCAL_TASK_TOKEN,
  type LocalWorkflowRun,
  runOrderWorkflowLocally,
  type WorkflowTaskHandlers,
  type WorkflowTaskInput,
} from "./entrypoints/workflow/local-workflow.js";
export {
  LocalWorkflowExecutions,
  type LocalWorkflowExecutionsOptions,
} from "./entrypoints/workflow/local-workflow-executions.js";
export {
  DEFAULT_FULFILMENT_TIMEOUT_SECONDS,
  type OrderWorkflowOptions,
  orderWorkflowDefinition,
  WORKFLOW_ERRORS,
  WORKFLOW_TASKS,
  type WorkflowTask,
} from "./entrypoints/workflow/order-workflow.js";
export { beginFulfilmentWait, workflowTaskHandlers } from "./entrypoints/workflow/workflow-task-handlers.js";
