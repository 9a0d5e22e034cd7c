/** The messaging and storage adapters on AWS: SQS, EventBridge, SNS and S3. */
export type { AwsClientOptions, AwsStaticCredentials } from "./client-options.js";
export {
  createEventBridgeClient,
  EVENTBRIDGE_MAX_BATCH_ENTRIES,
  EVENTBRIDGE_MAX_REQUEST_BYTES,
  EventBridgeEventBus,
  type EventBridgeEventBusOptions,
  putEventsEntrySize,
} from "./eventbridge-event-bus.js";
export {
  createS3Client,
  S3_MIN_PART_BYTES,
  type S3ClientOptions,
  S3ObjectStore,
  type S3ObjectStoreOptions,
} from "./s3-object-store.js";
export {
  alertMessageAttributes,
  createSnsClient,
  SNS_MAX_BATCH_ENTRIES,
  SNS_MAX_MESSAGE_ATTRIBUTES,
  SNS_MAX_PAYLOAD_BYTES,
  SNS_MAX_SUBJECT_LENGTH,
  SnsAlertPublisher,
  type SnsAlertPublisherOptions,
  sanitizeSubject,
  snsMessageSize,
} from "./sns-alert-publisher.js";
export {
  createSqsClient,
  SQS_DEFAULT_MAX_PAYLOAD_BYTES,
  SQS_MAX_BATCH_ENTRIES,
  SQS_MAX_MESSAGE_ATTRIBUTES,
  SqsCommandQueue,
  type SqsCommandQueueOptions,
  sqsMessageSize,
} from "./sqs-command-queue.js";
