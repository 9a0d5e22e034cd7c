import { expect } from "vitest";
import { ManualClock } from "../../src/adapters/memory/clocks.js";
import type { BusEnvelope } from "../../src/adapters/memory/in-memory-event-bus.js";
import type { InMemoryQueue } from "../../src/adapters/memory/in-memory-queue.js";
import type { OrderflowEvent } from "../../src/domain/events.js";
import { fingerprint } from "../../src/domain/fingerprint.js";
import { nextStatus, ORDER_COMMANDS, ORDER_STATUSES, type OrderStatus } from "../../src/domain/lifecycle.js";
import { handleHttpRequest } from "../../src/entrypoints/http/http-core.js";
import type { HttpResponse } from "../../src/entrypoints/http/http-types.js";
import { orderIdForKey } from "../../src/entrypoints/http/order-api.js";
import type { FileFlows } from "../../src/entrypoints/in-memory/in-memory-file-flows.js";
import type {
  DrainedQueue,
  DrivenRecord,
  InMemoryOrderflow,
  InMemoryOrderflowOptions,
  QueueDriver,
} from "../../src/entrypoints/in-memory/in-memory-orderflow.js";
import type { OrderRepository } from "../../src/ports/order-repository.js";
import type { PaymentGateway } from "../../src/ports/payment-gateway.js";
import type { ProductCatalog } from "../../src/ports/product-catalog.js";
import { type FaultCounts, FaultInjector, type PortFaults } from "../../src/testing.js";
import { SCENARIO_PRODUCTS, seeded } from "../support/order-lifecycle-scenario.js";

/**
 * The chaos campaign: orders placed, cancelled and modified through the HTTP
 * API (and, given the file flows, dropped as batch files) while every port
 * fails now and then (a seeded 10 % of calls), the processes crash between two
 * effects, the flows' consumers race each other, and standard queues deliver
 * duplicates out of order. Then the faults stop, every dead-letter queue is
 * redriven and the pipeline drained; what must hold then is checked by
 * {@link checkOutcome}. Shared by the in-memory run and the run on DynamoDB
 * and SQS emulators.
 */

/** Share of calls of every port that fail before reaching the adapter. */
export const FAULT_RATE = 0.1;
/** Share of standard-queue messages delivered twice. */
export const DUPLICATE_RATE = 0.05;
/** Share of the calls that end an effect after which the process dies before the next one. */
const CRASH_RATE = 0.03;
/**
 * The crash points: after the save before the publish, after the publish before the delete, after the
 * charge before the save; and on placing, after the validation request before the order is recorded.
 */
const CRASHES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  orders: { save: CRASH_RATE },
  bus: { publish: CRASH_RATE },
  payments: { charge: CRASH_RATE },
  intakeQueue: { send: CRASH_RATE },
};

/** What each port's faults apply to: the calls that reach a service (not listings nobody calls in the flows). */
const FAULTY_METHODS: Readonly<Record<string, readonly string[]>> = {
  orders: ["get", "save", "markPublished"],
  idempotency: ["begin", "complete", "release"],
  catalog: ["getProducts", "listProducts"],
  bus: ["publish"],
  intakeQueue: ["send"],
  alerts: ["publish"],
  payments: ["charge", "refund"],
  objectStore: ["get", "head", "put", "copy", "move", "delete", "list"],
  fileHistory: ["get", "create", "update", "list"],
};

/**
 * A client gives up on a request after this many answers asking it to try
 * again, a second apart: five minutes, so that a key held by an attempt whose
 * release failed (30 s) is outlived several times over.
 */
const MAX_ATTEMPTS = 300;
const UNKNOWN_SKU = "NOT-IN-CATALOG";
/** Orders in each batch file the campaign drops (plus one line that is no order). */
const FILE_ORDERS = 12;
const FINAL: ReadonlySet<OrderStatus> = new Set(["CONFIRMED", "REJECTED", "PAYMENT_FAILED", "CANCELLED"]);

/** What the campaign uses of a pipeline: in memory, or with injected storage adapters and queues. */
type ChaosFlow = Pick<
  InMemoryOrderflow<OrderRepository, ProductCatalog>,
  "api" | "http" | "bus" | "clock" | "drain" | "events" | "orders" | "payments" | "ruleDeadLetterQueues"
