import { describe, expect, it } from "vitest";
import type { EventPattern } from "../../../../src/adapters/memory/event-pattern.js";
import { InvalidFilterPatternError } from "../../../../src/adapters/memory/event-pattern.js";
import type { BusEnvelope } from "../../../../src/adapters/memory/in-memory-event-bus.js";
import { InMemoryEventBus } from "../../../../src/adapters/memory/in-memory-event-bus.js";
import { InMemoryQueue } from "../../../../src/adapters/memory/in-memory-queue.js";
import type { OrderflowEvent } from "../../../../src/domain/events.js";
import { FaultInjector } from "../../../../src/ports/contracts/fault-injection.js";
import { DeliveryError } from "../../../../src/ports/errors.js";
import { EVENT_ROUTES, EVENT_SOURCE } from "../../../../src/ports/routing.js";
import { TestClock } from "./messaging-test-clock.js";

function validated(orderId: string, version = 2): OrderflowEvent {
  return {
    id: `${orderId}:${version}:0`,
    type: "OrderValidated",
    schemaVersion: 1,
    occurredAt: "2026-01-01T00:00:00.000Z",
    orderId,
    orderVersion: version,
    correlationId: "c-1",
    causationId: "cmd-1",
    data: { total: 2500, currency: "BRL" },
  };
}

function cancellationRequested(orderId: string, reason = "changed my mind"): OrderflowEvent {
  return {
    id: `cmd-cancel-${orderId}`,
    type: "CancellationRequested",
    schemaVersion: 1,
    occurredAt: "2026-01-01T00:00:00.000Z",
    orderId,
    orderVersion: 0,
    correlationId: "c-2",
    causationId: "cmd-cancel",
    data: { reason },
  };
}

function setup() {
  const clock = new TestClock(new Date("2026-05-04T12:34:56.789Z"));
  const bus = new InMemoryEventBus({
    name: "orderflow",
    clock,
    region: "sa-east-1",
    accountId: "111122223333",
  });
  const processing = new InMemoryQueue({ name: "processing.fifo", clock });
  const cancel = new InMemoryQueue({ name: "cancel", clock });
  const processingRuleDlq = new InMemoryQueue({ name: "processing-rule-dlq", clock });
  const cancelRuleDlq = new InMemoryQueue({ name: "cancel-rule-dlq", clock });
  bus.addRule({
    name: "processing",
    pattern: routePattern(EVENT_ROUTES.processing),
    target: processing,
    deadLetterQueue: processingRuleDlq,
  });
  bus.addRule({
    name: "cancel",
    pattern: routePattern(EVENT_ROUTES.cancel),
    target: cancel,
    deadLetterQueue: cancelRuleDlq,
  });
  return { clock, bus, processing, cancel, cancelRuleDlq, processingRuleDlq };
}

