/**
 * What the deployment adds to the code's own data: sizes, timeouts, batch sizes,
 * and which AWS actions each port's adapter calls. The template generator
 * combines this with the code's data (handler names, their ports and
 * environment schemas, bus routes, table definitions), so every fact lives in
 * one place.
 */

import type { TableLogicalName } from "../../src/adapters/aws/dynamodb-tables.js";
import type { ResourcePort } from "../../src/entrypoints/config.js";
import {
  HANDLER_NAMES,
  HANDLERS,
  type HandlerName,
  type HandlerTrigger,
} from "../../src/entrypoints/handlers.js";
import type { EventRouteName } from "../../src/ports/routing.js";

/** A queue of the flows; every one gets a dead-letter queue and alarms. */
export interface QueueSpec {
  readonly description: string;
  readonly fifo: boolean;
  /** Who sends to it: a bus rule of the same name, the S3 bucket, or a handler's port. */
  readonly fedBy: "bus-rule" | "s3-notification" | "port";
  /** Receives before a message goes to the dead-letter queue. */
  readonly maxReceiveCount: number;
  /** Alarm when the oldest message waits longer than this. */
  readonly oldestMessageAlarmSeconds: number;
}

/** Queue name → spec. Names of bus-fed queues are the rule names of `EVENT_ROUTES`. */
export const QUEUES = {
  intake: {
    description: "ValidateOrder commands (FIFO, one group per order) for validate-order",
    fifo: true,
    fedBy: "port",
    maxReceiveCount: 5,
    oldestMessageAlarmSeconds: 300,
  },
  processing: {
    description: "OrderValidated events for process-order",
    fifo: false,
    fedBy: "bus-rule",
    maxReceiveCount: 5,
    oldestMessageAlarmSeconds: 300,
  },
  cancel: {
    description: "CancellationRequested events for cancel-order",
    fifo: false,
    fedBy: "bus-rule",
    maxReceiveCount: 5,
    oldestMessageAlarmSeconds: 300,
  },
  modify: {
    description: "ModificationRequested events for modify-order",
    fifo: false,
    fedBy: "bus-rule",
    maxReceiveCount: 5,
    oldestMessageAlarmSeconds: 300,
  },
  "file-intake": {
    description: "S3 notifications of files under incoming/ for validate-file",
    fifo: false,
    fedBy: "s3-notification",
    maxReceiveCount: 3,
    oldestMessageAlarmSeconds: 1800,
  },
  "file-extraction": {
    description: "Validated files for extract-orders",
    fifo: false,
    fedBy: "port",
    maxReceiveCount: 3,
    oldestMessageAlarmSeconds: 1800,
  },
} as const satisfies Record<string, QueueSpec>;

export type QueueName = keyof typeof QUEUES;

/** How a function is invoked: its trigger as the handler declares it, with the event source mapping's sizes. */
export type FunctionTrigger =
  | { readonly kind: "http" }
  | ({ readonly kind: "queue"; readonly queue: QueueName } & QueueMappingSpec);

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
}

/** What the deployment says of a function; its trigger comes from the handler declaration. */
interface FunctionSizes {
  readonly description: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** For a queue-triggered handler. */
  readonly mapping?: QueueMappingSpec;
}

export interface FunctionSpec extends Omit<FunctionSizes, "mapping"> {
  readonly trigger: FunctionTrigger;
}

/**
 * The sizes of each handler's function. Visibility timeouts of the queues are
 * derived: 6 × the timeout of the function that consumes them (AWS guidance
 * for SQS event sources).
 */
const FUNCTION_SIZES: Readonly<Record<HandlerName, FunctionSizes>> = {
  api: {
    description: "HTTP API: place, get, cancel and modify orders, list products, health",
    memoryMb: 512,
    timeoutSeconds: 10,
  },
  "validate-order": {
    description: "Validates the orders that ValidateOrder commands from the intake FIFO queue name",
    memoryMb: 512,
    timeoutSeconds: 30,
    mapping: { batchSize: 10, maximumConcurrency: 10 },
  },
  "process-order": {
    description: "Takes validated orders through payment to confirmation",
    memoryMb: 512,
    timeoutSeconds: 30,
    mapping: { batchSize: 10, maximumConcurrency: 5 },
  },
  "cancel-order": {
    description: "Applies cancellation requests",
    memoryMb: 512,
    timeoutSeconds: 30,
    mapping: { batchSize: 10, maximumConcurrency: 5 },
  },
  "modify-order": {
    description: "Applies modification requests",
    memoryMb: 512,
    timeoutSeconds: 30,
    mapping: { batchSize: 10, maximumConcurrency: 5 },
  },
  "validate-file": {
    description: "Streams and validates batch order files under incoming/",
    memoryMb: 1024,
    timeoutSeconds: 300,
    mapping: { batchSize: 1, maximumConcurrency: 5 },
  },
  "extract-orders": {
    description: "Places the valid orders of a validated file",
    memoryMb: 1024,
    timeoutSeconds: 300,
    mapping: { batchSize: 1, maximumConcurrency: 2 },
  },
};

function functionSpec(handler: HandlerName): FunctionSpec {
  const { mapping, ...sizes } = FUNCTION_SIZES[handler];
  const trigger: HandlerTrigger = HANDLERS[handler].trigger;
  if (trigger.kind === "http") return { ...sizes, trigger };
  if (!(trigger.queue in QUEUES))
    throw new Error(`${handler} is triggered by ${trigger.queue}, which QUEUES lacks`);
  if (!mapping)
    throw new Error(`${handler} is triggered by a queue: give it a mapping (batch size, concurrency)`);
  return { ...sizes, trigger: { kind: "queue", queue: trigger.queue as QueueName, ...mapping } };
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
};

/** The queue each `*_QUEUE_URL` variable names. */
export const QUEUE_VARIABLES: Readonly<Record<string, QueueName>> = {
  INTAKE_QUEUE_URL: "intake",
  FILE_EXTRACTION_QUEUE_URL: "file-extraction",
};

/** Variables of the handlers' schemas the template sets beyond the required ones (from a parameter). */
export const OPTIONAL_VARIABLES_SET = ["LOG_LEVEL"] as const;

/** An IAM statement of a port, on resources named by logical id. */
export interface PortGrant {
  readonly actions: readonly string[];
  /** What the actions apply to; `arn` is the resource's ARN, `index` its indexes, `objects` a bucket's objects. */
  readonly on: readonly { readonly resource: PortResource; readonly part: "arn" | "indexes" | "objects" }[];
}

/** Resources a port's adapter touches. */
export type PortResource =
  | { readonly table: TableLogicalName }
  | { readonly queue: QueueName }
  | "bus"
  | "alert-topic"
  | "alert-key"
  | "files-bucket";

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
  { routeKey: "GET /products", authorized: true },
  { routeKey: "GET /health", authorized: false },
] as const;

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
