import { describe, expect, it } from "vitest";
import { RecordOrderMetrics } from "../../../../src/domain/use-cases/record-order-metrics.js";
import { recordMetricsConsumer } from "../../../../src/entrypoints/consumers/metrics-consumers.js";
import {
  InMemoryLogger,
  InMemoryMetricsStore,
  InMemoryOrderRepository,
  InMemoryTopic,
  ManualClock,
} from "../../../../src/memory.js";
import { anOrder } from "../../../../src/ports/contracts/order-mother.js";
import { ServiceUnavailableError } from "../../../../src/ports/errors.js";
import type { MetricsStore } from "../../../../src/ports/metrics-store.js";

const clock = new ManualClock(new Date("2030-01-15T10:00:00.000Z"));

function busRecord(messageId: string, detail: Record<string, unknown>) {
  return {
    messageId,
    body: JSON.stringify({
      version: "0",
      id: `eb-${messageId}`,
      "detail-type": detail.type,
      source: "orderflow",
      account: "123456789012",
      time: "2030-01-15T10:00:00Z",
      region: "us-east-1",
      resources: [],
      detail,
    }),
  };
}

const outcome = (orderId: string, type: string, data: unknown, version = 5) => ({
  id: `${orderId}:${version}:0`,
  type,
  schemaVersion: 1,
  occurredAt: "2030-01-15T10:20:00.000Z",
  orderId,
  orderVersion: version,
  correlationId: "corr",
  causationId: "cause",
  data,
});

async function setUp(fail: (eventId: string) => boolean) {
  const orders = new InMemoryOrderRepository();
  const order = anOrder({ orderId: "o-1" });
  await orders.save(order, 0);
  const store = new InMemoryMetricsStore();
  const flaky: MetricsStore = {
    record: (eventId, at, counters) =>
      fail(eventId)
        ? Promise.reject(new ServiceUnavailableError("metrics"))
        : store.record(eventId, at, counters),
    query: (q) => store.query(q),
  };
  const logger = new InMemoryLogger();
  const alerts = new InMemoryTopic({ name: "alerts", clock });
  const consume = recordMetricsConsumer(new RecordOrderMetrics({ orders, metrics: flaky }), {
    logger,
    alerts,
    clock,
  });
  return { consume, store, alerts };
}

describe("the record-metrics consumer", () => {
  it("fails only the records whose counters could not be stored; their retry counts them once", async () => {
    let failing = true;
    const { consume, store } = await setUp((id) => failing && id === "o-1:6:0");
    const batch = [
      busRecord("m-1", outcome("o-1", "OrderConfirmed", { total: 1000, currency: "BRL" })),
      busRecord("m-2", outcome("o-1", "OrderFulfilled", {}, 6)),
      busRecord(
        "m-3",
        outcome("o-2", "OrderRejected", { reasons: [{ path: "x", code: "UNKNOWN_SKU", message: "" }] }),
      ),
    ];

    expect(await consume(batch)).toEqual({ batchItemFailures: [{ itemIdentifier: "m-2" }] });
    failing = false;
    // The queue redelivers the failed record, and, at least once, the others.
    expect(await consume(batch)).toEqual({ batchItemFailures: [] });

    const [day] = await store.query({
      from: "2030-01-15T00:00:00.000Z",
      to: "2030-01-16T00:00:00.000Z",
      granularity: "day",
    });
    expect(day?.counters).toMatchObject({
      "orders.confirmed": 1,
      "orders.fulfilled": 1,
      "orders.rejected": 1,
      "revenue.BRL": 1000,
      "rejectedFor.UNKNOWN_SKU": 1,
    });
  });

  it("reports and acknowledges an event naming no recorded order, and anything that is not an order event", async () => {
    const { consume, alerts } = await setUp(() => false);
    const result = await consume([
      busRecord("m-1", outcome("o-unknown", "OrderConfirmed", { total: 1, currency: "BRL" })),
      { messageId: "m-2", body: "not json" },
      busRecord("m-3", { ...outcome("o-1", "CancellationRequested", {}), type: "CancellationRequested" }),
    ]);

    expect(result).toEqual({ batchItemFailures: [] });
    expect(alerts.published.map((p) => (JSON.parse(p.message) as { kind: string }).kind)).toEqual([
      "MALFORMED_MESSAGE",
      "MALFORMED_MESSAGE",
      "MALFORMED_MESSAGE",
    ]);
  });
});
