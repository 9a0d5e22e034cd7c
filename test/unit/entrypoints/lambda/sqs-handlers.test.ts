import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OrderStatus } from "../../../../src/domain/lifecycle.js";
import type { SqsHandlerName } from "../../../../src/entrypoints/lambda/handler-root.js";
import type { SqsEventRecord } from "../../../../src/entrypoints/lambda/sqs-event.js";
import { ServiceUnavailableError } from "../../../../src/ports/errors.js";
import {
  alerts,
  eventOf,
  type FixtureName,
  fixture,
  harness,
  lambdaContext,
  recordOf,
} from "./lambda-test-kit.js";

const context = lambdaContext();

const validateBody = (orderId: string) =>
  JSON.stringify({
    type: "ValidateOrder",
    orderId,
    commandId: `place-${orderId}`,
    correlationId: `corr-${orderId}`,
  });

const intakeRecord = (messageId: string, orderId: string): SqsEventRecord =>
  recordOf("intake-fifo-event", {
    messageId,
    body: validateBody(orderId),
    attributes: { MessageGroupId: orderId, MessageDeduplicationId: `place-${orderId}` },
  });

describe("SQS handlers on in-memory adapters, fed documented Lambda SQS events", () => {
  it("validate-order validates the order a FIFO record names", async () => {
    const h = harness();
    await h.place("o-fixture-1");
    const result = await h.handler("validate-order")(fixture("intake-fifo-event"), context);

    expect(result).toEqual({ batchItemFailures: [] });
    const stored = await h.adapters.orders.get("o-fixture-1");
    expect(stored?.order.status).toBe(OrderStatus.VALIDATED);
    expect(h.adapters.bus.events().map((event) => event.type)).toEqual(["OrderPlaced", "OrderValidated"]);
  });

  it("process-order confirms a validated order from an EventBridge envelope", async () => {
    const h = harness();
    await h.place("o-fixture-1");
    await h.handler("validate-order")(fixture("intake-fifo-event"), context);
    const result = await h.handler("process-order")(fixture("processing-eventbridge-event"), context);

    expect(result).toEqual({ batchItemFailures: [] });
    expect((await h.adapters.orders.get("o-fixture-1"))?.order.status).toBe(OrderStatus.CONFIRMED);
    expect(h.payments.succeededCharges.map((charge) => charge.request.amount)).toEqual([6980]);
    expect(h.adapters.bus.events("OrderConfirmed")).toHaveLength(1);
  });

  it("cancel-order cancels, modify-order changes the items", async () => {
    const h = harness();
    await h.place("o-fixture-1");
    await h.handler("validate-order")(fixture("intake-fifo-event"), context);
    expect(await h.handler("modify-order")(fixture("modify-eventbridge-event"), context)).toEqual({
      batchItemFailures: [],
    });
    const modified = (await h.adapters.orders.get("o-fixture-1"))!.order.snapshot();
    expect(modified.items.map((item) => item.sku)).toEqual(["CAFE-COADO-500G"]);

    expect(await h.handler("cancel-order")(fixture("cancel-eventbridge-event"), context)).toEqual({
      batchItemFailures: [],
    });
    expect((await h.adapters.orders.get("o-fixture-1"))?.order.status).toBe(OrderStatus.CANCELLED);
    expect(h.adapters.bus.events("OrderCancelled")).toHaveLength(1);
  });

  it("logs JSON lines with the request id, function, order id and correlation id, and no address", async () => {
    const h = harness();
    await h.place("o-fixture-1");
    await h.handler("validate-order")(
      fixture("intake-fifo-event"),
      lambdaContext("req-42", "orderflow-validate-order"),
    );

    const logs = h.logs();
    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs)
      expect(line).toMatchObject({ requestId: "req-42", functionName: "orderflow-validate-order" });
    expect(logs.find((line) => line.message === "order validation: validated")).toMatchObject({
      orderId: "o-fixture-1",
      correlationId: "corr-fixture-1",
    });
    expect(h.lines.join("")).not.toContain("Rua Augusta");
  });

  const foreignBodies: Record<Exclude<SqsHandlerName, "validate-file" | "extract-orders">, FixtureName> = {
    "validate-order": "intake-fifo-event",
    "process-order": "processing-eventbridge-event",
    "start-workflow": "processing-eventbridge-event",
    "release-fulfilment": "fulfilments-eventbridge-event",
    "cancel-order": "cancel-eventbridge-event",
    "modify-order": "modify-eventbridge-event",
    "refund-order": "refunds-eventbridge-event",
    "deliver-notification": "notification-high-raw-event",
    "notify-order": "order-notifications-eventbridge-event",
    "record-metrics": "metrics-eventbridge-event",
  };

  for (const name of Object.keys(foreignBodies) as (keyof typeof foreignBodies)[]) {
    it(`${name} acknowledges a foreign message with an alert (the Lambda guide's example event)`, async () => {
      const h = harness();
      const result = await h.handler(name)(fixture("standard-queue-event"), context);

      expect(result).toEqual({ batchItemFailures: [] });
      expect(alerts(h.adapters).map((alert) => [alert.kind, alert.flow, alert.messageId])).toEqual([
        ["MALFORMED_MESSAGE", name, "059f36b4-87a3-44ab-83d2-661975830a7d"],
        ["MALFORMED_MESSAGE", name, "2e1424d4-f796-459a-8184-9c92662be6da"],
      ]);
    });

    it(`${name}: arbitrary bodies never throw; each bad record is acknowledged with an alert`, async () => {
      const template = recordOf(foreignBodies[name]);
      const hostileJson = fc.oneof(
        fc.json(),
        fc.constantFrom(
          "",
          "null",
          "[]",
          '{"__proto__":{"polluted":true}}',
          '{"constructor":{"prototype":{"polluted":true}}}',
          '{"type":"PlaceOrder"}',
          '{"detail-type":"OrderValidated","source":"orderflow","detail":{}}',
          '{"detail-type":"OrderValidated","source":"orderflow","detail":{"orderId":"../../etc/passwd"}}',
          `{"a":${"[".repeat(5000)}${"]".repeat(5000)}}`,
          "\u0000\uFFFF\uD800",
          "x".repeat(300_000),
        ),
        fc.string({ maxLength: 2000 }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(hostileJson, { minLength: 1, maxLength: 10 }), async (bodies) => {
          const h = harness();
          const records = bodies.map((body, index) => ({ ...template, messageId: `m-${index}`, body }));
          const result = await h.handler(name)(eventOf(...records), context);

          expect(result.batchItemFailures).toEqual([]);
          expect(
            alerts(h.adapters)
              .map((alert) => alert.messageId)
              .sort(),
          ).toEqual(records.map((r) => r.messageId).sort());
          expect(Object.prototype).not.toHaveProperty("polluted");
        }),
        { numRuns: 40 },
      );
    });
  }

  it("validate-order rejects an order the catalog refuses with an OrderRejected event naming each reason", async () => {
    const h = harness();
    await h.place("o-bad", { items: [{ sku: "NO-SUCH-SKU", quantity: 1, unitPrice: 100 }] });
    const result = await h.handler("validate-order")(eventOf(intakeRecord("m-bad", "o-bad")), context);

    expect(result.batchItemFailures).toEqual([]);
    const [rejected] = h.adapters.bus.events("OrderRejected");
    expect(rejected?.orderId).toBe("o-bad");
    expect(rejected?.data.reasons).toEqual([
      expect.objectContaining({ code: "UNKNOWN_SKU", path: "items.0.sku" }),
    ]);
    expect((await h.adapters.orders.get("o-bad"))?.order.status).toBe(OrderStatus.REJECTED);
  });

  it("a transient error (payment outage) fails only that record, and its retry completes the order", async () => {
    const h = harness();
    await h.place("o-fixture-1");
    await h.handler("validate-order")(fixture("intake-fifo-event"), context);
    h.payments.script("o-fixture-1", { fail: new ServiceUnavailableError("payments") });

    const first = await h.handler("process-order")(fixture("processing-eventbridge-event"), context);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: "c80e8021-a70a-42c7-a470-796e1186f753" }]);
    expect((await h.adapters.orders.get("o-fixture-1"))?.order.status).toBe(OrderStatus.PAYMENT_PENDING);
    expect(alerts(h.adapters)).toEqual([]);

    const retry = await h.handler("process-order")(fixture("processing-eventbridge-event"), context);
    expect(retry.batchItemFailures).toEqual([]);
    expect((await h.adapters.orders.get("o-fixture-1"))?.order.status).toBe(OrderStatus.CONFIRMED);
  });

  it("FIFO: the first failure fails the rest of its message group, other groups go on", async () => {
    const h = harness();
    for (const orderId of ["o-a", "o-b", "o-c"]) await h.place(orderId);
    // The events of o-a cannot be published: its record fails (the state is saved with its outbox).
    h.adapters.bus.failNext(1, (event) => event.orderId === "o-a");
    const records = [
      intakeRecord("a-1", "o-a"),
      intakeRecord("b-1", "o-b"),
      intakeRecord("a-2", "o-a"),
      intakeRecord("c-1", "o-c"),
    ];
    const result = await h.handler("validate-order")(eventOf(...records), context);

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: "a-1" }, { itemIdentifier: "a-2" }]);
    expect((await h.adapters.orders.get("o-b"))?.order.status).toBe(OrderStatus.VALIDATED);
    expect((await h.adapters.orders.get("o-c"))?.order.status).toBe(OrderStatus.VALIDATED);

    const retry = await h.handler("validate-order")(eventOf(records[0]!, records[2]!), context);
    expect(retry.batchItemFailures).toEqual([]);
    expect((await h.adapters.orders.get("o-a"))?.order.status).toBe(OrderStatus.VALIDATED);
    expect(h.adapters.bus.events("OrderValidated").filter((event) => event.orderId === "o-a")).toHaveLength(
      1,
    );
  });

  it("redelivery is a no-op: the same records again change nothing and publish nothing", async () => {
    const h = harness();
    await h.place("o-fixture-1");
    const deliveries: [SqsHandlerName, FixtureName][] = [
      ["validate-order", "intake-fifo-event"],
      ["modify-order", "modify-eventbridge-event"],
      ["process-order", "processing-eventbridge-event"],
      ["cancel-order", "cancel-eventbridge-event"],
      ["refund-order", "refunds-eventbridge-event"],
    ];
    for (const [name, event] of deliveries) {
      await h.handler(name)(fixture(event), context);
      const version = (await h.adapters.orders.get("o-fixture-1"))?.order.version;
      const published = h.adapters.bus.events().length;

      const again = await h.handler(name)(fixture(event), context);

      expect(again.batchItemFailures).toEqual([]);
      expect((await h.adapters.orders.get("o-fixture-1"))?.order.version).toBe(version);
      expect(h.adapters.bus.events()).toHaveLength(published);
    }
    expect(h.payments.charges).toHaveLength(1);
    expect(h.payments.refunds).toHaveLength(1);
    expect((await h.adapters.orders.get("o-fixture-1"))?.order.snapshot().refund).toMatchObject({
      status: "REFUNDED",
    });
  });

  it("refund-order: a refused refund fails its record, stays OWED and alerts; an outage fails it quietly", async () => {
    const h = harness();
    await h.place("o-fixture-1");
    for (const [name, event] of [
      ["validate-order", "intake-fifo-event"],
      ["process-order", "processing-eventbridge-event"],
      ["cancel-order", "cancel-eventbridge-event"],
    ] as const)
      await h.handler(name)(fixture(event), context);
    h.payments.scriptRefund(
      "o-fixture-1",
      { refuse: "payment disputed" },
      { fail: new ServiceUnavailableError("payments") },
    );
    const messageId = recordOf("refunds-eventbridge-event").messageId;

    const refused = await h.handler("refund-order")(fixture("refunds-eventbridge-event"), context);
    const failed = await h.handler("refund-order")(fixture("refunds-eventbridge-event"), context);

    expect(refused).toEqual({ batchItemFailures: [{ itemIdentifier: messageId }] });
    expect(failed).toEqual({ batchItemFailures: [{ itemIdentifier: messageId }] });
    const refusedAlerts = h.adapters.alerts.published.filter(
      (alert) => alert.attributes?.kind === "REFUND_REFUSED",
    );
    expect(refusedAlerts.map((alert) => alert.attributes?.orderId)).toEqual(["o-fixture-1"]);
    expect(
      h.logs().find((line) => line.message === "refund refused by the payment gateway; it stays owed"),
    ).toMatchObject({
      orderId: "o-fixture-1",
      reason: "payment disputed",
    });
    const stored = (await h.adapters.orders.get("o-fixture-1"))?.order.snapshot();
    expect(stored?.refund).toMatchObject({ status: "OWED" });
    expect(h.payments.refunds).toEqual([]);

    expect(await h.handler("refund-order")(fixture("refunds-eventbridge-event"), context)).toEqual({
      batchItemFailures: [],
    });
    expect((await h.adapters.orders.get("o-fixture-1"))?.order.snapshot().refund).toMatchObject({
      status: "REFUNDED",
    });
  });

  it("an event that is not an SQS event fails the invocation", async () => {
    const h = harness();
    await expect(h.handler("cancel-order")({} as never, context)).rejects.toThrow(/not an SQS event/);
  });
});
