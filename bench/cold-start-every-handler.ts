/**
 * Cold start of every Lambda handler on its success path, against the same
 * calls made with the SDK alone (bare), the bare handler after the libraries
 * orderflow's design requires (floor: bench/bare/floor-libraries.ts) and the
 * least a handler on Powertools for AWS Lambda would load and run
 * (bench/powertools/wrapping.ts). All bundled with orderflow's Lambda build options.
 *
 * **The flows, rehearsed.** Against a loopback AWS stand-in
 * (test/support/aws-stand-in.ts), the orderflow handlers run the flows once,
 * each on what the one before it left: the api places an order, validate-order
 * validates it from the message the api sent to the intake queue, process-order
 * confirms it from the `OrderValidated` that validate-order published (in its
 * EventBridge envelope), notify-order publishes the customer's notification,
 * deliver-notification delivers it from the topic's raw message, and so on to
 * the file flows ({@link STEPS}). For each measured handler the rehearsal keeps
 * its event, every table item and object before it ran, and every call it made.
 *
 * **The cold starts.** Each round restores, before each contender, the state
 * the handler found, and starts every contender once in a rotating order, as
 * a fresh `node` process (module load, first invocation). orderflow runs the
 * handler's event; the others run it with the rehearsed calls attached, which
 * they make with the SDK's commands (bench/bare/replay.ts): each contender
 * must succeed and make the same calls in the same order. Each contender's
 * overhead is the median of its CPU time minus the bare handler's in the same round.
 *
 * The bare, floor and Powertools bundles of a handler are generated with the
 * clients and commands of its calls only. The bare handler sends the low-level
 * commands: the document client's marshalling counts in orderflow's overhead.
 *
 * With `instructions` instead of a number of rounds, each contender runs once
 * under valgrind's cachegrind and the table counts instructions too: figures
 * that do not move with the machine's load, for comparing two versions.
 *
 * Run alone: `npx tsx bench/cold-start-every-handler.ts [rounds | instructions] [handler,...]`.
 */
