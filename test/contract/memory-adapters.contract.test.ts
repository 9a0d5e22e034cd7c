import { describe, expect, it } from "vitest";
import { InMemoryEventBus } from "../../src/adapters/memory/in-memory-event-bus.js";
import { InMemoryOrderWorkflows } from "../../src/adapters/memory/in-memory-order-workflows.js";
import { InMemoryQueue } from "../../src/adapters/memory/in-memory-queue.js";
import { InMemoryStoreSettings } from "../../src/adapters/memory/in-memory-store-settings.js";
import { InMemoryTaskTokenStore } from "../../src/adapters/memory/in-memory-task-token-store.js";
import { InMemoryTopic } from "../../src/adapters/memory/in-memory-topic.js";
import { LogNotificationChannel } from "../../src/adapters/system/log-notification-channel.js";
import { RandomIdGenerator } from "../../src/adapters/system/random-id-generator.js";
import { SystemClock } from "../../src/adapters/system/system-clock.js";
import {
  DEMO_CATALOG,
  InMemoryFileHistory,
  InMemoryIdempotencyStore,
  InMemoryLogger,
  InMemoryMetricsStore,
  InMemoryNotificationPublisher,
  InMemoryNotificationStore,
  InMemoryObjectStore,
  InMemoryOrderRepository,
  InMemoryProductCatalog,
  ManualClock,
  NullLogger,
  ScriptedPaymentGateway,
  SequentialIdGenerator,
} from "../../src/memory.js";
import type { Alert } from "../../src/ports/alert-publisher.js";
import { ServiceUnavailableError } from "../../src/ports/errors.js";
import type { AcceptedNotification } from "../../src/ports/notification-publisher.js";
import type { ObjectInfo } from "../../src/ports/object-store.js";
import {
  aNotification,
  anOrder,
  describeAlertPublisherContract,
  describeClockContract,
  describeCommandQueueContract,
  describeEventBusContract,
  describeFileHistoryContract,
  describeIdempotencyStoreContract,
  describeIdGeneratorContract,
  describeMetricsStoreContract,
  describeNotificationChannelContract,
  describeNotificationPublisherContract,
  describeNotificationStoreContract,
  describeObjectStoreContract,
  describeOrderRepositoryContract,
  describeOrderWorkflowsContract,
  describePaymentGatewayContract,
  describeProductCatalogContract,
  describeStoreSettingsContract,
  describeTaskTokenStoreContract,
  type ReceivedQueueMessage,
} from "../../src/testing.js";

/** Receives and deletes everything a queue would hand out now. */
function drain(queue: InMemoryQueue): ReceivedQueueMessage[] {
  const all: ReceivedQueueMessage[] = [];
  for (;;) {
    const batch = queue.receive({ max: 10 });
    if (batch.length === 0) return all;
    for (const message of batch) {
      all.push(message);
      queue.delete(message.receiptHandle);
    }
  }
}

describeOrderRepositoryContract("InMemoryOrderRepository", () => ({
  repository: new InMemoryOrderRepository(),
}));

for (const fifo of [false, true]) {
  describeCommandQueueContract(`InMemoryQueue (${fifo ? "FIFO" : "standard"})`, () => {
    const queue = new InMemoryQueue({
      name: fifo ? "intake.fifo" : "file-extraction",
      fifo,
      clock: new ManualClock(),
    });
    return { queue, fifo, receiveAll: async () => drain(queue) };
  });
}

describeEventBusContract("InMemoryEventBus", () => {
  const bus = new InMemoryEventBus({ clock: new ManualClock() });
  return { bus, published: async () => bus.events() };
});

describeAlertPublisherContract("InMemoryTopic", () => {
  const topic = new InMemoryTopic({ name: "alerts", clock: new ManualClock() });
  return {
    publisher: topic,
    published: async () => topic.published.map((m) => JSON.parse(m.message) as Alert),
  };
});

describeObjectStoreContract("InMemoryObjectStore", () => ({ store: new InMemoryObjectStore() }));
describeFileHistoryContract("InMemoryFileHistory", () => ({ history: new InMemoryFileHistory() }));
describeIdempotencyStoreContract("InMemoryIdempotencyStore", () => ({
  store: new InMemoryIdempotencyStore(),
}));
describeMetricsStoreContract("InMemoryMetricsStore", () => ({ store: new InMemoryMetricsStore() }));

