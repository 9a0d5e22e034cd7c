/**
 * AWS requests per notification on the hot path, counted on the real adapters:
 * `POST /notifications` (AcceptNotification: publish, then the ACCEPTED
 * record) and the consumer of the priority queues (StoreAndDeliverNotification
 * with the log channel), the store on DynamoDB (dynalite, request units as it
 * reports them, index writes estimated), SNS through aws-sdk-client-mock (no
 * emulator: each call and entry counted). SQS polling and Lambda invocations
 * are what the event source mapping does for full batches of 10 (0.1 of each
 * per notification); SNS's deliveries to SQS are not charged. Then a burst of
 * lifecycle notifications, to count what PublishBatch saves.
 */
import { PublishBatchCommand, type PublishBatchCommandInput, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { DynamoDbNotificationStore } from "../src/adapters/aws/dynamodb-notification-store.js";
import { createTables } from "../src/adapters/aws/dynamodb-tables.js";
import { SnsNotificationPublisher } from "../src/adapters/aws/sns-notification-publisher.js";
import type { OrderEvent } from "../src/domain/events.js";
import { AcceptedNotificationSchema } from "../src/domain/schemas.js";
import { AcceptNotification } from "../src/domain/use-cases/accept-notification.js";
import { NotifyOrderCustomers } from "../src/domain/use-cases/notify-order-customers.js";
import { StoreAndDeliverNotification } from "../src/domain/use-cases/store-and-deliver-notification.js";
import { LogNotificationChannel, RandomIdGenerator, SystemClock } from "../src/index.js";
import { NullLogger } from "../src/memory.js";
import { startDynalite } from "../test/support/dynalite.js";
import { countRequests } from "../test/support/request-counter.js";
import { PRICES } from "./aws-requests.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:orderflow-notifications";
const SNS_PUBLISH_PRICE = 0.5; // USD per million requests (64 KB chunks; a PublishBatch of small messages is one)

/** An SNS client answered in memory: every PublishBatch call and entry counted, the messages kept. */
function countingSns() {
  const client = new SNSClient({
    region: "us-east-1",
    credentials: { accessKeyId: "x", secretAccessKey: "x" },
  });
  const counts = { calls: 0, entries: 0, messages: [] as string[] };
  mockClient(client)
    .on(PublishBatchCommand)
    .callsFake((input: PublishBatchCommandInput) => {
      const entries = input.PublishBatchRequestEntries ?? [];
      counts.calls++;
      counts.entries += entries.length;
      counts.messages.push(...entries.map((e) => e.Message ?? ""));
      return { Successful: entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })), Failed: [] };
    });
  return { client, counts };
}

/** Request units as dynalite reports them (the base table only), split into reads and writes. */
function meterUnits(store: { readonly middlewareStack: unknown }) {
  const units = { read: 0, write: 0 };
  const stack = store.middlewareStack as {
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
      const result = await next(args).catch((error: { $response?: unknown; name?: string }) => {
        // A refused conditional write still consumes a write unit.
        if (error.name === "ConditionalCheckFailedException") units.write += 1;
        throw error;
      });
      const consumed = result.output.ConsumedCapacity as
        | { CapacityUnits?: number }
        | { CapacityUnits?: number }[];
      const total = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
        (sum, c) => sum + (c.CapacityUnits ?? 0),
        0,
      );
      if (/^(Get|BatchGet|Query|Scan)/.test(context.commandName ?? "")) units.read += total;
      else units.write += total;
      return result;
    },
    { step: "initialize", name: "orderflowNotificationUnits" },
  );
  return units;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

