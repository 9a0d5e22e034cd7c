/**
 * What the deployment adds to the code's own data: sizes, timeouts, batch sizes,
 * and which AWS actions each port's adapter calls. The template generator
 * combines this with the code's data (handler names, their ports and
 * environment schemas, bus routes, table definitions), so every fact lives in
 * one place.
 */

import type { TableLogicalName } from "../../src/adapters/aws/dynamodb-tables.js";
import type { NotificationPriority } from "../../src/domain/notification.js";
import type { ResourcePort } from "../../src/entrypoints/config.js";
import {
  HANDLER_NAMES,
  HANDLERS,
  type HandlerName,
  type HandlerTrigger,
  type Orchestration,
} from "../../src/entrypoints/handlers.js";
import { type EventRouteName, NOTIFICATION_QUEUES } from "../../src/ports/routing.js";

/** A queue of the flows; every one gets a dead-letter queue and alarms. */
export interface QueueSpec {
  readonly description: string;
  readonly fifo: boolean;
  /**
   * Who sends to it: a bus rule of the same name, the S3 bucket, a handler's
   * port, or the notifications topic through a subscription filtering on the
   * priority the queue stands for (`NOTIFICATION_QUEUES`).
   */
  readonly fedBy: "bus-rule" | "s3-notification" | "port" | "notification-topic";
  /** Receives before a message goes to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Alarm when the oldest message waits longer than this. */
  readonly oldestMessageAlarmSeconds: number;
  /**
   * How its consumer reads it (the event source mapping). On the queue rather
   * than the function, since a function may consume several queues at
   * different paces while a queue has one consumer at a time (the processing
   * queue has two, each enabled under its own orchestration).
   */
  readonly mapping: QueueMappingSpec;
}

export interface QueueMappingSpec {
  /** Records per invocation (FIFO: at most 10). */
  readonly batchSize: number;
  /**
   * Most concurrent invocations the queue may drive. Protects what the
   * function writes to (tables, the payment gateway, the intake queue)
   * without the throttling and early dead-lettering that reserved
   * concurrency causes on an SQS trigger.
   */
  readonly maximumConcurrency: number;
  /**
   * Seconds the mapping may wait to fill a batch: fewer, fuller invocations
   * for traffic that can wait. Absent: a batch goes as soon as records are there.
   */
  readonly maximumBatchingWindowSeconds?: number;
}

/** The bus-fed mapping of the order flows: full batches, a few at a time. */
const ORDER_FLOW_MAPPING = { batchSize: 10, maximumConcurrency: 5 } as const;