describeNotificationStoreContract("InMemoryNotificationStore", () => ({
  store: new InMemoryNotificationStore(),
}));
describeNotificationChannelContract("LogNotificationChannel", () => {
  const logger = new InMemoryLogger();
  return {
    channel: new LogNotificationChannel(logger),
    delivered: async () => logger.entries.map((entry) => String(entry.fields.notificationId)),
  };
});
describeNotificationPublisherContract("InMemoryNotificationPublisher", () => {
  const topic = new InMemoryTopic({ name: "notifications", clock: new ManualClock() });
  return {
    publisher: new InMemoryNotificationPublisher(topic),
    published: async () =>
      topic.published.map((m) => ({
        notification: JSON.parse(m.message) as AcceptedNotification,
        priority: String(m.attributes.priority),
      })),
  };
});
describeStoreSettingsContract("InMemoryStoreSettings", () => ({ settings: new InMemoryStoreSettings() }));
describeTaskTokenStoreContract("InMemoryTaskTokenStore", () => {
  const clock = new ManualClock();
  return { store: new InMemoryTaskTokenStore(clock), clock };
});
describePaymentGatewayContract("ScriptedPaymentGateway", () => ({ gateway: new ScriptedPaymentGateway() }));
describeProductCatalogContract("InMemoryProductCatalog", (products) => ({
  catalog: new InMemoryProductCatalog(products),
}));
describeIdGeneratorContract("RandomIdGenerator", () => new RandomIdGenerator());
describeIdGeneratorContract("SequentialIdGenerator", () => new SequentialIdGenerator());
describeIdGeneratorContract("SequentialIdGenerator (order-)", () => new SequentialIdGenerator("order-"));
describeClockContract("SystemClock", () => new SystemClock());
describeClockContract("ManualClock", () => new ManualClock());