import { createHash, randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { DynamoDbProductCatalog } from "../src/adapters/aws/dynamodb-product-catalog.js";
import { s3PutEvent } from "../src/entrypoints/consumers/s3-events.js";
import type { HandlerName } from "../src/entrypoints/handlers.js";
import {
  type AwsStandIn,
  type StandInRequest,
  type StandInState,
  startAwsStandIn,
} from "../test/support/aws-stand-in.js";
import {
  buildLambdaBundles,
  LAMBDA_HANDLERS,
  lambdaBuildOptions,
  lambdaBundlesOptions,
} from "../tsup.lambda.config.js";
import type { ReplayedCall } from "./bare/replay.js";
import { AWS_ENV, median, OVER_FLOOR_TARGET_MS } from "./cold-start.js";
import { CONTENDERS, type Contender, coldStart, TARGETS } from "./cold-start-vs-powertools.js";
import { loadedAtStart } from "./loaded-at-start.js";

export interface EveryHandlerRow {
  readonly handler: HandlerName;
  readonly contender: Contender;
  /** Bytes a cold start reads: the entry and the chunks it imports statically ({@link loadedAtStart}). */
  readonly bytes: number;
  /** Median CPU time (user + system) of a cold start, in ms. */
  readonly cpuMs: number;
  /** Median of (this contender's CPU − the bare handler's) over the rounds. */
  readonly overheadMs: number;
  /** With `instructions`: millions of instructions of the cold start, and over the bare handler's. */
  readonly instructionsM?: number;
  readonly overheadInstructionsM?: number;
}

export interface EveryHandlerOptions {
  /** Rounds (default 9): each starts every contender of every handler once. */
  readonly runs?: number;
  /** Default: every handler. */
  readonly handlers?: readonly HandlerName[];
  /**
   * Count instructions under valgrind instead of timing CPU: one round, the
   * same figures whatever else the machine is doing (some fifty times slower).
   */
  readonly instructions?: boolean;
  readonly print?: (line: string) => void;
}

const root = resolve(import.meta.dirname, "..");

const TABLES = {
  orders: AWS_ENV.ORDERS_TABLE,
  idempotency: AWS_ENV.IDEMPOTENCY_TABLE,
  products: AWS_ENV.PRODUCTS_TABLE,
  fileHistory: AWS_ENV.FILE_HISTORY_TABLE,
  notifications: AWS_ENV.NOTIFICATIONS_TABLE,
  metrics: AWS_ENV.METRICS_TABLE,
  settings: AWS_ENV.SETTINGS_TABLE,
  taskTokens: AWS_ENV.TASK_TOKENS_TABLE,
};
const PRODUCT = { sku: "SKU-1", unitPrice: 1250, currency: "BRL", stock: 1_000_000 };
const orderOf = (orderId: string) => ({
  orderId,
  customerId: "c-bench",
  currency: "BRL",
  items: [{ sku: PRODUCT.sku, quantity: 2, unitPrice: PRODUCT.unitPrice }],
  shippingAddress: { line1: "Rua 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
});
const FILE_KEY = "incoming/bench-orders.jsonl";
const FILE = `${[orderOf("f-1"), orderOf("f-2")].map((order) => JSON.stringify(order)).join("\n")}\n`;

/** What a handler's message is, for the schema its Powertools equivalent parses it with. */
type MessageKind =
  | "place-order"
  | "validate-order"
  | "order-event"
  | "notification"
  | "s3-event"
  | "file-extraction"
  | "workflow-task";

/** One run of the rehearsal: a handler, its event (from what the runs before it sent), measured or only setting the scene. */
interface Step {
  readonly handler: HandlerName;
  readonly kind: MessageKind;
  readonly event: (sent: SentSoFar) => unknown;
  /** Only prepares what a later step reads. */
  readonly setup?: true;
}

/** Setting the scene: an order placed through the api, then validated from its intake message. */
const placedAndValidated = (orderId: string): Step[] => [
  {
    handler: "api",
    kind: "place-order",
    setup: true,
    event: () => httpEvent("POST", "/orders", orderOf(orderId)),
  },
  { handler: "validate-order", kind: "validate-order", setup: true, event: (sent) => sent.intake(orderId) },
];

/** The flows in the order they run, each handler's event built from what the handlers before it sent. */
const STEPS: readonly Step[] = [
  { handler: "api", kind: "place-order", event: () => httpEvent("POST", "/orders", orderOf("o-1")) },
  { handler: "validate-order", kind: "validate-order", event: (sent) => sent.intake("o-1") },
  { handler: "start-workflow", kind: "order-event", event: (sent) => sent.busEvent("OrderValidated", "o-1") },
  { handler: "workflow-task", kind: "workflow-task", event: () => taskEvent("checkStore", "o-1") },
  { handler: "process-order", kind: "order-event", event: (sent) => sent.busEvent("OrderValidated", "o-1") },
  { handler: "notify-order", kind: "order-event", event: (sent) => sent.busEvent("OrderConfirmed", "o-1") },
  { handler: "deliver-notification", kind: "notification", event: (sent) => sent.notification() },
  { handler: "record-metrics", kind: "order-event", event: (sent) => sent.busEvent("OrderConfirmed", "o-1") },
  // The wait for fulfilment keeps its task token; the operator's fulfil publishes OrderFulfilled.
  {
    handler: "workflow-task",
    kind: "workflow-task",
    setup: true,
    event: () => taskEvent("awaitFulfilment", "o-1", { taskToken: "bench-token", timeoutSeconds: 3600 }),
  },
  {
    handler: "api",
    kind: "place-order",
    setup: true,
    event: () => httpEvent("POST", "/orders/o-1/fulfil", undefined, OPERATOR),
  },
  {
    handler: "release-fulfilment",
    kind: "order-event",
    event: (sent) => sent.busEvent("OrderFulfilled", "o-1"),
  },
  // A paid order cancelled: the refund follows.
  ...placedAndValidated("o-2"),
  {
    handler: "process-order",
    kind: "order-event",
    setup: true,
    event: (sent) => sent.busEvent("OrderValidated", "o-2"),
  },
  {
    handler: "api",
    kind: "place-order",
    setup: true,
    event: () => httpEvent("POST", "/orders/o-2/cancel", { reason: "changed my mind" }),
  },
  {
    handler: "cancel-order",
    kind: "order-event",
    event: (sent) => sent.busEvent("CancellationRequested", "o-2"),
  },
  { handler: "refund-order", kind: "order-event", event: (sent) => sent.busEvent("OrderCancelled", "o-2") },
  // A validated order modified before payment.
  ...placedAndValidated("o-3"),
  {
    handler: "api",
    kind: "place-order",
    setup: true,
    event: () =>
      httpEvent("PATCH", "/orders/o-3", {
        items: [{ sku: PRODUCT.sku, quantity: 3, unitPrice: PRODUCT.unitPrice }],
      }),
  },
  {
    handler: "modify-order",
    kind: "order-event",
    event: (sent) => sent.busEvent("ModificationRequested", "o-3"),
  },
  // A file of two orders dropped in the bucket.
  { handler: "validate-file", kind: "s3-event", event: () => s3Event(FILE_KEY, FILE) },
  { handler: "extract-orders", kind: "file-extraction", event: (sent) => sent.fileExtraction() },
];

/** What the rehearsal kept of a measured handler's run. */
interface Rehearsed {
  readonly handler: HandlerName;
  readonly kind: MessageKind;
  readonly event: unknown;
  readonly before: StandInState;
  readonly calls: readonly StandInRequest[];
}

/** Builds, rehearses, times every handler, prints a table and returns its rows. */
export async function runEveryHandlerBench(options: EveryHandlerOptions = {}): Promise<EveryHandlerRow[]> {
  const countInstructions = options.instructions ?? false;
  const runs = countInstructions ? 1 : (options.runs ?? 9);
  const print = options.print ?? ((line: string) => console.log(line));
  const only = new Set(options.handlers ?? (Object.keys(LAMBDA_HANDLERS) as HandlerName[]));
  // Under the repository, so that the generated entries resolve its packages.
  const workDir = join(root, "node_modules", ".cache", `orderflow-every-handler-${process.pid}`);
  // The bundles at a short path, as Lambda's /var/task: Node's module loader does work per character of
  // every path it resolves, which at a long path grows with the number of chunks and can tip a compile.
  const bundleDir = mkdtempSync(join(tmpdir(), "of-"));
  const standIn = await startAwsStandIn(TABLES);
  try {
    const orderflowDir = join(bundleDir, "o");
    await buildLambdaBundles(lambdaBuildOptions({ outDir: orderflowDir }));
    const orderflowBundle = (handler: HandlerName) => join(orderflowDir, handler, "index.mjs");
    await new DynamoDbProductCatalog({ client: standIn.dynamoDb, tableName: TABLES.products }).putProducts([
      PRODUCT,
    ]);
    standIn.putObject(AWS_ENV.FILES_BUCKET, FILE_KEY, FILE, "application/x-ndjson");

    const rehearsed = (await rehearse(standIn, orderflowBundle)).filter((step) => only.has(step.handler));
    const peers = await buildPeers(workDir, join(bundleDir, "p"), rehearsed);

    const rows: EveryHandlerRow[] = [];
    for (const step of rehearsed) {
      const replay = step.calls.map(replayedCall);
      const bundleOf = (contender: Contender) =>
        contender === "orderflow" ? orderflowBundle(step.handler) : peers[step.handler]![contender];
      const samples = new Map<Contender, number[]>(CONTENDERS.map((c) => [c, []]));
      const instructions = new Map<Contender, number>();
      const expected = step.calls.map((call) => call.operation).join(" ");
      for (let round = countInstructions ? 0 : -1; round < runs; round++) {
        // Round -1 warms the file cache and is not counted; instructions do not depend on it.
        const shift = Math.max(0, round) % CONTENDERS.length;
        for (const contender of [...CONTENDERS.slice(shift), ...CONTENDERS.slice(0, shift)]) {
          await standIn.restore(step.before);
          standIn.calls.length = 0;
          const event = contender === "orderflow" ? step.event : { ...(step.event as object), replay };
          const started = await coldStart(bundleOf(contender), event, standIn.endpoint, {
            countInstructions,
          });
          const made = standIn.calls.join(" ");
          if (!started.succeeded || made !== expected)
            throw new Error(
              `${contender} ${step.handler}: ${started.succeeded ? `made ${made}, not ${expected}` : `failed: ${started.result}`} (answers: ${standIn.requests.map((request) => `${request.operation} ${request.status}`).join(", ")})`,
            );
          if (round >= 0) samples.get(contender)!.push(started.cpuMs);
          if (started.instructions !== undefined) instructions.set(contender, started.instructions / 1e6);
        }
      }
      const bare = samples.get("bare")!;
      for (const contender of CONTENDERS) {
        const own = samples.get(contender)!;
        rows.push({
          handler: step.handler,
          contender,
          bytes: loadedAtStart(bundleOf(contender)).bytes,
          cpuMs: median(own),
          overheadMs: median(own.map((ms, i) => ms - bare[i]!)),
          ...(countInstructions
            ? {
                instructionsM: instructions.get(contender)!,
                overheadInstructionsM: instructions.get(contender)! - instructions.get("bare")!,
              }
            : {}),
        });
      }
    }
    printEveryHandler(rows, runs, print);
    return rows;
  } finally {
    await standIn.stop();
    rmSync(workDir, { recursive: true, force: true });
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

/** Runs {@link STEPS} once with orderflow's bundles; keeps, for each measured step, its event, the state before it and its calls. */
async function rehearse(standIn: AwsStandIn, bundle: (handler: HandlerName) => string): Promise<Rehearsed[]> {
  const everything: StandInRequest[] = [];
  const sent = sentSoFar(everything);
  const rehearsed: Rehearsed[] = [];
  for (const step of STEPS) {
    const event = step.event(sent);
    const before = await standIn.snapshot();
    standIn.calls.length = 0;
    const started = await coldStart(bundle(step.handler), event, standIn.endpoint);
    if (!started.succeeded) throw new Error(`rehearsal: ${step.handler} failed: ${started.result}`);
    const calls = [...standIn.requests];
    everything.push(...calls);
    if (!step.setup) rehearsed.push({ handler: step.handler, kind: step.kind, event, before, calls });
  }
  return rehearsed;
}

/** How later steps read what earlier ones sent: queue messages, bus events, notifications. */
interface SentSoFar {
  /** The validation request the api sent to the intake queue for `orderId`, as its FIFO record. */
  intake(orderId: string): unknown;
  /** The last event of `type` about `orderId` put on the bus, as the record of a queue its rule feeds. */
  busEvent(type: string, orderId: string): unknown;
  /** The last notification published to the topic (alone or in a batch), as its priority queue's raw record. */
  notification(): unknown;
  /** The last message sent to the file-extraction queue, as its record. */
  fileExtraction(): unknown;
}

function sentSoFar(requests: readonly StandInRequest[]): SentSoFar {
  const inputs = (operation: string) =>
    requests
      .filter((request) => request.operation === operation)
      .map((request) => replayedCall(request).input);
  /** What was sent to `queue`, alone or in batches, in the order it was sent. */
  const queueMessages = (queue: string): QueueMessage[] =>
    requests.flatMap((request) => {
      if (request.operation !== "SQS.SendMessage" && request.operation !== "SQS.SendMessageBatch") return [];
      const input = replayedCall(request).input as { QueueUrl: string; Entries?: QueueMessage[] };
      if (!input.QueueUrl.endsWith(`/${queue}`)) return [];
      return input.Entries ?? [input as unknown as QueueMessage];
    });
  const last = <T>(items: readonly T[], what: string): T => {
    const item = items.at(-1);
    if (item === undefined) throw new Error(`rehearsal: nothing sent yet: ${what}`);
    return item;
  };
  return {
    intake(orderId) {
      const message = last(
        queueMessages("orderflow-intake.fifo").filter((candidate) => candidate.MessageGroupId === orderId),
        `the validation request of ${orderId}`,
      );
      return sqsEvent("orderflow-intake.fifo", message.MessageBody, {
        MessageGroupId: message.MessageGroupId!,
        MessageDeduplicationId: message.MessageDeduplicationId!,
        SequenceNumber: "1",
      });
    },
    busEvent(type, orderId) {
      const entries = inputs("EventBridge.PutEvents").flatMap(
        (input) => input.Entries as { Source: string; DetailType: string; Detail: string }[],
      );
      const entry = last(
        entries.filter(
          (candidate) =>
            candidate.DetailType === type &&
            (JSON.parse(candidate.Detail) as { orderId?: string }).orderId === orderId,
        ),
        `${type} of ${orderId}`,
      );
      const envelope = {
        version: "0",
        id: randomUUID(),
        "detail-type": entry.DetailType,
        source: entry.Source,
        account: "123456789012",
        time: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        region: AWS_ENV.AWS_REGION,
        resources: [],
        detail: JSON.parse(entry.Detail) as unknown,
      };
      return sqsEvent("orderflow-events", JSON.stringify(envelope));
    },
    notification() {
      const entries = inputs("SNS.PublishBatch").flatMap(
        (input) => input.PublishBatchRequestEntries as PublishedNotification[],
      );
      const entry = last([...inputs("SNS.Publish"), ...entries] as PublishedNotification[], "a notification");
      // Raw message delivery: the message's attributes become the record's.
      const attributes = Object.fromEntries(
        Object.entries(entry.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          {
            stringValue: value.StringValue,
            stringListValues: [],
            binaryListValues: [],
            dataType: value.DataType,
          },
        ]),
      );
      const priority = attributes.priority?.stringValue ?? "low";
      return sqsEvent(`orderflow-notifications-${priority}`, entry.Message, {}, attributes);
    },
    fileExtraction() {
      const message = last(queueMessages("orderflow-file-extraction"), "a file-extraction message");
      return sqsEvent("orderflow-file-extraction", message.MessageBody);
    },
  };
}

interface QueueMessage {
  readonly MessageBody: string;
  readonly MessageGroupId?: string;
  readonly MessageDeduplicationId?: string;
}

interface PublishedNotification {
  readonly Message: string;
  readonly MessageAttributes?: Record<string, { DataType: string; StringValue?: string }>;
}

/** A one-record Lambda SQS event. */
function sqsEvent(
  queue: string,
  body: string,
  attributes: Record<string, string> = {},
  messageAttributes: Record<string, unknown> = {},
) {
  const now = String(Date.now());
  return {
    Records: [
      {
        messageId: randomUUID(),
        receiptHandle: "bench",
        body,
        attributes: {
          ApproximateReceiveCount: "1",
          SentTimestamp: now,
          SenderId: "bench",
          ApproximateFirstReceiveTimestamp: now,
          ...attributes,
        },
        messageAttributes,
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: `arn:aws:sqs:${AWS_ENV.AWS_REGION}:123456789012:${queue}`,
        awsRegion: AWS_ENV.AWS_REGION,
      },
    ],
  };
}

/** The claims of an operator's token, as a JWT authorizer hands them over. */
const OPERATOR = { sub: "operator-1", "cognito:groups": "[operators]" };

/** An API Gateway HTTP API (payload 2.0) request; `claims` when an authorizer vouched for the caller. */
function httpEvent(method: string, path: string, body?: unknown, claims?: Record<string, string>) {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    headers: {
      accept: "application/json",
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    requestContext: {
      accountId: "123456789012",
      apiId: "bench",
      domainName: "bench.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "bench",
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "bench" },
      requestId: "bench",
      routeKey: "$default",
      stage: "$default",
      time: "07/Dec/2026:16:00:00 +0000",
      timeEpoch: Date.now(),
      ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    isBase64Encoded: false,
  };
}

/** What a task state of the order workflow sends. */
function taskEvent(task: string, orderId: string, extra: Record<string, unknown> = {}) {
  return { task, orderId, correlationId: `c-${orderId}`, ...extra };
}

/** The file-intake queue's record of the bucket's notification that `key` was created. */
function s3Event(key: string, body: string) {
  const notification = s3PutEvent({
    bucket: AWS_ENV.FILES_BUCKET,
    key,
    size: Buffer.byteLength(body),
    etag: createHash("md5").update(body).digest("hex"),
    sequencer: "0065A1B2C3D4E5F601",
    eventTime: new Date(),
    region: AWS_ENV.AWS_REGION,
  });
  return sqsEvent("orderflow-file-intake", notification);
}

/** The services the stand-in names, and the SDK clients that call them. */
const SDK_CLIENTS = {
  DynamoDB: { module: "@aws-sdk/client-dynamodb", client: "DynamoDBClient", options: "{}" },
  EventBridge: { module: "@aws-sdk/client-eventbridge", client: "EventBridgeClient", options: "{}" },
  SQS: { module: "@aws-sdk/client-sqs", client: "SQSClient", options: "{}" },
  SNS: { module: "@aws-sdk/client-sns", client: "SNSClient", options: "{}" },
  // Path-style, as orderflow's S3 client is when an endpoint is set.
  S3: { module: "@aws-sdk/client-s3", client: "S3Client", options: "{ forcePathStyle: true }" },
  SFN: { module: "@aws-sdk/client-sfn", client: "SFNClient", options: "{}" },
} as const;

/** A recorded call as its SDK command's input (the JSON protocols' bodies are their inputs). */
export function replayedCall(request: StandInRequest): ReplayedCall {
  const [service, operation] = request.operation.split(".") as [keyof typeof SDK_CLIENTS, string];
  if (!(service in SDK_CLIENTS)) throw new Error(`no SDK client for ${request.operation}`);
  const input =
    service === "SNS"
      ? snsInput(request.body)
      : service === "S3"
        ? s3Input(request)
        : (JSON.parse(request.body) as Record<string, unknown>);
  return { service, operation, input, ...((request.status ?? 200) >= 400 ? { fails: true as const } : {}) };
}

/** An SNS query form (`TopicArn=…&MessageAttributes.entry.1.Name=…`) as the command's input. */
function snsInput(body: string): Record<string, unknown> {
  const form = new URLSearchParams(body);
  form.delete("Action");
  form.delete("Version");
  const tree: Record<string, unknown> = {};
  for (const [key, value] of form) {
    const path = key.split(".");
    let node = tree;
    for (const part of path.slice(0, -1)) {
      node[part] ??= {};
      node = node[part] as Record<string, unknown>;
    }
    node[path.at(-1)!] = value;
  }
  return shaped(tree) as Record<string, unknown>;
}

/** `member.N` lists become arrays, `entry.N` `{ Name, Value }` lists become records. */
function shaped(node: unknown): unknown {
  if (typeof node !== "object" || node === null) return node;
  const fields = node as Record<string, unknown>;
  const indexed = (list: unknown) =>
    Object.entries(list as Record<string, unknown>)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([, item]) => shaped(item));
  if (fields.member) return indexed(fields.member);
  if (fields.entry)
    return Object.fromEntries(
      (indexed(fields.entry) as { Name: string; Value: unknown }[]).map((item) => [item.Name, item.Value]),
    );
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, shaped(value)]));
}