/** Queue name → spec. Names of bus-fed queues are the rule names of `EVENT_ROUTES`. */
export const QUEUES = {
  intake: {
    description: "ValidateOrder commands (FIFO, one group per order) for validate-order",
    fifo: true,
    fedBy: "port",
    maxReceiveCount: 5,
    oldestMessageAlarmSeconds: 300,
    mapping: { batchSize: 10, maximumConcurrency: 10 },
  },
  processing: {
    description: "OrderValidated events for start-workflow or process-order (by the Orchestration parameter)",
    fifo: false,
    fedBy: "bus-rule",
    maxReceiveCount: 5,
    oldestMessageAlarmSeconds: 300,
    mapping: ORDER_FLOW_MAPPING,
  },
  cancel: {
    description: "CancellationRequested events for cancel-order",
    fifo: false,
    fedBy: "bus-rule",
    maxReceiveCount: 5,
    oldestMessageAlarmSeconds: 300,
    mapping: ORDER_FLOW_MAPPING,
  },
  modify: {
    description: "ModificationRequested events for modify-order",
    fifo: false,
    fedBy: "bus-rule",
    maxReceiveCount: 5,
    oldestMessageAlarmSeconds: 300,
    mapping: ORDER_FLOW_MAPPING,
  },
  refunds: {
    description: "OrderRefundRequired and OrderCancelled events for refund-order (refunds owed)",
    fifo: false,
    fedBy: "bus-rule",
    maxReceiveCount: 5,
    oldestMessageAlarmSeconds: 300,
    mapping: ORDER_FLOW_MAPPING,
  },
  fulfilments: {
    description: "OrderFulfilled events for release-fulfilment (ends the workflow's wait for the operator)",
    fifo: false,
    fedBy: "bus-rule",
    maxReceiveCount: 5,
    oldestMessageAlarmSeconds: 300,
    mapping: ORDER_FLOW_MAPPING,
  },
  "file-intake": {
    description: "S3 notifications of files under incoming/ for validate-file",
    fifo: false,
    fedBy: "s3-notification",
    maxReceiveCount: 3,
    oldestMessageAlarmSeconds: 1800,
    mapping: { batchSize: 1, maximumConcurrency: 5 },
  },
  "file-extraction": {
    description: "Validated files for extract-orders",
    fifo: false,
    fedBy: "port",
    maxReceiveCount: 3,
    oldestMessageAlarmSeconds: 1800,
    mapping: { batchSize: 1, maximumConcurrency: 2 },
  },
  "order-notifications": {
    description:
      "Order outcomes (confirmed, payment failed, rejected, cancelled, fulfilled) for notify-order",
    fifo: false,
    fedBy: "bus-rule",
    maxReceiveCount: 5,
    oldestMessageAlarmSeconds: 300,
    mapping: ORDER_FLOW_MAPPING,
  },
  // Metrics can wait: a batching window fills batches (fewer invocations, one EMF line per batch), and few
  // pollers keep the writes to each bucket's items from contending.
  metrics: {
    description:
      "Completed-order events (confirmed, fulfilled, cancelled, rejected, payment failed) for record-metrics",
    fifo: false,
    fedBy: "bus-rule",
    maxReceiveCount: 5,
    oldestMessageAlarmSeconds: 900,
    mapping: { batchSize: 10, maximumConcurrency: 2, maximumBatchingWindowSeconds: 10 },
  },
  // Priority is what the three mappings differ in: high is read at once and by
  // the most pollers, so a backlog of low never delays it; medium and low wait
  // to fill their batches (fewer invocations), low longest and by the fewest.
  [NOTIFICATION_QUEUES.high]: {
    description:
      "High-priority notifications (filtered from the notifications topic) for deliver-notification",
    fifo: false,
    fedBy: "notification-topic",
    maxReceiveCount: 5,
    oldestMessageAlarmSeconds: 60,
    mapping: { batchSize: 10, maximumConcurrency: 10 },
  },
  [NOTIFICATION_QUEUES.medium]: {
    description:
      "Medium-priority notifications (filtered from the notifications topic) for deliver-notification",
    fifo: false,
    fedBy: "notification-topic",
    maxReceiveCount: 5,
    oldestMessageAlarmSeconds: 300,
    mapping: { batchSize: 10, maximumConcurrency: 5, maximumBatchingWindowSeconds: 5 },
  },
  [NOTIFICATION_QUEUES.low]: {
    description:
      "Low-priority notifications (filtered from the notifications topic) for deliver-notification",
    fifo: false,
    fedBy: "notification-topic",
    maxReceiveCount: 5,
    oldestMessageAlarmSeconds: 900,
    mapping: { batchSize: 10, maximumConcurrency: 2, maximumBatchingWindowSeconds: 20 },
  },
} as const satisfies Record<string, QueueSpec>;

export type QueueName = keyof typeof QUEUES;

/** The priority whose notifications a topic-fed queue receives (its subscription's filter policy). */
export function priorityOfQueue(queue: QueueName): NotificationPriority {
  const entry = Object.entries(NOTIFICATION_QUEUES).find(([, name]) => name === queue);
  if (!entry) throw new Error(`queue ${queue} is not one of NOTIFICATION_QUEUES`);
  return entry[0] as NotificationPriority;
}

/** How a function is invoked: its trigger as the handler declares it, its queues checked against {@link QUEUES}. */
export type FunctionTrigger =
  | { readonly kind: "http" }
  | {
      readonly kind: "queue";
      readonly queues: readonly QueueName[];
      /** Its mappings are enabled only under this orchestration (the `Orchestration` parameter). */
      readonly orchestration?: Orchestration;
    }
  | { readonly kind: "workflow" };