// What the in-memory adapters offer beyond their ports.
describe("in-memory adapters beyond the ports", () => {
  it("InMemoryNotificationPublisher puts each notification on exactly the queue whose filter policy names its priority", async () => {
    const clock = new ManualClock();
    const topic = new InMemoryTopic({ name: "notifications", clock });
    const queues = Object.fromEntries(
      (["high", "medium", "low"] as const).map((priority) => {
        const queue = new InMemoryQueue({ name: `notifications-${priority}`, clock });
        topic.subscribe({
          name: priority,
          target: queue,
          filterPolicy: { priority: [priority] },
          rawMessageDelivery: true,
          deadLetterQueue: new InMemoryQueue({ name: `notifications-${priority}-dlq`, clock }),
        });
        return [priority, queue];
      }),
    ) as Record<"high" | "medium" | "low", InMemoryQueue>;
    const publisher = new InMemoryNotificationPublisher(topic);
    const notifications = [
      aNotification({ priority: "low" }),
      aNotification({ priority: "high" }),
      aNotification({ priority: "high" }),
    ].map(({ status: _status, channel: _channel, ...accepted }) => accepted);

    await publisher.publish(notifications);

    const idsOn = (queue: InMemoryQueue) =>
      drain(queue).map((m) => (JSON.parse(m.body) as AcceptedNotification).notificationId);
    expect(idsOn(queues.high)).toEqual([notifications[1]!.notificationId, notifications[2]!.notificationId]);
    expect(idsOn(queues.medium)).toEqual([]);
    expect(idsOn(queues.low)).toEqual([notifications[0]!.notificationId]);
  });

  it("LogNotificationChannel writes one structured line per delivery", async () => {
    const logger = new InMemoryLogger({ service: "notifier" });
    const notification = aNotification({ priority: "high", orderId: "o-1" });

    await new LogNotificationChannel(logger).deliver(notification);

    expect(logger.entries).toEqual([
      {
        level: "info",
        message: "notification delivered",
        fields: {
          service: "notifier",
          channel: "log",
          notificationId: notification.notificationId,
          userId: notification.userId,
          priority: "high",
          message: notification.message,
          orderId: "o-1",
        },
      },
    ]);
  });

  it("InMemoryOrderRepository stores frozen state: changing a loaded order throws and changes nothing", async () => {
    const repository = new InMemoryOrderRepository();
    const order = anOrder();
    await repository.save(order, 0);

    const loaded = (await repository.get(order.id))!;
    expect(() => {
      (loaded.outbox as unknown[]).length = 0;
    }).toThrow(TypeError);
    expect(() => {
      (loaded.order.snapshot().items as unknown[]).length = 0;
    }).toThrow(TypeError);

    const again = (await repository.get(order.id))!;
    expect(again.outbox).toHaveLength(1);
    expect(again.order.items).toHaveLength(2);
    expect(repository.pending()).toEqual([{ orderId: order.id, events: again.outbox }]);
  });

  it("InMemoryObjectStore calls its put listeners like S3 event notifications, with S3-style ETags", async () => {
    const seen: ObjectInfo[] = [];
    const store = new InMemoryObjectStore({ clock: new ManualClock(), onPut: (info) => seen.push(info) });
    const stop = store.onPut((info) => seen.push({ ...info, key: `second:${info.key}` }));

    const { etag } = await store.put("incoming/a.json", "hello", { metadata: { Source: "api" } });
    stop();
    await store.copy("incoming/a.json", "processed/a.json");

    expect(etag).toBe('"5d41402abc4b2a76b9719d911017c592"');
    expect(seen.map((info) => info.key)).toEqual([
      "incoming/a.json",
      "second:incoming/a.json",
      "processed/a.json",
    ]);
    expect(seen[0]).toMatchObject({ size: 5, etag, metadata: { source: "api" } });
    expect(seen[0]!.lastModified.toISOString()).toBe("2030-01-15T10:00:00.000Z");
  });

  it("InMemoryObjectStore streams in 64 KiB chunks", async () => {
    const store = new InMemoryObjectStore();
    await store.put("big", new Uint8Array(200 * 1024));
    const sizes: number[] = [];
    for await (const chunk of (await store.get("big"))!.body) sizes.push(chunk.byteLength);
    expect(sizes).toEqual([65_536, 65_536, 65_536, 8_192]);
  });

  it("ScriptedPaymentGateway plays the script per order; answered keys consume nothing, failures are not remembered", async () => {
    const payments = new ScriptedPaymentGateway();
    const outage = new ServiceUnavailableError("payments");
    payments.script("o-1", { fail: outage }, { decline: "insufficient funds" }, "SUCCEED");
    const request = { orderId: "o-1", amount: 1000, currency: "BRL", idempotencyKey: "k-1" };

    await expect(payments.charge(request)).rejects.toBe(outage);
    const declined = await payments.charge(request);
    const same = await payments.charge(request);
    const approved = await payments.charge({ ...request, idempotencyKey: "k-2" });
    const other = await payments.charge({ ...request, orderId: "o-2", idempotencyKey: "k-3" });

    expect(declined).toEqual({ status: "DECLINED", reason: "insufficient funds" });
    expect(same).toEqual(declined);
    expect(approved).toEqual({ status: "SUCCEEDED", paymentId: "pay-000001" });
    expect(other).toEqual({ status: "SUCCEEDED", paymentId: "pay-000002" });
    expect(payments.charges.map((c) => c.request.idempotencyKey)).toEqual(["k-1", "k-2", "k-3"]);
    expect(payments.succeededCharges).toHaveLength(2);

    const refund = {
      orderId: "o-1",
      paymentId: "pay-000001",
      amount: 1000,
      currency: "BRL",
      idempotencyKey: "r-1",
    };
    expect(await payments.refund(refund)).toEqual(await payments.refund(refund));
    expect(payments.refunds).toHaveLength(1);
  });

  it("ScriptedPaymentGateway plays refund scripts per order, and refuses more than a payment took", async () => {
    const payments = new ScriptedPaymentGateway();
    const charged = await payments.charge({
      orderId: "o-1",
      amount: 1000,
      currency: "BRL",
      idempotencyKey: "k-1",
    });
    if (charged.status !== "SUCCEEDED") throw new Error("the default outcome approves");
    const outage = new ServiceUnavailableError("payments");
    payments.scriptRefund("o-1", { fail: outage }, { refuse: "payment disputed" });
    const refund = {
      orderId: "o-1",
      paymentId: charged.paymentId,
      amount: 1000,
      currency: "BRL",
      idempotencyKey: "r-1",
    };

    await expect(payments.refund(refund)).rejects.toBe(outage);
    await expect(payments.refund(refund)).rejects.toMatchObject({
      code: "REFUND_REFUSED",
      reason: "payment disputed",
    });
    expect(payments.refunds).toHaveLength(0);
    await expect(payments.refund({ ...refund, amount: 1001 })).rejects.toMatchObject({
      code: "REFUND_REFUSED",
    });
    await expect(payments.refund({ ...refund, paymentId: "pay-unknown" })).rejects.toMatchObject({
      code: "REFUND_REFUSED",
    });
    const issued = await payments.refund(refund);
    expect(await payments.refund(refund)).toEqual(issued);
    expect(payments.refunds).toEqual([{ request: refund, refundId: issued.refundId }]);
  });

  it("ScriptedPaymentGateway declines everything unscripted when told to", async () => {
    const payments = new ScriptedPaymentGateway({ defaultOutcome: "DECLINE" });
    const result = await payments.charge({ orderId: "o", amount: 1, currency: "BRL", idempotencyKey: "k" });
    expect(result).toEqual({ status: "DECLINED", reason: "card declined" });
  });

  it("InMemoryProductCatalog changes stock and products, and ships a demo catalog", async () => {
    const catalog = new InMemoryProductCatalog(DEMO_CATALOG);
    const sku = DEMO_CATALOG[0]!.sku;

    catalog.setStock(sku, 3);
    catalog.upsert({ sku: "NEW-1", unitPrice: 100, currency: "BRL", stock: 1 });

    expect((await catalog.getProducts([sku])).get(sku)!.stock).toBe(3);
    expect(DEMO_CATALOG[0]!.stock).toBe(120);
    expect(await catalog.listProducts()).toHaveLength(DEMO_CATALOG.length + 1);
    expect(() => catalog.setStock("NOPE", 1)).toThrow(RangeError);
    expect(DEMO_CATALOG.every((p) => p.currency === "BRL" && Number.isInteger(p.unitPrice))).toBe(true);
  });

  it("ManualClock moves only when told to", () => {
    const clock = new ManualClock(new Date("2030-01-01T00:00:00.000Z"));
    clock.advance(1_500);
    expect(clock.now().toISOString()).toBe("2030-01-01T00:00:01.500Z");
    clock.set(new Date("2029-12-31T00:00:00.000Z"));
    expect(clock.now().toISOString()).toBe("2029-12-31T00:00:00.000Z");
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });

  it("SequentialIdGenerator counts from 1 with its prefix", () => {
    const ids = new SequentialIdGenerator();
    expect([ids.next(), ids.next()]).toEqual(["id-000001", "id-000002"]);
    expect(new SequentialIdGenerator("cmd_").next()).toBe("cmd_000001");
    expect(() => new SequentialIdGenerator("bad prefix")).toThrow(RangeError);
  });

  it("InMemoryLogger records lines with the fields of its children; NullLogger records nothing", () => {
    const logger = new InMemoryLogger({ service: "test" });
    logger.child({ orderId: "o-1" }).warn("payment declined", { reason: "no funds" });
    logger.info("started");

    expect(logger.entries).toEqual([
      {
        level: "warn",
        message: "payment declined",
        fields: { service: "test", orderId: "o-1", reason: "no funds" },
      },
      { level: "info", message: "started", fields: { service: "test" } },
    ]);
    expect(logger.at("warn")).toHaveLength(1);
    const silent = new NullLogger();
    silent.child({ a: 1 }).error("ignored");
    expect(silent.child({})).toBe(silent);
  });
});

