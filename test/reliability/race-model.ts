import type { RecordedCharge, RecordedRefund } from "../../src/adapters/memory/scripted-payment-gateway.js";
import type { AddressData, OrderEvent, OrderflowEvent } from "../../src/domain/events.js";
import { nextStatus, type OrderCommand, OrderStatus } from "../../src/domain/lifecycle.js";
import type { StoredOrder } from "../../src/ports/order-repository.js";

/**
 * The model the race campaign holds every order to: the lifecycle table of
 * src/domain/lifecycle.ts. An order's published events, read by version, are
 * its history as the versioned writes serialised it. Replayed through the
 * table, that history must be legal at every step, lose no update (each
 * modification starts from what the one before left), give every client
 * request exactly one outcome, and land exactly on the stored order, with
 * at most one charge, and the money taken from an order that ends cancelled
 * refunded through the gateway exactly once, all of it and no more.
 */

/** A cancel or modify request a client (or a redelivered message) made: its id is its command id. */
export interface SentRequest {
  readonly id: string;
  readonly kind: "cancel" | "modify";
  /** A modification's changes. */
  readonly changes?: {
    readonly items?: readonly { sku: string; quantity: number; unitPrice: number }[] | undefined;
    readonly shippingAddress?: AddressData | undefined;
  };
  /** When a modification was requested (orders requests that arrive out of order). */
  readonly requestedAt?: string | undefined;
}

/** What became of a request: applied (cancelled, modified), refused with its reason event, or nothing to do. */
export type RequestOutcome = "applied" | "refused" | "no-op";

export interface OrderVerdict {
  /** Every way the order broke the model; empty when it held. */
  readonly violations: readonly string[];
  /** The one outcome of each request the order got. */
  readonly outcomes: ReadonlyMap<string, RequestOutcome>;
  readonly finalStatus: OrderStatus | undefined;
}

/** Statuses an order may be left in once every queue is drained. */
const SETTLED: ReadonlySet<OrderStatus> = new Set([
  OrderStatus.REJECTED,
  OrderStatus.PAYMENT_FAILED,
  OrderStatus.CONFIRMED,
  OrderStatus.FULFILLED,
  OrderStatus.CANCELLED,
]);

/** The command of the lifecycle table each state-changing event stands for. */
const COMMAND_OF_EVENT: Partial<Record<OrderEvent["type"], OrderCommand>> = {
  OrderValidated: "validate",
  OrderRejected: "reject",
  OrderPaymentStarted: "startPayment",
  OrderPaid: "recordPaymentSuccess",
  OrderRefundRequired: "recordPaymentSuccess",
  OrderPaymentFailed: "recordPaymentFailure",
  OrderConfirmed: "confirm",
  OrderFulfilled: "fulfil",
  OrderCancelled: "cancel",
  OrderRefunded: "recordRefund",
  OrderModified: "modify",
};

/** The events that are a request's outcome, with the request kind and outcome each stands for. */
const OUTCOME_OF_EVENT: Partial<Record<OrderEvent["type"], readonly [SentRequest["kind"], RequestOutcome]>> =
  {
    OrderCancelled: ["cancel", "applied"],
    CancellationRejected: ["cancel", "refused"],
    OrderModified: ["modify", "applied"],
    ModificationRejected: ["modify", "refused"],
  };

interface Content {
  readonly items: unknown;
  readonly total: number;
  readonly shippingAddress: unknown;
}

