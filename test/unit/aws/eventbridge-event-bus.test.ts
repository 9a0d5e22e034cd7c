import {
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsCommandInput,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
  ResourceNotFoundException,
  ThrottlingException,
} from "@aws-sdk/client-eventbridge";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-vitest/extend";
import { describe, expect, it } from "vitest";
import {
  EVENTBRIDGE_MAX_REQUEST_BYTES,
  EventBridgeEventBus,
  putEventsEntrySize,
} from "../../../src/adapters/aws/eventbridge-event-bus.js";
import type { OrderflowEvent } from "../../../src/domain/events.js";
import { describeEventBusContract, someEvents } from "../../../src/ports/contracts/event-bus.contract.js";
import { DeliveryError } from "../../../src/ports/errors.js";
import { EVENT_SOURCE } from "../../../src/ports/routing.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const BUS = "orderflow-bus";
const noWait = { sleep: async () => {}, random: () => 0 };

/**
 * An EventBridge double: answers PutEvents entry by entry, in order, failing the
 * entries `failureOf(detail, call)` names (calls count from 1).
 */
function eventBridgeDouble(
  failureOf: (event: OrderflowEvent, call: number) => { code: string; message: string } | undefined = () =>
    undefined,
) {
  const client = new EventBridgeClient({ region: "us-east-1" });
  const mock = mockClient(client);
  let call = 0;
  mock.on(PutEventsCommand).callsFake((input: PutEventsCommandInput): PutEventsCommandOutput => {
    call++;
    const results = (input.Entries ?? []).map((entry, i) => {
      const failure = failureOf(JSON.parse(entry.Detail ?? "{}") as OrderflowEvent, call);
      return failure
        ? { ErrorCode: failure.code, ErrorMessage: failure.message }
        : { EventId: `eb-${call}-${i}` };
    });
    return {
      FailedEntryCount: results.filter((r) => "ErrorCode" in r).length,
      Entries: results,
      $metadata: {},
    };
  });
  const sentEntries = (): PutEventsRequestEntry[][] =>
    mock.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries ?? []);
  /** Events as a rule target would see them: the detail of every entry the bus accepted. */
  const accepted = async (): Promise<OrderflowEvent[]> => {
    const calls = mock.commandCalls(PutEventsCommand);
    const out: OrderflowEvent[] = [];
    for (const c of calls) {
      const output = (await c.returnValue) as PutEventsCommandOutput;
      (c.args[0].input.Entries ?? []).forEach((entry, i) => {
        if (output.Entries?.[i]?.EventId) out.push(JSON.parse(entry.Detail ?? "{}") as OrderflowEvent);
      });
    }
    return out;
  };
  return { client, mock, sentEntries, accepted };
}