/** An S3 REST call as the command's input: the path names the bucket and key, headers the rest. */
function s3Input(request: StandInRequest): Record<string, unknown> {
  const [bucket = "", ...key] = decodeURIComponent(request.url.split("?")[0]!.slice(1)).split("/");
  const input: Record<string, unknown> = { Bucket: bucket, Key: key.join("/") };
  const headers = request.headers;
  if (headers.range) input.Range = headers.range;
  if (headers["x-amz-copy-source"]) input.CopySource = headers["x-amz-copy-source"];
  if (request.operation === "S3.PutObject") {
    input.Body = request.body;
    if (headers["content-type"]) input.ContentType = headers["content-type"];
    const metadata = Object.entries(headers).filter(([name]) => name.startsWith("x-amz-meta-"));
    if (metadata.length)
      input.Metadata = Object.fromEntries(metadata.map(([name, value]) => [name.slice(11), value]));
  }
  return input;
}

/** The schema (bench/powertools/message-schemas.ts) each kind of message is parsed with on Powertools. */
const POWERTOOLS_SHAPE: Readonly<Record<MessageKind, { wrap: string; schema: string }>> = {
  "place-order": { wrap: "powertoolsHttpHandler", schema: "PlaceOrderSchema" },
  "validate-order": { wrap: "powertoolsQueueHandler", schema: "ValidateOrderMessageSchema" },
  "order-event": { wrap: "powertoolsQueueHandler", schema: "OrderEventEnvelopeSchema" },
  notification: { wrap: "powertoolsQueueHandler", schema: "NotificationMessageSchema" },
  "s3-event": { wrap: "powertoolsQueueHandler", schema: "S3EventNotificationSchema" },
  "file-extraction": { wrap: "powertoolsQueueHandler", schema: "FileExtractionMessageSchema" },
  "workflow-task": { wrap: "powertoolsTaskHandler", schema: "WorkflowTaskPayloadSchema" },
};