> & { readonly flows: Readonly<Record<string, DrainedQueue>> };

/** What the run did, for the README's table and the checks. */
export interface ChaosTally {
  orders: number;
  accepted: number;
  rejectedSku: number;
  declines: number;
  cancels: number;
  modifies: number;
  clientRetries: number;
  duplicateDeliveries: number;
  redriven: number;
  busDeliveriesRetried: number;
  /** Events refused as single PutEvents entries while the others of their call were published. */
  busEntriesFailed: number;
  /** Batch files dropped, and the valid orders they hold. */
  files: number;
  fileOrders: number;
  /** Refunds the payment gateway issued (money taken from orders that ended cancelled, each once). */
  refunds: number;
}

/**
 * The injector and the `decorate` option that puts it on every port, bus
 * target and queue driver of a pipeline, and counts the duplicate deliveries
 * consumers get.
 */
export function chaosHarness(seed: number) {
  const faults = new FaultInjector({ random: seeded(seed) });
  const duplicates = new DuplicateCounter();
  const decorate: NonNullable<InMemoryOrderflowOptions["decorate"]> = (name, port) => {
    const [kind, flow] = name.split(":");
    if (kind === "target") return faults.wrap(name, port, { rate: FAULT_RATE, methods: ["send"] });
    if (kind === "driver") {
      const counted = duplicates.counting(port as unknown as QueueDriver) as unknown as typeof port;
      return faults.wrap(`queue ${flow}`, counted, {
        rate: FAULT_RATE,
        methods: ["receive", "ack", "retry"],
      });
    }
    const methods = FAULTY_METHODS[name];
    if (!methods) return port;
    const options: PortFaults = { rate: FAULT_RATE, methods, crashAfter: CRASHES[name] };
    const faulty = faults.wrap(name, port, options);
    return name === "payments"
      ? (slowCharges(faulty as unknown as PaymentGateway) as unknown as typeof port)
      : faulty;
  };
  return { faults, duplicates, decorate };
}

/**
 * A gateway whose charges take a while (a turn of the event loop), as a
 * provider's do: long enough for a cancel to land while a charge is in flight.
 */
function slowCharges(payments: PaymentGateway): PaymentGateway {
  return {
    charge: async (request) => {
      await new Promise((resolve) => setImmediate(resolve));
      return payments.charge(request);
    },
    refund: (request) => payments.refund(request),
  };
}

/**
 * Counts deliveries of a message body already delivered for the first time
 * (receive count 1): the copies a standard queue stores twice, and events the
 * bus carried again after a crash. Counted only while the faults run (a
 * redriven message starts again at receive count 1).
 */
class DuplicateCounter {
  count = 0;
  active = true;
  private readonly firstDeliveries = new Set<string>();

  counting(driver: QueueDriver): QueueDriver {
    const receive = async (max: number): Promise<readonly DrivenRecord[]> => {
      const records = await driver.receive(max);
      if (!this.active) return records;
      for (const record of records) {
        if (record.attributes?.ApproximateReceiveCount !== "1") continue;
        if (this.firstDeliveries.has(record.body)) this.count++;
        else this.firstDeliveries.add(record.body);
      }
      return records;
    };
    // The driver's other methods, on the driver itself.
    return Object.assign(Object.create(driver) as QueueDriver, { receive });
  }
}

