/** The in-memory messaging adapters: SQS queues, an EventBridge bus and an SNS topic, with their filters. */

export {
  type FilterDialect,
  InvalidFilterPatternError,
  matchesEventPattern,
  validateEventPattern,
} from "./event-pattern.js";
export {
  type BusRule,
  type BusTarget,
  EVENTBRIDGE_MAX_ENTRY_BYTES,
  type FailedBusDelivery,
  InMemoryEventBus,
  type InMemoryEventBusOptions,
} from "./in-memory-event-bus.js";
export {
  InMemoryQueue,
  type InMemoryQueueOptions,
  InvalidQueueRequestError,
  type QueueRequestFailure,
  type ReceivedMessage,
  type ReceiveOptions,
  SQS_DEDUPLICATION_WINDOW_MS,
  type StoredMessageState,
  type StoredMessageView,
} from "./in-memory-queue.js";
export {
  type FailedTopicDelivery,
  InMemoryTopic,
  type InMemoryTopicOptions,
  type PublishedTopicMessage,
  SNS_MAX_MESSAGE_BYTES,
  type SnsMessageAttribute,
  type SnsNotification,
  type TopicMessage,
  type TopicSubscription,
  type TopicTarget,
} from "./in-memory-topic.js";
export {
  type FilterableMessage,
  type FilterPolicy,
  type FilterPolicyScope,
  matchesFilterPolicy,
  SNS_FILTER_POLICY_LIMITS,
  type SnsAttributeValue,
  validateFilterPolicy,
} from "./sns-filter-policy.js";
export { SQS_MAX_MESSAGE_BYTES } from "./sqs-message-rules.js";
export type { SqsRecord, SqsRecordMessageAttribute } from "./sqs-record.js";