type PeerBundles = Record<string, Record<Exclude<Contender, "orderflow">, string>>;

/** Writes and bundles, per handler, its bare, floor and Powertools entries over the clients and commands of its calls. */
async function buildPeers(
  workDir: string,
  outDir: string,
  steps: readonly Rehearsed[],
): Promise<PeerBundles> {
  const sourceDir = join(workDir, "peer-sources");
  mkdirSync(sourceDir, { recursive: true });
  const from = (file: string) => JSON.stringify(relative(sourceDir, join(root, file)).replaceAll("\\", "/"));
  const entries: Record<string, string> = {};
  for (const step of steps) {
    const commands = new Map<keyof typeof SDK_CLIENTS, Set<string>>();
    for (const call of step.calls.map(replayedCall))
      (
        commands.get(call.service as keyof typeof SDK_CLIENTS) ??
        commands
          .set(call.service as keyof typeof SDK_CLIENTS, new Set())
          .get(call.service as keyof typeof SDK_CLIENTS)!
      ).add(call.operation);
    const services = [...commands];
    const bare = [
      ...services.map(
        ([service, operations]) =>
          `import { ${SDK_CLIENTS[service].client}, ${[...operations].map((op) => `${op}Command`).join(", ")} } from "${SDK_CLIENTS[service].module}";`,
      ),
      `import { replaying } from ${from("bench/bare/replay.ts")};`,
      "export const handler = replaying({",
      ...services.map(
        ([service, operations]) =>
          `  ${service}: { client: () => new ${SDK_CLIENTS[service].client}(${SDK_CLIENTS[service].options}), commands: { ${[...operations].map((op) => `${op}: ${op}Command`).join(", ")} } },`,
      ),
      "});",
    ].join("\n");
    const shape = POWERTOOLS_SHAPE[step.kind];
    const sources = {
      bare,
      floor: [
        `import { withFloor } from ${from("bench/bare/floor-libraries.ts")};`,
        `import { handler as bare } from "./${step.handler}-bare.js";`,
        `export { DOMAIN } from ${from("bench/bare/floor-libraries.ts")};`,
        "export const handler = withFloor(bare);",
      ].join("\n"),
      powertools: [
        `import { ${shape.schema} } from ${from("bench/powertools/message-schemas.ts")};`,
        `import { ${shape.wrap} } from ${from("bench/powertools/wrapping.ts")};`,
        `import { handler as bare } from "./${step.handler}-bare.js";`,
        `export const handler = ${shape.wrap}(${JSON.stringify(step.handler)}, ${shape.schema}, bare);`,
      ].join("\n"),
    };
    for (const [contender, source] of Object.entries(sources)) {
      const file = join(sourceDir, `${step.handler}-${contender}.ts`);
      writeFileSync(file, `${source}\n`);
      entries[`${step.handler}/${contender}`] = file;
    }
  }
  await buildLambdaBundles(lambdaBundlesOptions(entries, outDir));
  return Object.fromEntries(
    steps.map((step) => [
      step.handler,
      Object.fromEntries(
        (["powertools", "floor", "bare"] as const).map((contender) => [
          contender,
          join(outDir, step.handler, contender, "index.mjs"),
        ]),
      ) as Record<Exclude<Contender, "orderflow">, string>,
    ]),
  );
}