export function checkOrderHistory(input: {
  readonly orderId: string;
  /** Everything published on the bus (any order, any copy, any order of arrival). */
  readonly events: readonly OrderflowEvent[];
  readonly stored: StoredOrder | undefined;
  readonly requests: readonly SentRequest[];
  /** The payment gateway's charges. */
  readonly charges: readonly RecordedCharge[];
  /** The payment gateway's refunds (none: the refunds were not asked for yet). */
  readonly refunds?: readonly RecordedRefund[];
}): OrderVerdict {
  const { orderId, stored } = input;
  const violations: string[] = [];
  const outcomes = new Map<string, RequestOutcome>();
  const fail = (message: string) => violations.push(`${orderId}: ${message}`);
  if (!stored) {
    fail("not stored");
    return { violations, outcomes, finalStatus: undefined };
  }
  const final = stored.order.snapshot();
  const requests = new Map(input.requests.map((request) => [request.id, request]));

  // Every copy of an event is the same event; the history is one event set per version.
  const byId = new Map<string, OrderEvent>();
  for (const event of input.events) {
    if (event.orderId !== orderId || !isOrderEvent(event)) continue;
    const seen = byId.get(event.id);
    if (seen && canonical(seen) !== canonical(event)) fail(`event ${event.id} published twice, differently`);
    byId.set(event.id, event);
  }
  const byVersion = new Map<number, OrderEvent[]>();
  for (const event of byId.values()) {
    if (event.orderVersion > final.version)
      fail(`event ${event.id} beyond the stored version ${final.version}`);
    byVersion.set(event.orderVersion, [...(byVersion.get(event.orderVersion) ?? []), event]);
  }

  let status = OrderStatus.RECEIVED as OrderStatus;
  let content: Content | undefined;
  let awaitingPayment = false;
  let chargedAmount: number | undefined;
  let payment: { paymentId: string; amount: number } | undefined;
  let refundOwed: { amount: number; currency: string; paymentId: string } | undefined;
  let refunded: { amount: number; currency: string; paymentId: string; refundId: string } | undefined;
  let latestConsidered: string | undefined;
  /** Versions that changed nothing but remembered a modification that asked for what the order held. */
  let unchangedModifications = 0;
  /** Modifications refused as superseded by none of the requests whose outcome has an event: by one that changed nothing? */
  const superseded: { where: string; requestedAt: string | undefined; unchangedBefore: number }[] = [];
  /** What the order held at each point a modification was allowed: a modification asking for it changes nothing. */
  const modifiable = new Map<string, Content>();
  const mayModify = (held: Content) => modifiable.set(canonical(held), held);

  const step = (event: OrderEvent) => {
    const where = `v${event.orderVersion} ${event.type}`;
    if (event.type === "OrderPlaced") {
      if (event.orderVersion !== 1) fail(`${where}: placed at a later version`);
      content = {
        items: event.data.items,
        total: event.data.total,
        shippingAddress: event.data.shippingAddress,
      };
      mayModify(content);
      return;
    }
    const outcome = OUTCOME_OF_EVENT[event.type];
    if (outcome) {
      const request = requests.get(event.causationId);
      if (!request || request.kind !== outcome[0]) fail(`${where}: caused by no ${outcome[0]} request`);
      else if (outcomes.has(request.id)) fail(`${where}: a second outcome for request ${request.id}`);
      else outcomes.set(request.id, outcome[1]);
    }
    const command = COMMAND_OF_EVENT[event.type];
    if (command) {
      const to = nextStatus(status, command);
      if (to === undefined) return void fail(`${where}: ${command} is illegal in ${status}`);
      status = to;
    }
    switch (event.type) {
      case "OrderPaymentStarted":
        awaitingPayment = true;
        chargedAmount = event.data.amount;
        if (event.data.amount !== content?.total)
          fail(`${where}: charges ${event.data.amount}, not the total`);
        break;
      case "OrderPaid":
      case "OrderRefundRequired":
        if (!awaitingPayment) fail(`${where}: no payment was awaited`);
        if (event.type === "OrderRefundRequired") {
          if (status !== OrderStatus.CANCELLED) fail(`${where}: a refund on an order not cancelled`);
          refundOwed = event.data;
        }
        awaitingPayment = false;
        payment = { paymentId: event.data.paymentId, amount: event.data.amount };
        break;
      case "OrderPaymentFailed":
        if (!awaitingPayment) fail(`${where}: no payment was awaited`);
        awaitingPayment = false;
        break;
      case "OrderCancelled": {
        const { previousStatus, refund } = event.data;
        if (nextStatus(previousStatus, "cancel") === undefined) fail(`${where}: from ${previousStatus}`);
        const owed = payment
          ? { amount: payment.amount, currency: final.currency, paymentId: payment.paymentId }
          : undefined;
        if (canonical(refund) !== canonical(owed))
          fail(`${where}: refund ${canonical(refund)}, owed ${canonical(owed)}`);
        refundOwed = refund;
        break;
      }
      case "OrderRefunded":
        if (!refundOwed) fail(`${where}: refunded, but nothing was owed`);
        else if (refunded) fail(`${where}: refunded a second time`);
        else {
          const { amount, currency, paymentId } = event.data;
          if (canonical({ amount, currency, paymentId }) !== canonical(refundOwed))
            fail(`${where}: refunded ${canonical(event.data)}, owed ${canonical(refundOwed)}`);
        }
        refunded = event.data;
        break;
      case "CancellationRejected":
        if (event.data.status !== status)
          fail(`${where}: names ${event.data.status}, the order was ${status}`);
        if (status === OrderStatus.CANCELLED || nextStatus(status, "cancel") !== undefined)
          fail(`${where}: refused in ${status}, where cancel is allowed`);
        break;
      case "OrderModified": {
        if (canonical(event.data.old) !== canonical(content))
          fail(`${where}: lost update (old is not the order)`);
        content = event.data.new;
        mayModify(content);
        latestConsidered = consider(event, "applied");
        break;
      }
      case "ModificationRejected": {
        if (event.data.status !== status)
          fail(`${where}: names ${event.data.status}, the order was ${status}`);
        const codes = event.data.reasons.map((reason) => reason.code);
        const requestedAt = requests.get(event.causationId)?.requestedAt;
        const allowed = nextStatus(status, "modify") !== undefined;
        if (codes.includes("MODIFICATION_SUPERSEDED")) {
          if (!(latestConsidered && requestedAt && requestedAt < latestConsidered))
            superseded.push({ where, requestedAt, unchangedBefore: unchangedModifications });
        } else if (codes.includes("MODIFY_NOT_ALLOWED") === allowed) {
          fail(`${where}: ${codes.join(", ")} in ${status}`);
        }
        latestConsidered = consider(event, "refused");
        break;
      }
    }
  };
  /** The latest request time considered once `event`'s request was; an applied one may not be older. */
  const consider = (event: OrderEvent, outcome: RequestOutcome): string | undefined => {
    const requestedAt = requests.get(event.causationId)?.requestedAt;
    if (requestedAt === undefined) return latestConsidered;
    if (outcome === "applied" && latestConsidered !== undefined && requestedAt < latestConsidered)
      fail(`v${event.orderVersion}: applied a modification older than one already considered`);
    return latestConsidered === undefined || requestedAt > latestConsidered ? requestedAt : latestConsidered;
  };

  for (let version = 1; version <= final.version; version++) {
    const events = byVersion.get(version) ?? [];
    for (const event of events) step(event);
    if (events.length > 0) continue;
    // The changes that publish nothing: a decline recorded on an order cancelled while it was
    // charged, and a modification that found nothing to change (remembered, to know it again).
    if (status === OrderStatus.CANCELLED && awaitingPayment && final.paymentFailure) awaitingPayment = false;
    else if (nextStatus(status, "modify") !== undefined && content) {
      unchangedModifications++;
      mayModify(content);
    } else fail(`v${version}: a change with no event (in ${status})`);
  }
  if (nextStatus(status, "modify") !== undefined && content) mayModify(content);

  // Requests without an outcome event: they must have found nothing to do.
  for (const request of input.requests) {
    if (outcomes.has(request.id)) continue;
    const nothingToDo =
      request.kind === "cancel"
        ? status === OrderStatus.CANCELLED
        : [...modifiable].some(([held, was]) => canonical(modified(was, request.changes)) === held);
    if (nothingToDo) outcomes.set(request.id, "no-op");
    else fail(`${request.kind} request ${request.id} got no outcome (order ${status})`);
  }
  const noOpModifications = input.requests.filter(
    (request) => request.kind === "modify" && outcomes.get(request.id) === "no-op",
  );
  for (const { where, requestedAt, unchangedBefore } of superseded) {
    const later = noOpModifications.some(
      (request) => requestedAt && (request.requestedAt ?? "") > requestedAt,
    );
    if (unchangedBefore === 0 || !later) fail(`${where}: superseded, but no later request was considered`);
  }
  if (noOpModifications.length !== unchangedModifications)
    fail(
      `${noOpModifications.length} modifications found nothing to change, ${unchangedModifications} were remembered`,
    );
  for (const request of input.requests) {
    const remembered = final.processedCommandIds.includes(request.id);
    // A cancel that found the order cancelled is not remembered: cancelled is where every later one ends too.
    if (!remembered && !(request.kind === "cancel" && outcomes.get(request.id) === "no-op"))
      fail(`request ${request.id} is not remembered: a redelivery would be answered again`);
  }

  // The stored order is where the history leads.
  if (final.status !== status) fail(`stored ${final.status}, the history leads to ${status}`);
  if (content && canonical(pick(final)) !== canonical(content))
    fail("stored content differs from the history");
  if (stored.outbox.length > 0) fail(`${stored.outbox.length} events never published`);
  if (!SETTLED.has(final.status)) fail(`left in ${final.status}`);
  if (awaitingPayment) fail("a started payment has no outcome recorded");

  // Money: at most one charge, recorded; owed back exactly when taken from an order that ends cancelled.
  const charges = input.charges.filter((charge) => charge.request.orderId === orderId);
  const taken = charges.filter((charge) => charge.result.status === "SUCCEEDED");
  if (taken.length > 1) fail(`${taken.length} charges took money`);
  if (charges.length > 0 && chargedAmount === undefined) fail("charged without a payment started");
  if (charges.some((charge) => charge.request.amount !== chargedAmount))
    fail("charged another amount than started");
  const money = taken[0]?.result;
  if (money?.status === "SUCCEEDED" && payment?.paymentId !== money.paymentId)
    fail(`money taken (${money.paymentId}) but recorded ${payment?.paymentId ?? "nothing"}`);
  if (!money && payment) fail("a payment recorded with no money taken");
  // Money taken from an order that ends cancelled is owed back; once the refunds were asked for
  // (`refunds` given), it was given back through the gateway exactly once, all of it, and recorded.
  const owesRefund = money !== undefined && status === OrderStatus.CANCELLED;
  if (owesRefund !== (final.refund !== undefined)) fail(`refund: ${canonical(final.refund)}`);
  if (owesRefund !== (refundOwed !== undefined)) fail(`refund owed in the history: ${canonical(refundOwed)}`);
  if (input.refunds === undefined) {
    if (canonical(final.refundOwed) !== canonical(refundOwed)) fail("stored refund differs from the history");
  } else {
    const given = input.refunds.filter((refund) => refund.request.orderId === orderId);
    if (given.length > (owesRefund ? 1 : 0)) fail(`${given.length} refunds given`);
    if (owesRefund) {
      const issued = given[0];
      if (!issued) fail("money owed back was never refunded");
      else if (
        money?.status !== "SUCCEEDED" ||
        issued.request.paymentId !== money.paymentId ||
        issued.request.amount !== chargedAmount
      )
        fail(`refunded ${canonical(issued.request)}, charged ${chargedAmount} as ${canonical(money)}`);
      const expected = refundOwed &&
        issued && { ...refundOwed, status: "REFUNDED", refundId: issued.refundId };
      if (canonical(final.refund) !== canonical(expected))
        fail(
          `stored refund ${canonical(final.refund)}, the history and the gateway say ${canonical(expected)}`,
        );
      if (canonical(refunded) !== canonical(expected && { ...refundOwed, refundId: issued?.refundId }))
        fail(`OrderRefunded ${canonical(refunded)}`);
      if (final.refundOwed !== undefined) fail("refunded, but still recorded as owed");
    }
  }
  return { violations, outcomes, finalStatus: final.status };
}