async function deliveryErrorOf(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describeEventBusContract("EventBridgeEventBus (aws-sdk-client-mock)", () => {
  const eb = eventBridgeDouble();
  return { bus: new EventBridgeEventBus({ client: eb.client, eventBusName: BUS }), published: eb.accepted };
});

describe("EventBridgeEventBus", () => {
  it("puts each event with source orderflow, its type as detail-type and the whole envelope as detail", async () => {
    const eb = eventBridgeDouble();
    const [event] = someEvents(1);

    await new EventBridgeEventBus({ client: eb.client, eventBusName: BUS }).publish([event!]);

    expect(eb.sentEntries()).toEqual([
      [
        {
          EventBusName: BUS,
          Source: EVENT_SOURCE,
          DetailType: event!.type,
          Detail: JSON.stringify(event),
          Time: new Date(event!.occurredAt),
        },
      ],
    ]);
  });

  it("puts 25 events in 3 calls of at most 10", async () => {
    const eb = eventBridgeDouble();

    await new EventBridgeEventBus({ client: eb.client, eventBusName: BUS }).publish(someEvents(25));

    expect(eb.mock).toHaveReceivedCommandTimes(PutEventsCommand, 3);
    expect(eb.sentEntries().map((batch) => batch.length)).toEqual([10, 10, 5]);
  });

  it("splits calls by entry size (Time 14 bytes + Source + DetailType + Detail)", async () => {
    const eb = eventBridgeDouble();
    const events = someEvents(6).map(
      (event) => ({ ...event, correlationId: "c".repeat(100_000) }) as OrderflowEvent,
    );

    await new EventBridgeEventBus({ client: eb.client, eventBusName: BUS }).publish(events);

    const sizes = eb.sentEntries().map((batch) => batch.reduce((sum, e) => sum + putEventsEntrySize(e), 0));
    expect(eb.sentEntries().map((batch) => batch.length)).toEqual([2, 2, 2]);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(EVENTBRIDGE_MAX_REQUEST_BYTES);
    const entry = eb.sentEntries()[0]![0]!;
    expect(putEventsEntrySize(entry)).toBe(
      14 + EVENT_SOURCE.length + Buffer.byteLength(entry.DetailType!) + Buffer.byteLength(entry.Detail!),
    );
  });

  it("re-sends only the failed entries, matched by position, until they succeed", async () => {
    const events = someEvents(6);
    const flaky = new Set([events[1]!.id, events[4]!.id]);
    const eb = eventBridgeDouble((event, call) =>
      call === 1 && flaky.has(event.id)
        ? { code: "ThrottlingException", message: "Rate exceeded" }
        : undefined,
    );

    await new EventBridgeEventBus({ client: eb.client, eventBusName: BUS, retry: noWait }).publish(events);

    expect(eb.sentEntries()).toHaveLength(2);
    expect(eb.sentEntries()[1]!.map((e) => (JSON.parse(e.Detail!) as OrderflowEvent).id)).toEqual([
      events[1]!.id,
      events[4]!.id,
    ]);
    expect((await eb.accepted()).map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
  });

  it("re-sends the entries missing from a short Entries list even when FailedEntryCount is 0", async () => {
    const events = someEvents(3);
    const eb = eventBridgeDouble();
    let call = 0;
    eb.mock.on(PutEventsCommand).callsFake((input: PutEventsCommandInput): PutEventsCommandOutput => {
      call++;
      const entries = input.Entries ?? [];
      // The first answer stops after the first entry and claims no failure.
      const answered = call === 1 ? entries.slice(0, 1) : entries;
      return {
        FailedEntryCount: 0,
        Entries: answered.map((_, i) => ({ EventId: `eb-${call}-${i}` })),
        $metadata: {},
      };
    });

    await new EventBridgeEventBus({ client: eb.client, eventBusName: BUS, retry: noWait }).publish(events);

    expect((await eb.accepted()).map((e) => e.id).sort()).toEqual(events.map((e) => e.id).sort());
    expect(eb.sentEntries()[1]!.map((e) => (JSON.parse(e.Detail!) as OrderflowEvent).id)).toEqual([
      events[1]!.id,
      events[2]!.id,
    ]);
  });

  it("names the events PutEvents never answers for once the attempts are spent", async () => {
    const events = someEvents(2);
    const eb = eventBridgeDouble();
    eb.mock.on(PutEventsCommand).callsFake((input: PutEventsCommandInput): PutEventsCommandOutput => {
      const entries = input.Entries ?? [];
      const answered = entries.filter((e) => (JSON.parse(e.Detail!) as OrderflowEvent).id !== events[1]!.id);
      return { FailedEntryCount: 0, Entries: answered.map(() => ({ EventId: "eb" })), $metadata: {} };
    });

    const error = await deliveryErrorOf(
      new EventBridgeEventBus({
        client: eb.client,
        eventBusName: BUS,
        retry: { ...noWait, attempts: 3 },
      }).publish(events),
    );

    expect(error.failures.map((f) => f.id)).toEqual([events[1]!.id]);
    expect(eb.sentEntries()).toHaveLength(3);
  });

  it("retries a throttled call whole", async () => {
    const eb = eventBridgeDouble();
    eb.mock
      .on(PutEventsCommand)
      .rejectsOnce(new ThrottlingException({ message: "Rate exceeded", $metadata: {} }))
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: "1" }, { EventId: "2" }] });

    await new EventBridgeEventBus({ client: eb.client, eventBusName: BUS, retry: noWait }).publish(
      someEvents(2),
    );

    expect(eb.sentEntries()).toHaveLength(2);
    expect(eb.sentEntries()[1]).toEqual(eb.sentEntries()[0]);
  });

  it("names the event ids with ErrorCode and ErrorMessage once the attempts are spent", async () => {
    const events = someEvents(4);
    const eb = eventBridgeDouble((event) =>
      event.id === events[2]!.id ? { code: "InternalFailure", message: "try later" } : undefined,
    );

    const error = await deliveryErrorOf(
      new EventBridgeEventBus({
        client: eb.client,
        eventBusName: BUS,
        retry: { ...noWait, attempts: 3 },
      }).publish(events),
    );

    expect(error.failures).toEqual([
      { id: events[2]!.id, reason: "InternalFailure: try later", retryable: true },
    ]);
    expect(eb.sentEntries().map((batch) => batch.length)).toEqual([4, 1, 1]);
  });

  it("does not retry an entry EventBridge refuses for good", async () => {
    const events = someEvents(3);
    const eb = eventBridgeDouble((event) =>
      event.id === events[0]!.id ? { code: "MalformedDetail", message: "Detail is malformed." } : undefined,
    );

    const error = await deliveryErrorOf(
      new EventBridgeEventBus({ client: eb.client, eventBusName: BUS, retry: noWait }).publish(events),
    );

    expect(error.failures).toEqual([
      { id: events[0]!.id, reason: "MalformedDetail: Detail is malformed.", retryable: false },
    ]);
    expect(error.retryable).toBe(false);
    expect(eb.sentEntries()).toHaveLength(1);
  });

  it("refuses an event larger than a PutEvents request alone and publishes the others", async () => {
    const [small, big] = someEvents(2);
    const huge = { ...big!, correlationId: "c".repeat(EVENTBRIDGE_MAX_REQUEST_BYTES) } as OrderflowEvent;
    const eb = eventBridgeDouble();

    const error = await deliveryErrorOf(
      new EventBridgeEventBus({ client: eb.client, eventBusName: BUS }).publish([small!, huge]),
    );

    expect(error.failures.map((f) => f.id)).toEqual([huge.id]);
    expect((await eb.accepted()).map((e) => e.id)).toEqual([small!.id]);
  });

  it("stops at a missing bus and names every event", async () => {
    const eb = eventBridgeDouble();
    eb.mock
      .on(PutEventsCommand)
      .rejects(new ResourceNotFoundException({ message: "Event bus not found", $metadata: {} }));
    const events = someEvents(12);

    const error = await deliveryErrorOf(
      new EventBridgeEventBus({ client: eb.client, eventBusName: BUS, retry: noWait }).publish(events),
    );

    expect(error.failures.map((f) => f.id)).toEqual(events.map((e) => e.id));
    expect(eb.sentEntries()).toHaveLength(1);
  });
});