describe("InMemoryObjectStore refuses the keys S3 refuses", () => {
  it.each([
    ["an empty key", ""],
    ["an unpaired surrogate (no UTF-8 for it)", "incoming/lone\ud800.jsonl"],
    ["a key over 1,024 bytes of UTF-8", `incoming/${"é".repeat(508)}`],
  ])("%s", async (_what, key) => {
    const store = new InMemoryObjectStore();
    await expect(store.put(key, "x")).rejects.toMatchObject({ code: "INVALID_OBJECT_KEY" });
    expect(store.keys()).toEqual([]);
  });

  it("takes any other key, up to 1,024 bytes", async () => {
    const store = new InMemoryObjectStore();
    for (const key of [`incoming/${"é".repeat(507)}`, "incoming/\ufffe\uffff\u0001 +%.jsonl"])
      await store.put(key, "x");
    expect(store.keys()).toHaveLength(2);
  });
});

describeOrderWorkflowsContract("InMemoryOrderWorkflows", () => {
  const workflows = new InMemoryOrderWorkflows();
  return {
    workflows,
    executionsOf: async (orderId) => (workflows.executions.has(orderId) ? 1 : 0),
    waitingToken: async (orderId) => {
      await workflows.start(orderId, "corr");
      return workflows.beginWait(orderId);
    },
  };
});