const address = { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" };

/** A cancel or modify request the API accepted (a modify sets the address's first line). */
type ChangeRequest =
  | { readonly kind: "cancel"; readonly orderId: string; readonly requestId: string }
  | { readonly kind: "modify"; readonly orderId: string; readonly requestId: string; readonly line1: string };

/** A batch file dropped into the bucket: its key and version, as the file history names it. */
interface Upload {
  readonly key: string;
  readonly version: string;
}

interface Placed {
  readonly orderId: string;
  readonly accepted: boolean;
}

/**
 * Runs `orders` orders through `flow` (made with {@link chaosHarness}'s
 * `decorate`, ordering from SCENARIO_PRODUCTS): placed in chunks, with cancels
 * and modifies of earlier orders and part of a drain between chunks; then the
 * faults stop, `redrive` empties every dead-letter queue and the pipeline is
 * drained until nothing is left. Returns the tally; asserts with `expect`.
 */
export async function runChaos(
  flow: ChaosFlow,
  harness: ReturnType<typeof chaosHarness>,
  options: {
    readonly orders: number;
    readonly seed: number;
    /** Moves every dead-lettered message back to its queue; returns how many. */
    readonly redrive: () => Promise<number>;
    /** Drains until every queue is empty (a real queue may hold messages in flight for a while). */
    readonly drainAll: () => Promise<void>;
    /** The batch-file flows, when the pipeline has them: a file of orders is dropped every few waves. */
    readonly files?: FileFlows | undefined;
  },
): Promise<{ tally: ChaosTally; finalStates: Record<string, number> }> {
  const random = seeded(options.seed ^ 0x5eed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const tally: ChaosTally = {
    orders: options.orders,
    accepted: 0,
    rejectedSku: 0,
    declines: 0,
    cancels: 0,
    modifies: 0,
    clientRetries: 0,
    duplicateDeliveries: 0,
    redriven: 0,
    busDeliveriesRetried: 0,
    busEntriesFailed: 0,
    files: 0,
    fileOrders: 0,
    refunds: 0,
  };

  /** A client: retries a 503 or a key still in progress after the second its Retry-After names. */
  // Every modification sent, attempts included: one that a 503 hid may still have been published.
  const modificationsSent = new Map<string, number>();
  const call = async (method: string, path: string, body: unknown, headers: Record<string, string> = {}) => {
    for (let attempt = 1; ; attempt++) {
      if (method === "PATCH") modificationsSent.set(path, (modificationsSent.get(path) ?? 0) + 1);
      const response = await handleHttpRequest(flow.http, {
        method,
        path,
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
      const retry = response.statusCode === 503 || codeOf(response) === "IDEMPOTENCY_IN_PROGRESS";
      if (!retry || attempt >= MAX_ATTEMPTS) return response;
      tally.clientRetries++;
      if (flow.clock instanceof ManualClock) flow.clock.advance(1000);
    }
  };

  // Besides whole calls failing, PutEvents fails single entries: the others of the call are published.
  let failedEntries = 0;
  flow.bus.failNext(Number.POSITIVE_INFINITY, () => {
    const fail = harness.faults.injecting && random() < FAULT_RATE / 2;
    if (fail) failedEntries++;
    return fail;
  });

  const placed: Placed[] = [];
  const accepted: string[] = [];
  const CHUNK = 50;
  const uploads: Upload[] = [];
  const fileQueues = options.files ? [options.files.intake, options.files.extraction] : [];

  /**
   * A file of FILE_ORDERS orders as JSON Lines: one with an unknown SKU (business validation rejects it)
   * and one line that is no order at all. Dropped again while the bucket refuses it.
   */
  const dropFile = async (files: FileFlows, n: number): Promise<Upload> => {
    const lines = Array.from({ length: FILE_ORDERS }, (_, k) => {
      const product = pick(SCENARIO_PRODUCTS);
      const sku = k === 0 ? UNKNOWN_SKU : product.sku;
      const item = { sku, quantity: 1 + (k % 2), unitPrice: product.unitPrice };
      return JSON.stringify({
        customerId: `file-customer-${k}`,
        currency: "BRL",
        items: [item],
        shippingAddress: address,
      });
    });
    const body = [...lines, JSON.stringify({ notAnOrder: true })].join("\n");
    for (let attempt = 1; ; attempt++) {
      try {
        const { key, etag, versionId } = await files.upload(`chaos-${n}.jsonl`, body);
        tally.files++;
        tally.fileOrders += FILE_ORDERS;
        // The history names a version as the S3 notification does: its version id, or its ETag unquoted.
        return { key, version: versionId ?? etag.replaceAll('"', "") };
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  };
  const acceptedRequests: ChangeRequest[] = [];

  /** One client placing order `i`: what it sends is drawn before its first await, so a run is repeatable. */
  const placeOrder = async (i: number) => {
    const name = `chaos-${String(i).padStart(5, "0")}`;
    // Most clients send an Idempotency-Key (the order id then derives from it); the others name the order.
    const withKey = random() < 0.8;
    const orderId = withKey ? orderIdForKey(name) : name;
    const roll = random();
    const unknownSku = roll < 0.08;
    if (unknownSku) tally.rejectedSku++;
    else if (roll < 0.16) {
      flow.payments.script(orderId, { decline: "insufficient funds" });
      tally.declines++;
    }
    const product = pick(SCENARIO_PRODUCTS);
    const body = {
      ...(withKey ? {} : { orderId }),
      customerId: `customer-${i % 97}`,
      currency: "BRL",
      items: [
        { sku: unknownSku ? UNKNOWN_SKU : product.sku, quantity: 1 + (i % 3), unitPrice: product.unitPrice },
      ],
      shippingAddress: address,
    };
    const response = await call("POST", "/orders", body, withKey ? { "Idempotency-Key": name } : {});
    expect([202, 503], `POST /orders ${name}: ${response.body}`).toContain(response.statusCode);
    const id =
      response.statusCode === 202 ? (JSON.parse(response.body) as { orderId: string }).orderId : undefined;
    if (id !== undefined) expect(id).toBe(orderId);
    placed.push({ orderId, accepted: id !== undefined });
    if (id) accepted.push(id);
  };

  /** One client cancelling or modifying one of the orders accepted so far (`n` makes its address unique). */
  const requestChange = async (n: number) => {
    // Mostly orders of the last waves, which are still on their way through the flows.
    const orderId = random() < 0.7 ? pick(accepted.slice(-2 * CHUNK)) : pick(accepted);
    const cancel = random() < 0.5;
    const line1 = `Rua B, ${n}`;
    // Half the modifications change the items too (the total, so the amount to charge), some to an unknown SKU.
    const product = pick(SCENARIO_PRODUCTS);
    const items =
      random() < 0.5
        ? [
            {
              sku: random() < 0.1 ? UNKNOWN_SKU : product.sku,
              quantity: 1 + (n % 4),
              unitPrice: product.unitPrice,
            },
          ]
        : undefined;
    const response = cancel
      ? await call("POST", `/orders/${orderId}/cancel`, { reason: "changed my mind" })
      : await call("PATCH", `/orders/${orderId}`, {
          ...(items ? { items } : {}),
          shippingAddress: { ...address, line1 },
        });
    expect([202, 503], `${cancel ? "cancel" : "modify"} ${orderId}: ${response.body}`).toContain(
      response.statusCode,
    );
    if (response.statusCode !== 202) return;
    const { requestId } = JSON.parse(response.body) as { requestId: string };
    acceptedRequests.push(
      cancel ? { orderId, requestId, kind: "cancel" } : { orderId, requestId, kind: "modify", line1 },
    );
    if (cancel) tally.cancels++;
    else tally.modifies++;
  };

  // Clients come in waves of CHUNK at once; cancels and modifies of orders placed so far then race part of
  // a drain, so they meet orders in every state.
  for (let start = 0; start < options.orders; start += CHUNK) {
    const wave = Array.from({ length: Math.min(CHUNK, options.orders - start) }, (_, k) => start + k);
    await Promise.all(wave.map(placeOrder));
    if (accepted.length === 0) continue;
    if (options.files && (start / CHUNK) % 4 === 1) uploads.push(await dropFile(options.files, start));
    const changes = wave.slice(0, Math.round(CHUNK * 0.3)).map(requestChange);
    // Each flow's consumer runs at once with the others (as Lambda functions do), so their writes race.
    // Files are extracted first: validate-order waits (in real time) for an order whose request came early.
    if (fileQueues.length > 0) await flow.drain({ only: fileQueues.map((queue) => queue.queue.name) });
    const drains = Object.keys(flow.flows).map((name) =>
      flow.drain({ only: [name], maxBatches: Math.floor(random() * 12) }),
    );
    await Promise.all([...changes, ...drains]);
  }
  await Promise.all(Object.keys(flow.flows).map((name) => flow.drain({ only: [name] })));
  await flow.drain();

  // The faults stop; what they left behind is redriven until nothing is left anywhere.
  harness.faults.stop();
  harness.duplicates.active = false;
  tally.duplicateDeliveries = harness.duplicates.count;
  for (let round = 0; round < 5; round++) {
    tally.busDeliveriesRetried += await redriveRuleDeadLetters(flow);
    const moved = await options.redrive();
    tally.redriven += moved;
    await options.drainAll();
    if (moved === 0 && Object.values(flow.ruleDeadLetterQueues).every((dlq) => dlq.size === 0)) break;
  }
  tally.accepted = accepted.length;
  tally.busEntriesFailed = failedEntries;
  const fileOrders = options.files ? await checkFiles(flow, options.files, uploads, placed) : [];
  const all = [...placed, ...fileOrders];
  await checkOutcome(flow, all, acceptedRequests, modificationsSent);
  tally.refunds = flow.payments.refunds.length;
  return { tally, finalStates: await finalStates(flow, all) };
}

/**
 * Redrives every bus rule's dead-letter queue to the rule's target, as an
 * operator would after an outage: each event the bus could not deliver (after
 * its retries) goes where it was going. The target is sent to through its
 * public API, since the campaign wraps it.
 */
async function redriveRuleDeadLetters(flow: ChaosFlow): Promise<number> {
  let moved = 0;
  for (const [route, dlq] of Object.entries(flow.ruleDeadLetterQueues)) {
    const target = flow.bus.rules.find((candidate) => candidate.name === route)!.target;
    for (let batch = dlq.receive(); batch.length > 0; batch = dlq.receive()) {
      for (const message of batch) {
        const envelope = JSON.parse(message.body) as BusEnvelope<OrderflowEvent>;
        if (typeof target === "function") await target(envelope);
        else await target.send([{ id: envelope.detail.id, body: message.body }]);
        dlq.delete(message.receiptHandle);
        moved++;
      }
    }
  }
  return moved;
}

/** The redrive of the in-memory pipeline: every dead-letter queue back to its source. */
export async function redriveInMemory(flow: { deadLetterQueues(): Record<string, InMemoryQueue> }) {
  let moved = 0;
  for (const dlq of Object.values(flow.deadLetterQueues())) moved += await dlq.redrive();
  return moved;
}

/**
 * Every file dropped was extracted with its one invalid line reported, and
 * every valid order of every file was placed: the store holds exactly the
 * orders of the API and of the files. Returns the files' orders, for the
 * checks every order gets.
 */
async function checkFiles(
  flow: ChaosFlow,
  files: FileFlows,
  uploads: readonly Upload[],
  placed: readonly Placed[],
): Promise<Placed[]> {
  for (const { key, version } of uploads) {
    const record = await files.history.get(key, version);
    expect(record, key).toMatchObject({
      status: "EXTRACTED",
      counts: { total: FILE_ORDERS + 1, valid: FILE_ORDERS, invalid: 1 },
    });
  }
  for (const { queue, deadLetterQueue } of [files.intake, files.extraction]) {
    expect(queue.size, queue.name).toBe(0);
    expect(deadLetterQueue.size, deadLetterQueue.name).toBe(0);
  }
  const fromApi = new Set(placed.map((order) => order.orderId));
  const stored: string[] = [];
  for (const status of ORDER_STATUSES) {
    let nextToken: string | undefined;
    do {
      const page = await flow.orders.listByStatus(status, {
        limit: 1000,
        ...(nextToken ? { nextToken } : {}),
      });
      for (const order of page.items) stored.push(order.orderId);
      nextToken = page.nextToken;
    } while (nextToken);
  }
  const fromFiles = stored.filter((orderId) => !fromApi.has(orderId));
  expect(fromFiles.length, "orders placed from files").toBe(uploads.length * FILE_ORDERS);
  return fromFiles.map((orderId) => ({ orderId, accepted: true }));
}

/** The status each event leads its order to (the others keep it). */
const STATUS_OF_EVENT: Partial<Record<OrderflowEvent["type"], OrderStatus>> = {
  OrderPlaced: "RECEIVED",
  OrderValidated: "VALIDATED",
  OrderRejected: "REJECTED",
  OrderPaymentStarted: "PAYMENT_PENDING",
  OrderPaid: "PAID",
  OrderPaymentFailed: "PAYMENT_FAILED",
  OrderConfirmed: "CONFIRMED",
  OrderCancelled: "CANCELLED",
  OrderRefunded: "CANCELLED",
};

/** What must hold once the faults stopped and everything was redriven and drained. */
/** The events a modification request is answered with, when it changes something or is refused. */
const MODIFICATION_OUTCOMES = new Set<string>(["OrderModified", "ModificationRejected"]);

async function checkOutcome(
  flow: ChaosFlow,
  placed: readonly Placed[],
  requests: readonly ChangeRequest[],
  modificationsSent: ReadonlyMap<string, number>,
): Promise<void> {
  // Every publication of an event is identical to the first (same id, same content).
  const events = new Map<string, OrderflowEvent>();
  const printOf = new Map<string, string>();
  for (const event of flow.events()) {
    const print = fingerprint(event);
    const first = printOf.get(event.id);
    if (first === undefined) {
      printOf.set(event.id, print);
      events.set(event.id, event);
    } else expect(print, `event ${event.id} published with other content`).toBe(first);
  }
  const eventsOf = new Map<string, OrderflowEvent[]>();
  for (const event of events.values())
    eventsOf.set(event.orderId, [...(eventsOf.get(event.orderId) ?? []), event]);

  const chargesOf = new Map<string, number[]>();
  for (const { request } of flow.payments.succeededCharges)
    chargesOf.set(request.orderId, [...(chargesOf.get(request.orderId) ?? []), request.amount]);

  // Every refund the gateway issued, by order: the amounts, and the refund ids.
  const refundsOf = new Map<string, { amount: number; refundId: string }[]>();
  for (const { request, refundId } of flow.payments.refunds)
    refundsOf.set(request.orderId, [
      ...(refundsOf.get(request.orderId) ?? []),
      { amount: request.amount, refundId },
    ]);

  for (const { orderId, accepted } of placed) {
    const stored = await flow.orders.get(orderId);
    // 0 lost: every 202 has its order. (An order whose client never got a 202 may exist too.)
    if (accepted) expect(stored, `${orderId} answered 202 but is missing`).toBeDefined();
    if (!stored) continue;
    const order = stored.order.snapshot();
    expect(FINAL.has(order.status), `${orderId} ended ${order.status}`).toBe(true);
    expect(stored.outbox, `${orderId} outbox`).toEqual([]);

    // At most one charge; money taken from a cancelled order refunded through the gateway, exactly once
    // and all of it (recorded REFUNDED under the gateway's refund id, nothing left owed); no refund otherwise.
    const charges = chargesOf.get(orderId) ?? [];
    const refunds = refundsOf.get(orderId) ?? [];
    expect(charges.length, `${orderId} charges`).toBeLessThanOrEqual(1);
    expect(refunds.length, `${orderId} refunds`).toBeLessThanOrEqual(1);
    if (order.status === "CANCELLED" && charges.length === 1) {
      expect(
        refunds.map((refund) => refund.amount),
        `${orderId} refunded`,
      ).toEqual(charges);
      expect(order.refund, `${orderId} refund`).toMatchObject({
        amount: charges[0],
        status: "REFUNDED",
        refundId: refunds[0]?.refundId,
      });
      expect(order.refundOwed, `${orderId} still owed`).toBeUndefined();
    } else {
      expect(order.refund, `${orderId} refund without a charge`).toBeUndefined();
      expect(order.refundOwed, `${orderId} refund owed without a charge`).toBeUndefined();
      expect(refunds, `${orderId} refunded without a charge`).toEqual([]);
    }
    if (order.status === "CONFIRMED") expect(charges, `${orderId} confirmed unpaid`).toEqual([order.total]);

    // One history per order, every version published: replayed in version order, the events walk the
    // lifecycle table to the stored status (a lost update would fork it or skip a version).
    const history = (eventsOf.get(orderId) ?? []).filter((event) => !event.type.endsWith("Requested"));
    history.sort((a, b) => a.orderVersion - b.orderVersion || a.id.localeCompare(b.id));
    const versions = new Set(history.map((event) => event.orderVersion));
    // Two changes are recorded without an event: a decline that lands on an order cancelled meanwhile, and a
    // modification that changes nothing (remembered, so that its redelivery is a duplicate): at most one per
    // modification sent that caused no event (a 503 may have hidden one that was published all the same).
    const silentDecline =
      order.cancellation?.previousStatus === "PAYMENT_PENDING" && order.paymentFailure !== undefined ? 1 : 0;
    const modificationEvents = history.filter((event) => MODIFICATION_OUTCOMES.has(event.type)).length;
    const quietModifications = Math.max(
      0,
      (modificationsSent.get(`/orders/${orderId}`) ?? 0) - modificationEvents,
    );
    if (process.env.CHAOS_DEBUG === orderId) console.log(JSON.stringify({ order, history }, null, 1));
    expect(versions.size, `${orderId} versions published`).toBeGreaterThanOrEqual(
      order.version - silentDecline - quietModifications,
    );
    expect(Math.max(...versions), `${orderId} newest version`).toBeLessThanOrEqual(order.version);
    let status: OrderStatus | undefined;
    for (const event of history) {
      const to = STATUS_OF_EVENT[event.type];
      if (to === undefined) continue;
      if (status !== undefined && status !== to) {
        const from = status;
        const legal = ORDER_COMMANDS.some((command) => nextStatus(from, command) === to);
        expect(legal, `${orderId}: ${from} → ${to} (${event.type} at v${event.orderVersion})`).toBe(true);
      }
      status = to;
    }
    expect(status, `${orderId} history ends elsewhere than its status`).toBe(order.status);
  }

  // Every accepted cancel and modify has its outcome: an event it caused, or no change to make (the order
  // was already cancelled; an earlier attempt of the same modification, which a 503 hid, applied it).
  for (const request of requests) {
    const history = eventsOf.get(request.orderId) ?? [];
    const order = (await flow.orders.get(request.orderId))!.order.snapshot();
    const outcome =
      history.some((event) => event.causationId === request.requestId) ||
      (request.kind === "cancel"
        ? order.status === "CANCELLED"
        : history.some(
            (event) =>
              event.type === "OrderModified" && event.data.new.shippingAddress.line1 === request.line1,
          ));
    expect(outcome, `${request.kind} ${request.requestId} of ${request.orderId} has no outcome`).toBe(true);
  }

  // Nothing left anywhere.
  for (const { driver, deadLetterDriver } of Object.values(flow.flows)) {
    expect(await driver.size(), driver.name).toBe(0);
    expect(await deadLetterDriver.size(), deadLetterDriver.name).toBe(0);
  }
  for (const dlq of Object.values(flow.ruleDeadLetterQueues)) expect(dlq.size, dlq.name).toBe(0);
}

function codeOf(response: HttpResponse): string | undefined {
  try {
    return (JSON.parse(response.body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

/** The run as a Markdown table (what the README's Reliability section quotes). */
export function chaosTable(
  run: string,
  tally: ChaosTally,
  faults: FaultCounts,
  finalStates: Readonly<Record<string, number>>,
): string {
  const rows: [string, string | number][] = [
    ["orders placed (202)", `${tally.accepted} of ${tally.orders}`],
    ["unknown SKU / declined", `${tally.rejectedSku} / ${tally.declines}`],
    ["cancels / modifies accepted", `${tally.cancels} / ${tally.modifies}`],
    ...(tally.files > 0
      ? [["batch files (valid orders)", `${tally.files} (${tally.fileOrders})`] as [string, string]]
      : []),
    ["client retries after 503 or 409 in progress", tally.clientRetries],
    ...Object.entries(faults)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([port, { faults: f, crashes }]): [string, string] => [
        `faults on ${port}`,
        crashes > 0 ? `${f} (+ ${crashes} crashes after the effect)` : String(f),
      ]),
    ["PutEvents entries failed alone", tally.busEntriesFailed],
    ["bus events redriven from rule dead-letter queues", tally.busDeliveriesRetried],
    ["duplicate deliveries", tally.duplicateDeliveries],
    ["messages redriven from dead-letter queues", tally.redriven],
    ["refunds issued (each once, all of what was charged)", tally.refunds],
    ...Object.entries(finalStates)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, count]): [string, number] => [`final ${status}`, count]),
  ];
  return [`| ${run} | count |`, "|---|---:|", ...rows.map(([what, n]) => `| ${what} | ${n} |`)].join("\n");
}

/** How many orders ended in each status (`NOT_PLACED`: the client gave up and none was recorded). */
async function finalStates(flow: ChaosFlow, placed: readonly Placed[]) {
  const counts: Record<string, number> = {};
  for (const { orderId } of placed) {
    const status = (await flow.orders.get(orderId))?.order.status ?? "NOT_PLACED";
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
}
