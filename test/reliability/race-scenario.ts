import fc from "fast-check";
import type { Product } from "../../src/domain/business-rules.js";
import type { AddressData } from "../../src/domain/events.js";
import { OrderStatus } from "../../src/domain/lifecycle.js";
import { RecordPayment } from "../../src/domain/use-cases/record-payment.js";
import { ConfirmOrder, FulfilOrder } from "../../src/domain/use-cases/simple-transitions.js";
import { resolve } from "../../src/entrypoints/container/create-container.js";
import { CANCEL_ORDER, MODIFY_ORDER } from "../../src/entrypoints/container/tokens.js";
import { handleHttpRequest } from "../../src/entrypoints/http/http-core.js";
import type { InMemoryOrderflow } from "../../src/entrypoints/in-memory/in-memory-orderflow.js";
import type { Clock } from "../../src/ports/clock.js";
import { ServiceUnavailableError } from "../../src/ports/errors.js";
import type { OrderRepository } from "../../src/ports/order-repository.js";
import type { ProductCatalog } from "../../src/ports/product-catalog.js";
import { checkCallAnswers, checkOrderHistory, type RequestOutcome, type SentRequest } from "./race-model.js";

/**
 * The races campaign, shared by its in-memory and its emulator runs: orders
 * held at an intermediate state of the pipeline, cancel and modify requests
 * sent against them (through the HTTP API and straight to the use cases,
 * several copies at once), the step that moves the orders on released
 * meanwhile, then everything drained and each order checked against the
 * lifecycle model (race-model.ts).
 */

/** The states an order is held at while requests race the step that moves it on. */
export const HOLD_STATES = [
  OrderStatus.RECEIVED,
  OrderStatus.VALIDATED,
  /** With its charge in flight: taken by the gateway, not yet answered. */
  OrderStatus.PAYMENT_PENDING,
  /** Paid and not yet confirmed, as a workflow that confirms in a step of its own leaves it. */
  OrderStatus.PAID,
  OrderStatus.CONFIRMED,
] as const;
export type HoldState = (typeof HOLD_STATES)[number];

export const RACE_PRODUCTS: readonly Product[] = [
  { sku: "RACE-A", unitPrice: 1500, currency: "BRL", stock: 1_000_000 },
  { sku: "RACE-B", unitPrice: 700, currency: "BRL", stock: 1_000_000 },
];