/** What the deployment says of a function; its trigger comes from the handler declaration. */
interface FunctionSizes {
  readonly description: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
}

export interface FunctionSpec extends FunctionSizes {
  readonly trigger: FunctionTrigger;
}

/**
 * The sizes of each handler's function. Visibility timeouts of the queues are
 * derived: 6 × the timeout of the function that consumes them, plus the
 * mapping's batching window (AWS guidance for SQS event sources).
 */
const FUNCTION_SIZES: Readonly<Record<HandlerName, FunctionSizes>> = {
  api: {
    description:
      "HTTP API: place, get, cancel and modify orders, list products, accept and list notifications, metrics, health",
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  "validate-order": {
    description: "Validates the orders that ValidateOrder commands from the intake FIFO queue name",
    memoryMb: 512,
    timeoutSeconds: 30,
  },
  "process-order": {
    description: "Takes validated orders through payment to confirmation",
    memoryMb: 512,
    timeoutSeconds: 30,
  },
  "start-workflow": {
    description: "Starts the order workflow of each validated order (an execution named by its order id)",
    memoryMb: 256,
    timeoutSeconds: 30,
  },
  "workflow-task": {
    description:
      "Runs the task states of the order workflow (store check, payment, confirmation, fulfilment wait)",
    memoryMb: 512,
    timeoutSeconds: 30,
  },
  "release-fulfilment": {
    description: "Ends the fulfilment wait of each fulfilled order with its kept task token",
    memoryMb: 256,
    timeoutSeconds: 30,
  },
  "cancel-order": {
    description: "Applies cancellation requests",
    memoryMb: 512,
    timeoutSeconds: 30,
  },
  "refund-order": {
    description: "Pays back the refunds cancelled orders owe, through the payment gateway",
    memoryMb: 512,
    timeoutSeconds: 30,
  },
  "modify-order": {
    description: "Applies modification requests",
    memoryMb: 512,
    timeoutSeconds: 30,
  },
  "validate-file": {
    description: "Streams and validates batch order files under incoming/",
    memoryMb: 1024,
    timeoutSeconds: 300,
  },
  "extract-orders": {
    description: "Places the valid orders of a validated file",
    memoryMb: 1024,
    timeoutSeconds: 300,
  },
  "deliver-notification": {
    description: "Stores each notification of the high, medium and low queues once and delivers it",
    memoryMb: 256,
    timeoutSeconds: 30,
  },
  "notify-order": {
    description: "Tells customers the outcome of their orders through the notifications topic",
    memoryMb: 256,
    timeoutSeconds: 30,
  },
  "record-metrics": {
    description: "Counts completed-order events, each once, into the metrics table and CloudWatch (EMF)",
    memoryMb: 256,
    timeoutSeconds: 30,
  },
};

function functionSpec(handler: HandlerName): FunctionSpec {
  const sizes = FUNCTION_SIZES[handler];
  const trigger: HandlerTrigger = HANDLERS[handler].trigger;
  if (trigger.kind !== "queue") return { ...sizes, trigger };
  for (const queue of trigger.queues) {
    if (!(queue in QUEUES)) throw new Error(`${handler} is triggered by ${queue}, which QUEUES lacks`);
  }
  const orchestration = trigger.orchestration === undefined ? {} : { orchestration: trigger.orchestration };
  return {
    ...sizes,
    trigger: { kind: "queue", queues: trigger.queues as readonly QueueName[], ...orchestration },
  };
}

/** One function per handler of the declaration. */
export const FUNCTIONS: Readonly<Record<string, FunctionSpec>> = Object.fromEntries(
  HANDLER_NAMES.map((handler) => [handler, functionSpec(handler)]),
);

/** The table each `*_TABLE` variable names. */
export const TABLE_VARIABLES: Readonly<Record<string, TableLogicalName>> = {
  ORDERS_TABLE: "orders",
  IDEMPOTENCY_TABLE: "idempotency",
  PRODUCTS_TABLE: "products",
  FILE_HISTORY_TABLE: "fileHistory",
  NOTIFICATIONS_TABLE: "notifications",
  SETTINGS_TABLE: "settings",
  METRICS_TABLE: "metrics",
  TASK_TOKENS_TABLE: "taskTokens",
};

/** The queue each `*_QUEUE_URL` variable names. */
export const QUEUE_VARIABLES: Readonly<Record<string, QueueName>> = {
  INTAKE_QUEUE_URL: "intake",
  FILE_EXTRACTION_QUEUE_URL: "file-extraction",
};

/** The topic each `*_TOPIC_ARN` variable names (a topic's Ref is its ARN). */
export const TOPIC_VARIABLES: Readonly<Record<string, TopicResource>> = {
  ALERT_TOPIC_ARN: "alert-topic",
  NOTIFICATION_TOPIC_ARN: "notification-topic",
  EMAIL_TOPIC_ARN: "email-topic",
};

/**
 * Variables of the handlers' schemas the template sets beyond the required
 * ones: from a parameter (the log level, the notification channel), or a
 * resource that exists only under a condition (the e-mail topic).
 */
export const OPTIONAL_VARIABLES_SET = ["LOG_LEVEL", "NOTIFICATION_CHANNEL", "EMAIL_TOPIC_ARN"] as const;

/** The template condition true when the `NotificationChannel` parameter is `email`. */
export const EMAIL_CHANNEL_CONDITION = "UseEmailChannel";

/**
 * Resources created only under a template condition: a grant on one, and a
 * variable naming one, are made under the same condition. The e-mail topic
 * exists only when notifications go out by e-mail.
 */
export const CONDITIONAL_RESOURCES: Readonly<Partial<Record<TopicResource, string>>> = {
  "email-topic": EMAIL_CHANNEL_CONDITION,
};

/** The condition a port resource exists under, if any. */
export function conditionOf(resource: PortResource): string | undefined {
  return typeof resource === "string" && resource in CONDITIONAL_RESOURCES
    ? CONDITIONAL_RESOURCES[resource as TopicResource]
    : undefined;
}

/**
 * Tables whose capacity the stack's parameters choose: on demand by default,
 * or provisioned with Application Auto Scaling on the table and every one of
 * its indexes. The others stay on demand.
 */
export const SCALABLE_TABLES: readonly TableLogicalName[] = ["notifications"];

/** The utilization (percent of provisioned capacity) target tracking keeps a scalable table near. */
export const TARGET_CAPACITY_UTILIZATION = 70;

/** An IAM statement of a port, on resources named by logical id. */
export interface PortGrant {
  readonly actions: readonly string[];
  /** What the actions apply to; `arn` is the resource's ARN, `index` its indexes, `objects` a bucket's objects. */
  readonly on: readonly { readonly resource: PortResource; readonly part: "arn" | "indexes" | "objects" }[];
  /** The template condition the statement exists under (it names a resource of {@link CONDITIONAL_RESOURCES}). */
  readonly when?: string;
  /**
   * The handlers of the port whose code calls these actions, when not all do
   * (a port whose adapter has methods for different handlers); absent: every
   * handler using the port.
   */
  readonly calledBy?: readonly HandlerName[];
}

/** Resources a port's adapter touches. */
export type PortResource =
  | { readonly table: TableLogicalName }
  | { readonly queue: QueueName }
  | "bus"
  | TopicResource
  | "alert-key"
  | "notification-key"
  | "files-bucket"
  | "state-machine";

/** The SNS topics: operator alerts, customer notifications (fanned out by priority), e-mail notifications. */
export type TopicResource = "alert-topic" | "notification-topic" | "email-topic";

/**
 * The actions each port's AWS adapter calls (see src/adapters/aws), and on
 * what. A port added to the code without an entry here is a type error.
 */
export const PORT_GRANTS: Readonly<Record<ResourcePort, readonly PortGrant[]>> = {
  // DynamoDbOrderRepository: GetCommand, UpdateCommand (conditional, with the outbox), QueryCommand on the indexes.
  orders: [
    {
      actions: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
      on: [{ resource: { table: "orders" }, part: "arn" }],
    },
    { actions: ["dynamodb:Query"], on: [{ resource: { table: "orders" }, part: "indexes" }] },
  ],
  // DynamoDbStoreSettings: GetItem (consistent), UpdateItem (the fields a change names).
  storeSettings: [
    {
      actions: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
      on: [{ resource: { table: "settings" }, part: "arn" }],
    },
  ],
  // DynamoDbIdempotencyStore: Get, Put (conditional), Update, Delete.
  idempotency: [
    {
      actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
      on: [{ resource: { table: "idempotency" }, part: "arn" }],
    },
  ],
  // DynamoDbProductCatalog: BatchGet (getProducts), Scan (listProducts). Seeding (BatchWrite) is an operator's job.
  catalog: [
    {
      actions: ["dynamodb:BatchGetItem", "dynamodb:Scan"],
      on: [{ resource: { table: "products" }, part: "arn" }],
    },
  ],
  // EventBridgeEventBus: PutEvents.
  bus: [{ actions: ["events:PutEvents"], on: [{ resource: "bus", part: "arn" }] }],
  // SqsCommandQueue: SendMessageBatch (authorized as sqs:SendMessage).
  intakeQueue: [{ actions: ["sqs:SendMessage"], on: [{ resource: { queue: "intake" }, part: "arn" }] }],
  // SnsAlertPublisher: Publish, PublishBatch (authorized as sns:Publish), to a topic under a customer managed key.
  alerts: [
    { actions: ["sns:Publish"], on: [{ resource: "alert-topic", part: "arn" }] },
    { actions: ["kms:GenerateDataKey", "kms:Decrypt"], on: [{ resource: "alert-key", part: "arn" }] },
  ],
  // The demo payment gateway calls nothing.
  payments: [],
  // DynamoDbFileHistory: Get, Put (conditional create and update), Scan (list).
  fileHistory: [
    {
      actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Scan"],
      on: [{ resource: { table: "fileHistory" }, part: "arn" }],
    },
  ],
  // S3ObjectStore: Get/Head (s3:GetObject), Put/multipart (s3:PutObject, s3:AbortMultipartUpload),
  // Copy (GetObject on the source, PutObject on the target), Delete; ListObjectsV2 (s3:ListBucket).
  // ListBucket also makes S3 answer 404 rather than 403 for a missing key, which `head`/`get` rely on.
  objectStore: [
    {
      actions: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
      on: [{ resource: "files-bucket", part: "objects" }],
    },
    { actions: ["s3:ListBucket"], on: [{ resource: "files-bucket", part: "arn" }] },
  ],
  // SqsCommandQueue on the file-extraction queue.
  fileExtractionQueue: [
    { actions: ["sqs:SendMessage"], on: [{ resource: { queue: "file-extraction" }, part: "arn" }] },
  ],
  // DynamoDbNotificationStore: Put (conditional create), Update (conditional status), Get, Query on the
  // indexes, and BatchGetItem to read the items of an index page whose projection holds only keys.
  notifications: [
    {
      actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchGetItem"],
      on: [{ resource: { table: "notifications" }, part: "arn" }],
    },
    { actions: ["dynamodb:Query"], on: [{ resource: { table: "notifications" }, part: "indexes" }] },
  ],
  // DynamoDbMetricsStore: UpdateItem (conditional ADD per bucket item), Query (a range of buckets).
  metrics: [
    {
      actions: ["dynamodb:UpdateItem", "dynamodb:Query"],
      on: [{ resource: { table: "metrics" }, part: "arn" }],
    },
  ],
  // SnsNotificationPublisher: Publish, PublishBatch (authorized as sns:Publish), to a topic under a customer managed key.
  notificationPublisher: [
    { actions: ["sns:Publish"], on: [{ resource: "notification-topic", part: "arn" }] },
    {
      actions: ["kms:GenerateDataKey", "kms:Decrypt"],
      on: [{ resource: "notification-key", part: "arn" }],
    },
  ],
  // The log channel calls nothing; the e-mail channel publishes to the e-mail topic, which exists
  // (and is granted) only when NotificationChannel is email.
  notificationChannel: [
    {
      actions: ["sns:Publish"],
      on: [{ resource: "email-topic", part: "arn" }],
      when: EMAIL_CHANNEL_CONDITION,
    },
    {
      actions: ["kms:GenerateDataKey", "kms:Decrypt"],
      on: [{ resource: "notification-key", part: "arn" }],
      when: EMAIL_CHANNEL_CONDITION,
    },
  ],
  // DynamoDbTaskTokenStore: Put (the token of a wait), Delete (ReturnValues ALL_OLD: taking it, once).
  taskTokens: [
    {
      actions: ["dynamodb:PutItem", "dynamodb:DeleteItem"],
      on: [{ resource: { table: "taskTokens" }, part: "arn" }],
    },
  ],
  // StepFunctionsOrderWorkflows: StartExecution (`start`, by the workflow consumer of start-workflow) and
  // SendTaskSuccess (`completeFulfilment`, by the fulfilment wait of workflow-task and release-fulfilment).
  // SendTaskSuccess names no resource in its request (only the token), and IAM authorizes it on the state
  // machine whose execution issued the token: the CDK grants it so (StateMachine.grantTaskResponse:
  // SendTaskSuccess, SendTaskFailure, SendTaskHeartbeat on the state machine ARN), and the Step Functions
  // guide's state machine-level permissions (concept-create-iam-advanced.html) scope by state machine ARN.
  // No "*" is needed.
  workflows: [
    {
      actions: ["states:StartExecution"],
      on: [{ resource: "state-machine", part: "arn" }],
      calledBy: ["start-workflow"],
    },
    {
      actions: ["states:SendTaskSuccess"],
      on: [{ resource: "state-machine", part: "arn" }],
      calledBy: ["workflow-task", "release-fulfilment"],
    },
  ],
};

/** What a function needs to consume its queue through an event source mapping. */
export const QUEUE_CONSUMER_ACTIONS = [
  "sqs:ReceiveMessage",
  "sqs:DeleteMessage",
  "sqs:ChangeMessageVisibility",
  "sqs:GetQueueAttributes",
] as const;

/** The routes of the HTTP contract (ARCHITECTURE.md); all but health require a Cognito token. */
export const API_ROUTES = [
  { routeKey: "POST /orders", authorized: true },
  { routeKey: "GET /orders/{id}", authorized: true },
  { routeKey: "POST /orders/{id}/cancel", authorized: true },
  { routeKey: "PATCH /orders/{id}", authorized: true },
  { routeKey: "POST /orders/{id}/fulfil", authorized: true },
  { routeKey: "GET /store", authorized: true },
  { routeKey: "PUT /store", authorized: true },
  { routeKey: "GET /products", authorized: true },
  { routeKey: "POST /notifications", authorized: true },
  { routeKey: "GET /notifications", authorized: true },
  { routeKey: "GET /notifications/{id}", authorized: true },
  { routeKey: "GET /users/{userId}/notifications", authorized: true },
  { routeKey: "GET /metrics", authorized: true },
  { routeKey: "GET /health", authorized: false },
] as const;

/** The queues the notifications topic feeds, one per priority. */
export const TOPIC_FED_QUEUES = (Object.keys(QUEUES) as QueueName[]).filter(
  (name) => QUEUES[name].fedBy === "notification-topic",
);

/** Rule names of the bus (as in the code) whose queue is of the same name. */
export const BUS_FED_QUEUES = Object.entries(QUEUES)
  .filter(([, spec]) => spec.fedBy === "bus-rule")
  .map(([name]) => name as EventRouteName & QueueName);

/** Lambda runtime and architecture of every function (see the README's deploy section for why). */
export const LAMBDA_RUNTIME = "nodejs22.x";
export const LAMBDA_ARCHITECTURE = "arm64";
/** Where `npm run build:lambda` writes each handler's bundle (`index.mjs` exporting `handler`). */
export const bundleDirectory = (handler: string) => `../dist/lambda/${handler}`;
export const LAMBDA_HANDLER = "index.handler";