function printEveryHandler(
  rows: readonly EveryHandlerRow[],
  runs: number,
  print: (line: string) => void,
): void {
  const signed = (ms: number) => `${ms >= 0 ? "+" : ""}${ms.toFixed(1)}`;
  const widths = [22, 11, 11, 12, 12, 12, 10, 12, 8];
  const line = (cells: readonly string[]) =>
    print(cells.map((cell, i) => cell.padEnd(widths[i] ?? 10)).join(""));
  print(
    `Cold start of every handler on its success path: CPU ms over bare, median of ${runs} interleaved rounds (paired)`,
  );
  line(["handler", "at start", "bare CPU", "orderflow", "Powertools", "floor", "× PT", "− floor", "targets"]);
  const handlers = [...new Set(rows.map((row) => row.handler))];
  for (const handler of handlers) {
    const of = (contender: Contender) =>
      rows.find((row) => row.handler === handler && row.contender === contender)!;
    const [orderflow, powertools, floor, bare] = [of("orderflow"), of("powertools"), of("floor"), of("bare")];
    const ratio = orderflow.overheadMs / powertools.overheadMs;
    const overFloor = orderflow.overheadMs - floor.overheadMs;
    const met = [overFloor <= OVER_FLOOR_TARGET_MS, ratio <= TARGETS.ofPowertools];
    line([
      handler,
      `${(orderflow.bytes / 1024).toFixed(0)} KB`,
      bare.cpuMs.toFixed(1),
      signed(orderflow.overheadMs),
      signed(powertools.overheadMs),
      signed(floor.overheadMs),
      `${ratio.toFixed(2)}×`,
      signed(overFloor),
      met.map((ok) => (ok ? "✓" : "✗")).join(" "),
    ]);
  }
  print(
    `targets: orderflow ≤ floor + ${OVER_FLOOR_TARGET_MS} ms, and ≤ ${TARGETS.ofPowertools}× Powertools (its wrapping and the same calls: a lower bound of a Powertools handler)`,
  );
  if (rows.some((row) => row.instructionsM !== undefined)) printInstructions(rows, handlers, print);
}

