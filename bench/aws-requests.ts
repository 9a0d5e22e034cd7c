/**
 * AWS requests per order on the hot path (API place → validate → process →
 * CONFIRMED) with the AWS adapters against emulators, the batch calls they
 * make for n messages or events, and what the requests cost at list prices.
 *
 * - DynamoDB (orders, idempotency keys, catalog) on dynalite and SQS (intake
 *   FIFO queue, processing/cancel/modify standard queues) on local-aws-sqs,
 *   each request counted on its client; DynamoDB request units as dynalite
 *   reports them (`ReturnConsumedCapacity: TOTAL`, set on every call here).
 * - EventBridge has no emulator: the real EventBridgeEventBus publishes through
 *   an EventBridgeClient mocked with aws-sdk-client-mock, which counts each
 *   PutEvents call and its entries and forwards them to the in-memory bus, whose
 *   rules deliver to the SQS queues (one SendMessage per event and target, as
 *   EventBridge does).
 * - Queue polling (ReceiveMessage, DeleteMessageBatch) is what Lambda's event
 *   source mappings do; with full batches of 10 it is 0.1 of each per message.
 *   GetQueueAttributes is the test driver's work-around for the emulator's
 *   slow partial receives and is left out of the cost.
 */
import { pathToFileURL } from "node:url";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand, type PutEventsCommandInput } from "@aws-sdk/client-eventbridge";
import type { SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { EventBridgeEventBus } from "../src/adapters/aws/eventbridge-event-bus.js";
import { SqsCommandQueue } from "../src/adapters/aws/sqs-command-queue.js";
import type { OrderflowEvent } from "../src/domain/events.js";
import { type InMemoryEventBus, NullLogger } from "../src/memory.js";
import { startAwsPipeline } from "../test/support/aws-pipeline.js";
import { countRequests, type RequestCount } from "../test/support/request-counter.js";
import { startSqs } from "../test/support/sqs-emulator.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** us-east-1 list prices, USD per million. */
export const PRICES = {
  dynamoDbWriteRequestUnit: 0.625,
  dynamoDbReadRequestUnit: 0.125,
  sqsStandardRequest: 0.4,
  sqsFifoRequest: 0.5,
  eventBridgeCustomEvent: 1.0,
  lambdaRequest: 0.2,
} as const;

const PRODUCTS = [
  { sku: "SKU-1", unitPrice: 1250, currency: "BRL", stock: 1e9 },
  { sku: "SKU-2", unitPrice: 990, currency: "BRL", stock: 1e9 },
];

function orderBody(i: number, prefix: string) {
  return {
    orderId: `${prefix}-${i}`,
    customerId: `customer-${i % 100}`,
    currency: "BRL",
    items: [
      { sku: "SKU-1", quantity: 1 + (i % 3), unitPrice: 1250 },
      { sku: "SKU-2", quantity: 1, unitPrice: 990 },
    ],
    shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
  };
}

interface CapacityMeter {
  readUnits: number;
  writeUnits: number;
  /** Write units the orders table's two GSIs (KEYS_ONLY projection) add, estimated per write. */
  indexWriteUnits: number;
}

/**
 * Asks DynamoDB (dynalite) for the capacity each call consumed and adds it up.
 * dynalite reports the base table only; index writes are estimated. Both
 * indexes project keys only, so an entry is far below 1 KB: 1 write unit per
 * index write, and an index is written only when its keys change. An insert
 * puts one entry in each index (2); every later save moves the `byStatus`
 * entry (its key holds the status and update time: a delete plus a put, 2) and
 * leaves `byCustomer` alone (its keys never change); `markPublished` changes no
 * key attribute and writes no index (0).
 */
function meterCapacity(client: DynamoDBClient, ordersTable: string): CapacityMeter {
  const meter: CapacityMeter = { readUnits: 0, writeUnits: 0, indexWriteUnits: 0 };
  const stack = client.middlewareStack as unknown as {
    add(
      middleware: (
        next: (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>,
        context: { commandName?: string },
      ) => (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>,
      options: { step: "initialize"; name: string },
    ): void;
  };
  stack.add(
    (next, context) => async (args) => {
      args.input.ReturnConsumedCapacity = "TOTAL";
      const result = await next(args);
      const consumed = result.output.ConsumedCapacity as
        | { CapacityUnits?: number; TableName?: string }
        | { CapacityUnits?: number; TableName?: string }[]
        | undefined;
      const command = (context.commandName ?? "").replace(/Command$/, "");
      const isRead = /^(Get|BatchGet|Query|Scan)/.test(command);
      for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
        const units = c.CapacityUnits ?? 0;
        if (isRead) meter.readUnits += units;
        else meter.writeUnits += units;
        if (!isRead && c.TableName === ordersTable) {
          const update = String(args.input.UpdateExpression ?? "");
          const insert = String(args.input.ConditionExpression ?? "").includes("attribute_not_exists");
          meter.indexWriteUnits += insert ? 2 : update.startsWith("REMOVE") ? 0 : 2;
        }
      }
      return result;
    },
    { step: "initialize", name: "orderflowCapacityMeter" },
  );
  return meter;
}

/** Splits SQS requests by queue type, which SQS prices differently. */
function countSqsByQueueType(client: SQSClient): { fifo: number; standard: number; driverOnly: number } {
  const counts = { fifo: 0, standard: 0, driverOnly: 0 };
  const stack = client.middlewareStack as unknown as {
    add(
      middleware: (
        next: (args: { input: { QueueUrl?: string } }) => Promise<unknown>,
        context: { commandName?: string },
      ) => (args: { input: { QueueUrl?: string } }) => Promise<unknown>,
      options: { step: "initialize"; name: string },
    ): void;
  };
  stack.add(
    (next, context) => (args) => {
      if (context.commandName === "GetQueueAttributesCommand") counts.driverOnly++;
      else if (args.input.QueueUrl?.endsWith(".fifo")) counts.fifo++;
      else counts.standard++;
      return next(args);
    },
    { step: "initialize", name: "orderflowSqsQueueTypeCounter" },
  );
  return counts;
}

/** An EventBridgeClient whose PutEvents is answered in memory: counted, then forwarded to `target()`. */
function forwardingEventBridge(target: () => InMemoryEventBus) {
  const client = new EventBridgeClient({
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
  const mock = mockClient(client);
  const counts = { calls: 0, entries: 0 };
  mock.on(PutEventsCommand).callsFake(async (input: PutEventsCommandInput) => {
    const entries = input.Entries ?? [];
    counts.calls++;
    counts.entries += entries.length;
    await target().publish(entries.map((entry) => JSON.parse(entry.Detail ?? "{}") as OrderflowEvent));
    return {
      FailedEntryCount: 0,
      Entries: entries.map((_, i) => ({ EventId: `event-${counts.calls}-${i}` })),
    };
  });
  return { client, mock, counts };
}

const snapshot = (count: RequestCount) => ({ ...count.byCommand });

export interface AwsRequestBenchResult {
  readonly orders: number;
  /** Requests per order by `Service API`, split by stage. */
  readonly requests: readonly { api: string; placeOrder: number; pipeline: number; perOrder: number }[];
  readonly batchCalls: readonly {
    messages: number;
    expected: number;
    sendMessageBatch: number;
    putEvents: number;
  }[];
  readonly costPerMillionOrders: Readonly<Record<string, number>>;
  readonly totalCostPerMillionOrders: number;
}

/** Runs the hot path for `orders` orders (and the batch checks) on emulators, prints the tables, returns the figures. */
export async function runAwsRequestBench(
  orders = Number(process.env.BENCH_AWS_ORDERS ?? 200),
): Promise<AwsRequestBenchResult> {
  const started = performance.now();
  let forwardTo: InMemoryEventBus | undefined;
  const eventBridge = forwardingEventBridge(() => forwardTo!);
  const pipeline = await startAwsPipeline({
    products: PRODUCTS,
    flow: {
      logger: new NullLogger(),
      eventBus: new EventBridgeEventBus({ client: eventBridge.client, eventBusName: "orderflow" }),
    },
  });
  const { flow } = pipeline;
  forwardTo = flow.bus;
  let requests: AwsRequestBenchResult["requests"];
  let cost: Record<string, number>;
  try {
    const dynamo = countRequests(pipeline.dynamoDb);
    const sqs = countRequests(pipeline.sqs);
    const sqsTypes = countSqsByQueueType(pipeline.sqs);
    const capacity = meterCapacity(pipeline.dynamoDb, "orders");

    for (let i = 0; i < orders; i++) await flow.api.placeOrder(orderBody(i, "bench"));
    const afterApi = { dynamo: snapshot(dynamo), sqs: snapshot(sqs), putEvents: eventBridge.counts.calls };
    const report = await flow.drain();
    const afterPipeline = {
      dynamo: snapshot(dynamo),
      sqs: snapshot(sqs),
      putEvents: eventBridge.counts.calls,
    };
    const sqsTypesAtEnd = { ...sqsTypes };
    const capacityAtEnd = { ...capacity };
    const entriesAtEnd = eventBridge.counts.entries;

    for (let i = 0; i < orders; i++) {
      const status = (await flow.api.getOrder(`bench-${i}`)).status;
      if (status !== "CONFIRMED") throw new Error(`bench-${i} ended ${status}, not CONFIRMED`);
    }

    const rows: { api: string; placeOrder: number; pipeline: number; perOrder: number }[] = [];
    const addRows = (service: string, api: Record<string, number>, all: Record<string, number>) => {
      for (const name of Object.keys(all).sort()) {
        const first = api[name] ?? 0;
        const total = all[name] ?? 0;
        rows.push({
          api: `${service} ${name}`,
          placeOrder: first / orders,
          pipeline: (total - first) / orders,
          perOrder: total / orders,
        });
      }
    };
    addRows("DynamoDB", afterApi.dynamo, afterPipeline.dynamo);
    addRows("SQS", afterApi.sqs, afterPipeline.sqs);
    addRows("EventBridge", { PutEvents: afterApi.putEvents }, { PutEvents: afterPipeline.putEvents });
    rows.push({
      api: "Lambda invocations (API + consumer batches)",
      placeOrder: 1,
      pipeline: report.batches / orders,
      perOrder: 1 + report.batches / orders,
    });
    requests = rows;

    const perOrder = (n: number) => n / orders;
    cost = {
      "DynamoDB writes (table)": perOrder(capacityAtEnd.writeUnits) * PRICES.dynamoDbWriteRequestUnit,
      "DynamoDB writes (GSIs, estimated)":
        perOrder(capacityAtEnd.indexWriteUnits) * PRICES.dynamoDbWriteRequestUnit,
      "DynamoDB reads": perOrder(capacityAtEnd.readUnits) * PRICES.dynamoDbReadRequestUnit,
      "SQS FIFO requests": perOrder(sqsTypesAtEnd.fifo) * PRICES.sqsFifoRequest,
      "SQS standard requests": perOrder(sqsTypesAtEnd.standard) * PRICES.sqsStandardRequest,
      "EventBridge events": perOrder(entriesAtEnd) * PRICES.eventBridgeCustomEvent,
      "Lambda requests": (1 + perOrder(report.batches)) * PRICES.lambdaRequest,
    };

    console.log(`\n## AWS requests per order on the hot path (${orders} orders, API → CONFIRMED, emulators)`);
    console.table(
      rows.map((r) => ({
        "service and API": r.api,
        "placeOrder /order": round(r.placeOrder),
        "pipeline /order": round(r.pipeline),
        "total /order": round(r.perOrder),
      })),
    );
    console.log(
      `DynamoDB request units per order: ${round(perOrder(capacityAtEnd.writeUnits))} WRU (table) + ` +
        `${round(perOrder(capacityAtEnd.indexWriteUnits))} WRU (GSIs, estimated) and ${round(perOrder(capacityAtEnd.readUnits))} RRU; ` +
        `EventBridge entries per order: ${round(perOrder(entriesAtEnd))} in ${round(perOrder(afterPipeline.putEvents))} PutEvents calls; ` +
        `SQS requests per order: ${round(perOrder(sqsTypesAtEnd.fifo))} FIFO, ${round(perOrder(sqsTypesAtEnd.standard))} standard ` +
        `(+${round(perOrder(sqsTypesAtEnd.driverOnly))} GetQueueAttributes by the emulator driver, not counted).`,
    );
  } finally {
    await pipeline.stop();
  }

  const batchCalls = await measureBatchCalls();
  console.log("\n## Batch calls for n messages or events: ⌈n/10⌉");
  console.table(
    batchCalls.map((b) => ({
      n: b.messages,
      "⌈n/10⌉": b.expected,
      "SqsCommandQueue.send → SendMessageBatch": b.sendMessageBatch,
      "EventBridgeEventBus.publish → PutEvents": b.putEvents,
    })),
  );

  const total = Object.values(cost).reduce((a, b) => a + b, 0);
  console.log("\n## Cost per million orders at us-east-1 list prices (requests only)");
  console.table(Object.entries(cost).map(([item, usd]) => ({ item, "$ per million orders": round(usd, 2) })));
  console.log(
    `total: $${total.toFixed(2)} per million orders. Prices (per million): DynamoDB on-demand $0.625 per write request unit, ` +
      `$0.125 per read request unit; SQS $0.40 standard, $0.50 FIFO per request (64 KB chunks); EventBridge $1.00 per custom event ` +
      `(64 KB chunks); Lambda $0.20 per request. Left out: Lambda duration (GB-seconds), API Gateway, DynamoDB storage and ` +
      `streams, CloudWatch logs and alarms, KMS, data transfer, free tiers. (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  return { orders, requests, batchCalls, costPerMillionOrders: cost, totalCostPerMillionOrders: total };
}

/** SendMessageBatch calls of SqsCommandQueue.send (on the emulator) and PutEvents calls of EventBridgeEventBus.publish for n items. */
async function measureBatchCalls() {
  const sqs = await startSqs();
  try {
    const counted = countRequests(sqs.client);
    const standard = new SqsCommandQueue({
      client: sqs.client,
      queueUrl: await sqs.createQueue("batch-check"),
    });
    const fifo = new SqsCommandQueue({
      client: sqs.client,
      queueUrl: await sqs.createQueue("batch-check.fifo"),
    });
    const eventBridge = new EventBridgeClient({
      region: "us-east-1",
      credentials: { accessKeyId: "x", secretAccessKey: "x" },
    });
    const mock = mockClient(eventBridge);
    mock.on(PutEventsCommand).callsFake((input: PutEventsCommandInput) => ({
      FailedEntryCount: 0,
      Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `e-${i}` })),
    }));
    const bus = new EventBridgeEventBus({ client: eventBridge, eventBusName: "orderflow" });
    const rows = [];
    for (const n of [1, 10, 11, 25, 100]) {
      const before = counted.byCommand.SendMessageBatch ?? 0;
      const messages = Array.from({ length: n }, (_, i) => ({ id: `m${i}`, body: `message ${i}` }));
      await standard.send(messages);
      const standardCalls = (counted.byCommand.SendMessageBatch ?? 0) - before;
      // FIFO: one order per message (distinct groups), as the intake queue sees them.
      await fifo.send(
        messages.map((m, i) => ({ ...m, groupId: `order-${n}-${i}`, deduplicationId: `d-${n}-${i}` })),
      );
      const fifoCalls = (counted.byCommand.SendMessageBatch ?? 0) - before - standardCalls;
      if (fifoCalls !== standardCalls)
        throw new Error(`FIFO made ${fifoCalls} calls for ${n} messages, standard ${standardCalls}`);
      const putBefore = mock.commandCalls(PutEventsCommand).length;
      await bus.publish(Array.from({ length: n }, (_, i) => benchEvent(`${n}-${i}`)));
      rows.push({
        messages: n,
        expected: Math.ceil(n / 10),
        sendMessageBatch: standardCalls,
        putEvents: mock.commandCalls(PutEventsCommand).length - putBefore,
      });
    }
    return rows;
  } finally {
    await sqs.stop();
  }
}

function benchEvent(id: string): OrderflowEvent {
  return {
    id: `order-${id}:1:0`,
    type: "OrderValidated",
    schemaVersion: 1,
    occurredAt: "2026-01-01T00:00:00.000Z",
    orderId: `order-${id}`,
    orderVersion: 1,
    correlationId: "bench",
    causationId: "bench",
    data: {},
  } as unknown as OrderflowEvent;
}

function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runAwsRequestBench();
}