const ADDRESS: AddressData = { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" };
const PLACED_ITEMS = [{ sku: "RACE-A", quantity: 1, unitPrice: 1500 }];

/** A request of a race, and how many copies of it are sent at once. */
export interface RequestPlan {
  readonly kind: "cancel" | "modify";
  /**
   * A modification's change: other items, another address, an item the
   * catalog lacks (refused by business validation), or what the order
   * already holds (nothing to change).
   */
  readonly change: "items" | "address" | "unknown-sku" | "same";
  /** The HTTP API (each copy a client's retry: a request of its own), or the use case (each copy a redelivery of one command). */
  readonly via: "http" | "use-case";
  readonly copies: number;
  /** Varies the items and address between modifications. */
  readonly variant: number;
}

export type PaymentPlan = "succeed" | "decline" | "outage";
export const paymentPlanArb = fc.constantFrom<PaymentPlan>("succeed", "decline", "outage");

export interface RacePlan {
  readonly hold: HoldState;
  /**
   * What the gateway answers the charge: money taken, a decline, or an outage
   * first (the charge fails, the queue retries it) and then money taken. Held
   * at PAID or CONFIRMED, the order was paid whatever this says.
   */
  readonly payment: PaymentPlan;
  readonly requests: readonly RequestPlan[];
}

export const requestPlanArb: fc.Arbitrary<RequestPlan> = fc.record({
  kind: fc.constantFrom("cancel" as const, "modify" as const),
  change: fc.constantFrom("items" as const, "address" as const, "unknown-sku" as const, "same" as const),
  via: fc.constantFrom("http" as const, "use-case" as const),
  copies: fc.integer({ min: 1, max: 3 }),
  variant: fc.integer({ min: 1, max: 3 }),
});

export const racePlanArb: fc.Arbitrary<RacePlan> = fc.record({
  hold: fc.constantFrom(...HOLD_STATES),
  payment: paymentPlanArb,
  requests: fc.array(requestPlanArb, { minLength: 1, maxLength: 4 }),
});

/** What the campaign uses of a pipeline, in memory or on the AWS adapters. */
export type RaceFlow = Pick<
  InMemoryOrderflow<OrderRepository, ProductCatalog>,
  "adapters" | "api" | "http" | "clock" | "container" | "drain" | "events" | "orders" | "payments"
>;

export function placement(orderId: string) {
  return {
    orderId,
    customerId: "race-customer",
    currency: "BRL",
    items: PLACED_ITEMS,
    shippingAddress: ADDRESS,
  };
}

/** Places the orders through the HTTP API. */
export async function placeOrders(flow: RaceFlow, orderIds: readonly string[]): Promise<void> {
  await Promise.all(
    orderIds.map(async (orderId) => {
      const answer = await http(flow, "POST", "/orders", placement(orderId));
      if (answer.statusCode !== 202)
        throw new Error(`placing ${orderId}: ${answer.statusCode} ${answer.body}`);
    }),
  );
}

/**
 * Brings placed orders to `hold` and answers the step that moves them on from
 * there, for the race to release: validation and payment (RECEIVED), payment
 * (VALIDATED), the charge's answer (PAYMENT_PENDING), the workflow's
 * confirmation (PAID), fulfilment (CONFIRMED).
 */
export async function holdAt(
  flow: RaceFlow,
  plans: ReadonlyMap<string, RacePlan>,
  hold: HoldState,
  /** Consumers of each queue the release drains, at once (duplicate deliveries then race each other). */
  consumers = 1,
): Promise<() => Promise<unknown>> {
  const orderIds = [...plans.keys()];
  for (const [orderId, plan] of plans) {
    if (hold === "PAID" || hold === "CONFIRMED") continue;
    if (plan.payment === "decline") flow.payments.script(orderId, { decline: "insufficient funds" });
    if (plan.payment === "outage")
      flow.payments.script(orderId, { fail: new ServiceUnavailableError("payments") });
  }
  const units = { orders: flow.orders, bus: flow.adapters.bus, clock: flow.clock };
  switch (hold) {
    case "RECEIVED":
      return async () => {
        await flow.drain({ only: ["intake"] });
        await inParallel(consumers, () => flow.drain({ only: ["processing"] }));
      };
    case "VALIDATED":
      await flow.drain({ only: ["intake"] });
      return () => inParallel(consumers, () => flow.drain({ only: ["processing"] }));
    case "PAYMENT_PENDING":
    case "PAID": {
      await flow.drain({ only: ["intake"] });
      const processing = chargesInFlight(flow, orderIds);
      await processing.held;
      if (hold === "PAID") {
        // The payment reported as a workflow (or the provider's callback) would, leaving confirmation to a step of its own.
        const record = new RecordPayment(units);
        for (const orderId of orderIds) {
          const charge = flow.payments.charges.find((c) => c.request.orderId === orderId)!;
          await record.execute({
            orderId,
            commandId: `paid-${orderId}`,
            correlationId: orderId,
            result: charge.result,
            confirm: false,
          });
        }
      }
      const confirm = new ConfirmOrder(units);
      return async () => {
        flow.payments.release();
        await Promise.all([
          processing.done,
          ...(hold === "PAID"
            ? orderIds.map((orderId) =>
                confirm.execute({ orderId, commandId: `confirm-${orderId}`, correlationId: orderId }),
              )
            : []),
        ]);
      };
    }
    case "CONFIRMED": {
      await flow.drain();
      const fulfil = new FulfilOrder(units);
      return () =>
        Promise.all(
          orderIds.map((orderId) =>
            fulfil.execute({ orderId, commandId: `fulfil-${orderId}`, correlationId: orderId }),
          ),
        );
    }
  }
}

function inParallel(count: number, run: () => Promise<unknown>): Promise<unknown> {
  return Promise.all(Array.from({ length: count }, run));
}

/**
 * Holds the charges of the orders' payments in flight: drains the processing
 * queue with as many consumers as it takes for each order to have a charge
 * held (a consumer blocked on a held charge takes no other message).
 */
function chargesInFlight(flow: RaceFlow, orderIds: readonly string[]) {
  flow.payments.hold();
  const consumers: Promise<unknown>[] = [];
  const allHeld = () => orderIds.every((orderId) => flow.payments.held.some((c) => c.orderId === orderId));
  const held = (async () => {
    while (!allHeld()) {
      if (consumers.length > 4 * orderIds.length + 4) throw new Error("charges never reached the gateway");
      const consumer = flow.drain({ only: ["processing"] });
      consumers.push(consumer);
      // The consumer either holds a charge (another then arrives) or finds nothing left and returns.
      await Promise.race([flow.payments.whenHeld(flow.payments.held.length + 1), consumer]);
    }
  })();
  return { held, done: held.then(() => Promise.all(consumers)) };
}

/** A request as sent: what the model knows of it, and what each direct call answered. */
export interface Sent {
  readonly orderId: string;
  readonly plan: RequestPlan;
  readonly requests: SentRequest[];
  /** The use case's answers to the copies of one command (`via: "use-case"`). */
  readonly answers: string[];
}

let requestCount = 0;

/**
 * Sends the copies of a request, each through `schedule` (which decides when it
 * starts); answers when every copy was accepted (HTTP 202) or answered (use case).
 */
export function sendRequest(
  flow: RaceFlow,
  orderId: string,
  plan: RequestPlan,
  schedule: <T>(start: () => Promise<T>) => Promise<T> = (start) => start(),
): { sent: Sent; accepted: Promise<unknown> } {
  const sent: Sent = { orderId, plan, requests: [], answers: [] };
  const changes = plan.kind === "modify" ? changesOf(plan) : undefined;
  const body = plan.kind === "cancel" ? { reason: `race ${plan.variant}` } : changes;
  if (plan.via === "http") {
    const copies = Array.from({ length: plan.copies }, () =>
      schedule(async () => {
        const path = plan.kind === "cancel" ? `/orders/${orderId}/cancel` : `/orders/${orderId}`;
        const answer = await http(flow, plan.kind === "cancel" ? "POST" : "PATCH", path, body);
        if (answer.statusCode !== 202) throw new Error(`${path}: ${answer.statusCode} ${answer.body}`);
        const { requestId } = JSON.parse(answer.body) as { requestId: string };
        const requested = flow.events().find((event) => event.id === requestId);
        sent.requests.push({ id: requestId, kind: plan.kind, changes, requestedAt: requested?.occurredAt });
      }),
    );
    return { sent, accepted: Promise.all(copies) };
  }
  const command = { orderId, commandId: `direct-${++requestCount}`, correlationId: `race-${orderId}` };
  const requestedAt = flow.clock.now().toISOString();
  sent.requests.push({ id: command.commandId, kind: plan.kind, changes, requestedAt });
  const copies = Array.from({ length: plan.copies }, () =>
    schedule(async () => {
      const { outcome } =
        plan.kind === "cancel"
          ? await resolve(flow.container, CANCEL_ORDER).execute({
              ...command,
              reason: `race ${plan.variant}`,
            })
          : await resolve(flow.container, MODIFY_ORDER).execute({
              ...command,
              changes: changesOf(plan),
              requestedAt,
            });
      sent.answers.push(outcome);
    }),
  );
  return { sent, accepted: Promise.all(copies) };
}

function changesOf(plan: RequestPlan): NonNullable<SentRequest["changes"]> {
  switch (plan.change) {
    case "items":
      return { items: [{ sku: "RACE-B", quantity: plan.variant, unitPrice: 700 }] };
    case "address":
      return { shippingAddress: { ...ADDRESS, line1: `Rua B, ${plan.variant}` } };
    case "unknown-sku":
      return { items: [{ sku: "NOT-IN-CATALOG", quantity: 1, unitPrice: 100 }] };
    case "same":
      return { items: PLACED_ITEMS };
  }
}

/**
 * A clock one millisecond later at every reading: every request has a time of
 * its own (a modification's order is by its time), and runs repeat exactly.
 * Not a ManualClock on purpose: a drain loop would move one of those past the
 * visibility timeout of messages that another consumer is still handling.
 */
export class SteppingClock implements Clock {
  private current = Date.parse("2026-01-01T00:00:00.000Z");

  now(): Date {
    return new Date(this.epochMs());
  }

  epochMs(): number {
    return ++this.current;
  }
}

function http(flow: RaceFlow, method: string, path: string, body: unknown) {
  return handleHttpRequest(flow.http, {
    method,
    path,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Counts of what a campaign tried and what came of it, for its closing line (and the README). */
export class RaceTally {
  /** Property runs: in memory each is one interleaving the scheduler chose; on emulators, one real race. */
  runs = 0;
  orders = 0;
  readonly requests = { cancel: 0, modify: 0, copies: 0 };
  readonly perState = new Map<HoldState, number>();
  readonly outcomes: Record<RequestOutcome, number> = { applied: 0, refused: 0, "no-op": 0 };
  readonly finalStatuses = new Map<string, number>();

  chargesTaken = 0;
  refundsIssued = 0;

  add(hold: HoldState, sent: readonly Sent[], verdict: RaceVerdict) {
    const { outcomes, finals } = verdict;
    this.orders += finals.length;
    this.chargesTaken += verdict.chargesTaken;
    this.refundsIssued += verdict.refundsIssued;
    this.perState.set(hold, (this.perState.get(hold) ?? 0) + finals.length);
    for (const one of sent) {
      this.requests[one.plan.kind] += one.requests.length;
      this.requests.copies += one.plan.copies;
    }
    for (const outcome of outcomes.values()) this.outcomes[outcome]++;
    for (const status of finals)
      this.finalStatuses.set(String(status), (this.finalStatuses.get(String(status)) ?? 0) + 1);
  }

  summary(title: string): string {
    const states = HOLD_STATES.map((state) => `${state} ${this.perState.get(state) ?? 0}`).join(", ");
    const finals = [...this.finalStatuses].map(([status, n]) => `${status} ${n}`).join(", ");
    return [
      `${title}: ${this.runs} runs, ${this.orders} orders (held at ${states})`,
      `  requests: ${this.requests.cancel} cancel, ${this.requests.modify} modify (${this.requests.copies} copies sent)`,
      `  money: ${this.chargesTaken} charges took money (at most one per order), ${this.refundsIssued} refunds issued (each once, all of it, exactly where money was taken from an order that ended cancelled)`,
      `  outcomes: ${this.outcomes.applied} applied, ${this.outcomes.refused} refused with their reason, ${this.outcomes["no-op"]} nothing to do; final: ${finals}`,
    ].join("\n");
  }
}

/**
 * Checks each order against the model once everything is drained; answers
 * every violation found (none when the model held) and each request's outcome.
 */
export async function verifyOrders(
  flow: RaceFlow,
  orderIds: readonly string[],
  sent: readonly Sent[],
): Promise<RaceVerdict> {
  const events = flow.events();
  const violations: string[] = [];
  const outcomes = new Map<string, RequestOutcome>();
  const finals: (string | undefined)[] = [];
  let refundsIssued = 0;
  for (const orderId of orderIds) {
    const mine = sent.filter((one) => one.orderId === orderId);
    const stored = await flow.orders.get(orderId);
    if (stored?.order.snapshot().refund?.status === "REFUNDED") refundsIssued++;
    const verdict = checkOrderHistory({
      orderId,
      events,
      stored,
      requests: mine.flatMap((one) => one.requests),
      charges: flow.payments.charges,
      refunds: flow.payments.refunds,
    });
    violations.push(...verdict.violations);
    finals.push(verdict.finalStatus);
    for (const [id, outcome] of verdict.outcomes) outcomes.set(id, outcome);
    for (const one of mine) {
      if (one.plan.via === "use-case")
        violations.push(
          ...checkCallAnswers(one.requests[0]!, verdict.outcomes.get(one.requests[0]!.id), one.answers),
        );
    }
  }
  const ordered = new Set(orderIds);
  const charges = flow.payments.succeededCharges.filter((charge) => ordered.has(charge.request.orderId));
  return { violations, outcomes, finals, chargesTaken: charges.length, refundsIssued };
}

export interface RaceVerdict {
  readonly violations: string[];
  readonly outcomes: ReadonlyMap<string, RequestOutcome>;
  readonly finals: readonly (string | undefined)[];
  /** Charges that took money from these orders. */
  readonly chargesTaken: number;
  /** Orders whose refund was issued through the gateway. */
  readonly refundsIssued: number;
}