function printInstructions(
  rows: readonly EveryHandlerRow[],
  handlers: readonly HandlerName[],
  print: (line: string) => void,
): void {
  const signed = (m: number) => `${m >= 0 ? "+" : ""}${m.toFixed(1)}`;
  const widths = [22, 12, 12, 12, 12, 10, 12];
  const line = (cells: readonly string[]) =>
    print(cells.map((cell, i) => cell.padEnd(widths[i] ?? 10)).join(""));
  print(
    "The same cold starts in millions of instructions (valgrind's cachegrind, node --predictable), over bare",
  );
  line(["handler", "bare", "orderflow", "Powertools", "floor", "× PT", "− floor"]);
  for (const handler of handlers) {
    const of = (contender: Contender) =>
      rows.find((row) => row.handler === handler && row.contender === contender)!;
    const [orderflow, powertools, floor, bare] = [of("orderflow"), of("powertools"), of("floor"), of("bare")];
    line([
      handler,
      bare.instructionsM!.toFixed(1),
      signed(orderflow.overheadInstructionsM!),
      signed(powertools.overheadInstructionsM!),
      signed(floor.overheadInstructionsM!),
      `${(orderflow.overheadInstructionsM! / powertools.overheadInstructionsM!).toFixed(2)}×`,
      signed(orderflow.overheadInstructionsM! - floor.overheadInstructionsM!),
    ]);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // [rounds | instructions] [handler,...]
  const [runs, handlers] = process.argv.slice(2);
  await runEveryHandlerBench({
    ...(runs === "instructions" ? { instructions: true } : { runs: Number(runs ?? 9) }),
    handlers: handlers?.split(",") as HandlerName[] | undefined,
  });
}