describe("InMemoryEventBus", () => {
  it("wraps each event as EventBridge delivers it and routes it to the matching rule's queue", async () => {
    const { bus, processing, cancel } = setup();
    await bus.publish([validated("o-1"), cancellationRequested("o-2")]);

    const [message] = processing.receive();
    const envelope = JSON.parse(message!.body) as BusEnvelope<OrderflowEvent>;
    expect(envelope).toEqual({
      version: "0",
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      "detail-type": "OrderValidated",
      source: "orderflow",
      account: "111122223333",
      time: "2026-05-04T12:34:56Z",
      region: "sa-east-1",
      resources: [],
      detail: validated("o-1"),
    });
    // FIFO target: grouped by order, deduplicated by event id.
    expect(message).toMatchObject({ groupId: "o-1", deduplicationId: "o-1:2:0" });
    expect(cancel.peek().map((m) => JSON.parse(m.body).detail.orderId)).toEqual(["o-2"]);
    expect(bus.published).toHaveLength(2);
    // The body is the envelope's JSON, byte for byte.
    expect(message!.body).toBe(JSON.stringify(bus.published[0]));
  });

  it("stamps envelopes with the time to the second, as the clock moves", async () => {
    const { bus, clock } = setup();
    await bus.publish([validated("o-1")]);
    clock.advance(210); // 12:34:56.999
    await bus.publish([validated("o-2")]);
    clock.advance(1);
    await bus.publish([validated("o-3")]);
    clock.advance(3_600_000);
    await bus.publish([validated("o-4")]);
    expect(bus.published.map((envelope) => envelope.time)).toEqual([
      "2026-05-04T12:34:56Z",
      "2026-05-04T12:34:56Z",
      "2026-05-04T12:34:57Z",
      "2026-05-04T13:34:57Z",
    ]);
  });

  it("checks the size of entries no queue carries too, exactly when they come near 256 KB", async () => {
    const { bus } = setup();
    // No rule routes CancellationRejected anywhere.
    const refused = (orderId: string, reason: string): OrderflowEvent => ({
      id: `${orderId}:2:0`,
      type: "CancellationRejected",
      schemaVersion: 1,
      occurredAt: "2026-01-01T00:00:00.000Z",
      orderId,
      orderVersion: 2,
      correlationId: "c-1",
      causationId: "cmd-1",
      data: { reason, status: "FULFILLED" },
    });
    // 120,000 two-byte characters: 240,000 bytes of UTF-8, under the limit though a rough bound is not.
    const large = refused("o-large", "é".repeat(120_000));
    const huge = refused("o-huge", "x".repeat(262_144));
    const publishing = bus.publish([large, huge]);
    await expect(publishing).rejects.toMatchObject({
      failures: [{ id: "o-huge:2:0", reason: expect.stringMatching(/^entry is 26\d{4} bytes/) }],
    });
    expect(bus.events().map((event) => event.orderId)).toEqual(["o-large"]);
  });

  it("gives a re-published event a new envelope id while the FIFO queue drops the duplicate", async () => {
    const { bus, processing } = setup();
    await bus.publish([validated("o-1")]);
    await bus.publish([validated("o-1")]);
    expect(new Set(bus.published.map((envelope) => envelope.id)).size).toBe(2);
    expect(processing.size).toBe(1);
  });

  it("delivers to function targets and to every matching rule", async () => {
    const { bus, clock } = setup();
    const seen: string[] = [];
    bus.addRule({
      name: "audit",
      deadLetterQueue: new InMemoryQueue({ name: "audit-dlq", clock }),
      pattern: { source: ["orderflow"], detail: { orderId: [{ prefix: "vip-" }] } },
      target: (envelope) => {
        seen.push(`${envelope["detail-type"]}:${envelope.detail.orderId}`);
      },
    });
    await bus.publish([validated("vip-1"), validated("o-2"), cancellationRequested("vip-3")]);
    expect(seen).toEqual(["OrderValidated:vip-1", "CancellationRequested:vip-3"]);
  });

  it("lists the published orderflow events, optionally by type", async () => {
    const { bus } = setup();
    await bus.publish([validated("o-1"), cancellationRequested("o-2")]);
    expect(bus.events().map((event) => event.id)).toEqual(["o-1:2:0", "cmd-cancel-o-2"]);
    const cancellations = bus.events("CancellationRequested");
    expect(cancellations.map((event) => event.data.reason)).toEqual(["changed my mind"]);
  });

  it("fails oversized entries alone, like PutEvents, and names them", async () => {
    const { bus, cancel } = setup();
    const huge = cancellationRequested("o-big", "x".repeat(262_144));
    const publishing = bus.publish([cancellationRequested("o-1"), huge, cancellationRequested("o-2")]);
    await expect(publishing).rejects.toBeInstanceOf(DeliveryError);
    await publishing.catch((error: DeliveryError) => {
      expect(error.failures.map((failure) => failure.id)).toEqual(["cmd-cancel-o-big"]);
    });
    expect(bus.events().map((event) => event.orderId)).toEqual(["o-1", "o-2"]);
    expect(cancel.size).toBe(2);
  });

  it("injects failures for the next matching events only", async () => {
    const { bus } = setup();
    bus.failNext(1, (event) => event.type === "OrderValidated");
    await expect(
      bus.publish([cancellationRequested("o-1"), validated("o-2"), validated("o-3")]),
    ).rejects.toMatchObject({
      failures: [{ id: "o-2:2:0" }],
    });
    expect(bus.events().map((event) => event.orderId)).toEqual(["o-1", "o-3"]);
    await bus.publish([validated("o-2")]);
    expect(bus.events("OrderValidated").map((event) => event.orderId)).toEqual(["o-3", "o-2"]);
  });

  it("retries a failing queue target at once, then dead-letters the envelope with EventBridge's attributes", async () => {
    const { bus, cancel, cancelRuleDlq, processing } = setup();
    cancel.failNext(3);
    await bus.publish([cancellationRequested("o-1"), validated("o-2")]);
    expect(cancel.size).toBe(0);
    expect(processing.size).toBe(1);
    const [dead] = cancelRuleDlq.peek();
    expect(JSON.parse(dead!.body)).toEqual(bus.published[0]);
    expect(dead!.attributes).toEqual({
      RULE_ARN: "arn:aws:events:sa-east-1:111122223333:rule/orderflow/cancel",
      TARGET_ARN: "arn:aws:sqs:sa-east-1:111122223333:cancel",
      ERROR_CODE: "ERROR_FROM_TARGET",
      ERROR_MESSAGE: expect.stringContaining("InternalError (injected)"),
      RETRY_ATTEMPTS: "2",
      EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts",
    });
    // A redrive delivers it where the rule was sending it.
    expect(dead!.deadLetteredFrom).toBe("cancel");
    expect(await cancelRuleDlq.redrive()).toBe(1);
    expect(cancel.peek().map((m) => JSON.parse(m.body).detail.id)).toEqual(["cmd-cancel-o-1"]);
  });

  it("redrives to a target that a wrapper stands for (a fault injector), through the queue's own API", async () => {
    const clock = new TestClock(new Date("2026-05-04T12:34:56.789Z"));
    const bus = new InMemoryEventBus({ clock });
    const cancel = new InMemoryQueue({ name: "cancel", clock });
    const deadLetterQueue = new InMemoryQueue({ name: "cancel-rule-dlq", clock });
    const faults = new FaultInjector({ random: () => 0 });
    const target = faults.wrap("cancel", cancel, { rate: 1, methods: ["send"] });
    bus.addRule({
      name: "cancel",
      pattern: { "detail-type": ["CancellationRequested"] },
      target,
      deadLetterQueue,
    });

    await bus.publish([cancellationRequested("o-1")]);
    expect([cancel.size, deadLetterQueue.size]).toEqual([0, 1]);
    faults.stop();

    expect(await deadLetterQueue.redrive()).toBe(1);
    expect([cancel.size, deadLetterQueue.size]).toEqual([1, 0]);
    expect(JSON.parse(cancel.peek()[0]!.body).detail.id).toBe("cmd-cancel-o-1");
  });

  it("delivers on a retry when the target recovers", async () => {
    const { bus, cancel, cancelRuleDlq } = setup();
    cancel.failNext(2);
    await bus.publish([cancellationRequested("o-1")]);
    expect(cancel.size).toBe(1);
    expect(cancelRuleDlq.size).toBe(0);
  });

  it("dead-letters at once, without retries, what the target refuses for what it holds", async () => {
    const { clock, bus, cancel } = setup();
    const dlq = new InMemoryQueue({ name: "strict-dlq", clock });
    let attempts = 0;
    bus.addRule({
      name: "strict",
      pattern: routePattern(EVENT_ROUTES.cancel),
      deadLetterQueue: dlq,
      target: () => {
        attempts++;
        throw new DeliveryError("strict", [
          { id: "x", reason: "characters SQS does not allow", retryable: false },
        ]);
      },
    });
    await bus.publish([cancellationRequested("o-1")]);
    expect(attempts).toBe(1);
    expect(cancel.size).toBe(1);
    const [dead] = dlq.peek();
    expect(dead!.attributes).toMatchObject({
      RULE_ARN: "arn:aws:events:sa-east-1:111122223333:rule/orderflow/strict",
      TARGET_ARN: "arn:aws:events:sa-east-1:111122223333:rule/orderflow/strict/target",
      ERROR_CODE: "INVALID_PARAMETER",
      RETRY_ATTEMPTS: "0",
    });
    expect(dead!.attributes).not.toHaveProperty("EXHAUSTED_RETRY_CONDITION");
    // A function target has no queue to go back to: a redrive needs a destination.
    expect(dead!.deadLetteredFrom).toBeUndefined();
  });

  it("fails the entry, loudly, only when the dead-letter queue refuses the event too", async () => {
    const { bus, cancel, cancelRuleDlq } = setup();
    cancel.failNext(3);
    cancelRuleDlq.failNext(1);
    const publishing = bus.publish([cancellationRequested("o-1"), cancellationRequested("o-2")]);
    await expect(publishing).rejects.toMatchObject({
      failures: [
        { id: "cmd-cancel-o-1", retryable: true, reason: expect.stringContaining("cancel-rule-dlq") },
      ],
    });
    expect(cancel.peek().map((m) => JSON.parse(m.body).detail.orderId)).toEqual(["o-2"]);
  });

  it("refuses rules EventBridge would refuse", () => {
    const { clock, bus, cancel, cancelRuleDlq: deadLetterQueue } = setup();
    const pattern = routePattern(EVENT_ROUTES.cancel);
    expect(() =>
      bus.addRule({ name: "bad", pattern: { source: [] }, target: cancel, deadLetterQueue }),
    ).toThrow(InvalidFilterPatternError);
    expect(() => bus.addRule({ name: "cancel", pattern, target: cancel, deadLetterQueue })).toThrow(
      RangeError,
    );
    const fifo = new InMemoryQueue({ name: "dlq.fifo", clock });
    expect(() => bus.addRule({ name: "fifo-dlq", pattern, target: cancel, deadLetterQueue: fifo })).toThrow(
      /standard queues/,
    );
    expect(() =>
      bus.addRule({ name: "retries", pattern, target: cancel, deadLetterQueue, maximumRetryAttempts: 186 }),
    ).toThrow(/0\.\.185/);
  });
});

/** A route as the bus rules of the template express it. */
function routePattern(types: readonly string[]): EventPattern {
  return { source: [EVENT_SOURCE], "detail-type": types };
}