export async function runNotificationRequestBench(count = Number(process.env.BENCH_NOTIFICATIONS ?? 200)) {
  const dynamo = await startDynalite();
  try {
    await createTables(dynamo.client, { notifications: "notifications" });
    const requests = countRequests(dynamo.client);
    const units = meterUnits(dynamo.client);
    const sns = countingSns();
    const store = new DynamoDbNotificationStore({ client: dynamo.client, tableName: "notifications" });
    const clock = new SystemClock();
    const channel = new LogNotificationChannel(new NullLogger());
    const accept = new AcceptNotification({
      publisher: new SnsNotificationPublisher({ client: sns.client, topicArn: TOPIC }),
      store,
      clock,
      ids: new RandomIdGenerator(),
    });
    const deliver = new StoreAndDeliverNotification({ store, channel, clock });

    for (let i = 0; i < count; i++) {
      await accept.execute({
        userId: `user-${i % 50}`,
        message: `Your parcel ${i} left`,
        priority: "medium",
      });
    }
    const api = { ...requests.byCommand };
    const apiUnits = { ...units };
    for (const message of sns.counts.messages) {
      const outcome = await deliver.execute(AcceptedNotificationSchema.parse(JSON.parse(message)));
      if (outcome.outcome !== "DELIVERED") throw new Error(`a notification ended ${outcome.outcome}`);
    }
    const all = { ...requests.byCommand };
    const per = (n: number) => n / count;

    const rows = Object.keys(all)
      .sort()
      .map((name) => ({
        "service and API": `DynamoDB ${name}`,
        "API /notification": round(per(api[name] ?? 0)),
        "consumer /notification": round(per((all[name] ?? 0) - (api[name] ?? 0))),
      }));
    rows.push(
      {
        "service and API": "SNS PublishBatch (1 entry)",
        "API /notification": 1,
        "consumer /notification": 0,
      },
      {
        "service and API": "SQS ReceiveMessage + DeleteMessageBatch (batches of 10)",
        "API /notification": 0,
        "consumer /notification": 0.2,
      },
      {
        "service and API": "Lambda invocations (API + consumer batches of 10)",
        "API /notification": 1,
        "consumer /notification": 0.1,
      },
    );
    console.log(
      `\n## AWS requests per notification on the hot path (${count} notifications, POST → DELIVERED)`,
    );
    console.table(rows);

    // Two index entries per created notification (byUser, byPriority: keys only, far below 1 KB), none per status change.
    const created = count;
    const cost = {
      "DynamoDB writes (table)": per(units.write) * PRICES.dynamoDbWriteRequestUnit,
      "DynamoDB writes (GSIs, estimated)": per(created * 2) * PRICES.dynamoDbWriteRequestUnit,
      "DynamoDB reads": per(units.read) * PRICES.dynamoDbReadRequestUnit,
      "SNS publishes": 1 * SNS_PUBLISH_PRICE,
      "SQS standard requests": 0.2 * PRICES.sqsStandardRequest,
      "Lambda requests": 1.1 * PRICES.lambdaRequest,
    };
    const total = Object.values(cost).reduce((a, b) => a + b, 0);
    console.log(
      `DynamoDB request units per notification: API ${round(per(apiUnits.write))} WRU + ${round(per(apiUnits.read))} RRU, ` +
        `consumer ${round(per(units.write - apiUnits.write))} WRU + ${round(per(units.read - apiUnits.read))} RRU (table), ` +
        "+2 WRU for the two keys-only index entries of each new notification (estimated).",
    );

    // A burst of order outcomes: one PublishBatch per ten.
    const burst = 25;
    const before = sns.counts.calls;
    const orders = { get: async () => ({ order: { snapshot: () => ({ customerId: "c-1" }) } }) };
    const notify = new NotifyOrderCustomers({
      orders: orders as never,
      publisher: new SnsNotificationPublisher({ client: sns.client, topicArn: TOPIC }),
    });
    const events = Array.from(
      { length: burst },
      (_, i): OrderEvent => ({
        id: `o-${i}:5:0`,
        type: "OrderConfirmed",
        schemaVersion: 1,
        occurredAt: new Date().toISOString(),
        orderId: `o-${i}`,
        orderVersion: 5,
        correlationId: "c",
        causationId: "c",
        data: { total: 1000, currency: "BRL" },
      }),
    );
    for (let i = 0; i < burst; i += 10) await notify.execute(events.slice(i, i + 10));
    console.log(
      `Lifecycle burst: ${burst} order outcomes in batches of 10 → ${sns.counts.calls - before} PublishBatch calls ` +
        `(one per batch; $${round((SNS_PUBLISH_PRICE * (sns.counts.calls - before)) / burst, 3)} per million notifications ` +
        `instead of $${SNS_PUBLISH_PRICE} with one Publish each), plus 1 GetItem on the orders table each for the customer.`,
    );

    console.log("\n## Cost per million notifications at us-east-1 list prices (requests only)");
    console.table(
      Object.entries(cost).map(([item, usd]) => ({ item, "$ per million notifications": round(usd, 2) })),
    );
    console.log(
      `total: $${total.toFixed(2)} per million notifications (POST → DELIVERED, log channel). SNS $0.50 per million ` +
        "publish requests (64 KB chunks), deliveries to SQS free; the rest as for orders. Left out: API Gateway, Lambda " +
        "duration, storage, CloudWatch, the e-mail channel's own SNS charges.",
    );
    return { perNotification: { api, all, count }, cost, total };
  } finally {
    await dynamo.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runNotificationRequestBench();