/**
 * What the direct calls of one request (several copies of one command id,
 * racing) answered must agree with the request's outcome: the one that
 * applied or refused it says so, every other copy is a duplicate.
 */
export function checkCallAnswers(
  request: SentRequest,
  outcome: RequestOutcome | undefined,
  answers: readonly string[],
): string[] {
  const effective = answers.filter((answer) => answer !== "DUPLICATE");
  const expected: Record<RequestOutcome, readonly string[]> = {
    applied: [request.kind === "cancel" ? "CANCELLED" : "MODIFIED"],
    refused: ["REFUSED"],
    "no-op": [],
  };
  const noOp = request.kind === "cancel" ? "ALREADY_CANCELLED" : "UNCHANGED";
  // A modification that changed nothing is remembered (its copies are duplicates); a cancel that
  // found the order cancelled is not (each copy finds it cancelled).
  const ok =
    outcome === "no-op"
      ? effective.every((answer) => answer === noOp) &&
        effective.length === (request.kind === "modify" ? 1 : answers.length)
      : outcome !== undefined && effective.length === 1 && expected[outcome].includes(effective[0]!) === true;
  return ok ? [] : [`request ${request.id} (${outcome}): the calls answered ${answers.join(", ")}`];
}

function isOrderEvent(event: OrderflowEvent): event is OrderEvent {
  return event.type !== "CancellationRequested" && event.type !== "ModificationRequested";
}

function pick(content: Content): Content {
  return { items: content.items, total: content.total, shippingAddress: content.shippingAddress };
}

/** The content `changes` leave on `content` (lines as the aggregate builds them). */
function modified(content: Content, changes: SentRequest["changes"]): Content {
  const items = changes?.items
    ? changes.items.map(({ sku, quantity, unitPrice }) => ({
        sku,
        quantity,
        unitPrice,
        lineTotal: quantity * unitPrice,
      }))
    : content.items;
  const total = changes?.items
    ? (items as { lineTotal: number }[]).reduce((sum, line) => sum + line.lineTotal, 0)
    : content.total;
  return { items, total, shippingAddress: changes?.shippingAddress ?? content.shippingAddress };
}

/** JSON with keys sorted: stores may hand maps back with their keys in another order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}
