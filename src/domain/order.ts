import type { Issue } from "./errors.js";
import { IllegalTransitionError, RefundExceedsPaymentError } from "./errors.js";
import type {
  AddressData,
  OrderEvent,
  OrderEventData,
  OrderEventType,
  OrderLineData,
  RequestEvent,
  RequestEventData,
} from "./events.js";
import { EVENT_SCHEMA_VERSION } from "./events.js";
import { fingerprintOfCanonical } from "./fingerprint.js";
import type { OrderCommand } from "./lifecycle.js";
import { nextStatus, OrderStatus } from "./lifecycle.js";
import { lineTotal, sumMinorUnits } from "./money.js";
import type { AddressInput, OrderItemInput } from "./schemas.js";

/** How many recent command ids an order remembers to recognise a redelivered command. */
export const PROCESSED_COMMANDS_WINDOW = 64;

export type OrderLine = OrderLineData;
export type Address = AddressData;

/** Who asked for a change, and when: passed to every command, never read from a global clock. */
export interface CommandContext {
  /** Unique per command; a redelivered message carries the same id and is recognised. */
  readonly commandId: string;
  readonly correlationId: string;
  /** Id of the message that caused this command; defaults to `commandId`. */
  readonly causationId?: string | undefined;
  readonly at: Date;
}

/** A client request (cancel or modify) that the order refused, kept so the client can see why. */
export interface RejectedRequest {
  readonly request: "cancel" | "modify";
  readonly reasons: readonly Issue[];
  readonly at: string;
}

/** The persisted state of an order: plain JSON, no methods. */
export interface OrderSnapshot {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly items: readonly OrderLine[];
  readonly shippingAddress: Address;
  readonly total: number;
  readonly status: OrderStatus;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly correlationId: string;
  /**
   * Fingerprint of what the client placed, to tell a repeated placement from a
   * clash of ids. Recorded by the first modification: until then the order's
   * own fields are what was placed, and the fingerprint is computed from them
   * only when a second placement under the same id needs the comparison.
   */
  readonly placementFingerprint?: string | undefined;
  /** Why validation rejected the order (only when `REJECTED`). */
  readonly reasons?: readonly Issue[] | undefined;
  readonly payment?: { readonly paymentId: string; readonly amount: number } | undefined;
  /** Why the payment was declined, once a decline was recorded. */
  readonly paymentFailure?: { readonly reason: string } | undefined;
  readonly cancellation?: { readonly reason: string; readonly previousStatus: OrderStatus } | undefined;
  /**
   * Money the customer must get back and has not got yet (a cancelled paid
   * order, or a payment that landed after a cancel): present exactly while
   * {@link OrderSnapshot.refund} is `OWED`, and removed once it is `REFUNDED`.
   * Kept for readers of the order JSON that predate `refund`.
   */
  readonly refundOwed?: RefundOwed | undefined;
  /** The refund this order gives back, once one is owed: `OWED` until the gateway issued it, then `REFUNDED`. */
  readonly refund?: Refund | undefined;
  readonly lastRejectedRequest?: RejectedRequest | undefined;
  /**
   * When the latest modification request considered was made. Requests travel
   * on a standard queue and may arrive out of order: an older one arriving
   * after a newer was considered is refused as superseded.
   */
  readonly lastModificationRequestedAt?: string | undefined;
  readonly processedCommandIds: readonly string[];
}

/** Money owed back to the customer: what was charged, under the payment that charged it. */
export interface RefundOwed {
  readonly amount: number;
  readonly currency: string;
  readonly paymentId: string;
}

/** Whether a refund is still owed, or was issued by the payment gateway. */
export type RefundStatus = "OWED" | "REFUNDED";

/** An order's refund: what is owed back and, once issued, the gateway's refund id. */
export interface Refund extends RefundOwed {
  readonly status: RefundStatus;
  /** The payment gateway's id of the refund (once `REFUNDED`). */
  readonly refundId?: string | undefined;
}

/** What happened to the record of an issued refund. */
export type RecordRefundOutcome = "REFUNDED" | "ALREADY_REFUNDED" | "NOTHING_OWED";

export interface NewOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly currency: string;
  readonly items: readonly OrderItemInput[];
  readonly shippingAddress: AddressInput;
}

export interface OrderChanges {
  readonly items?: readonly OrderItemInput[] | undefined;
  readonly shippingAddress?: AddressInput | undefined;
}

/** What happened to a cancel request. */
export type CancelOutcome = "CANCELLED" | "ALREADY_CANCELLED" | "REFUSED";
/** What happened to a modify request. */
export type ModifyOutcome = "MODIFIED" | "UNCHANGED" | "REFUSED";

/**
 * The order aggregate. It changes only through the commands below, each guarded
 * by the transition table; each accepted command bumps `version` by one and
 * records the events it causes. The use case pulls those events after saving.
 */
export class Order {
  private state: OrderSnapshot;
  private recorded: OrderEvent[] = [];

  private constructor(state: OrderSnapshot) {
    this.state = state;
  }

  /** Creates an order in `RECEIVED` from a structurally valid PlaceOrder. */
  static place(input: NewOrder, ctx: CommandContext): Order {
    const items = toLines(input.items);
    const shippingAddress = copyAddress(input.shippingAddress);
    const at = isoTime(ctx.at);
    const order = new Order({
      orderId: input.orderId,
      customerId: input.customerId,
      currency: input.currency,
      items,
      shippingAddress,
      total: sumMinorUnits(items.map((line) => line.lineTotal)),
      status: OrderStatus.RECEIVED,
      version: 0,
      createdAt: at,
      updatedAt: at,
      correlationId: ctx.correlationId,
      processedCommandIds: [],
    });
    order.apply(ctx, {}, [["OrderPlaced", order.summary()]]);
    return order;
  }

  static fromSnapshot(snapshot: OrderSnapshot): Order {
    return new Order(snapshot);
  }

  get id(): string {
    return this.state.orderId;
  }
  get status(): OrderStatus {
    return this.state.status;
  }
  get version(): number {
    return this.state.version;
  }
  get total(): number {
    return this.state.total;
  }
  get currency(): string {
    return this.state.currency;
  }
  get items(): readonly OrderLine[] {
    return this.state.items;
  }

  snapshot(): OrderSnapshot {
    return this.state;
  }

  /** True when this command id was already applied: a redelivery must change nothing. */
  hasProcessed(commandId: string): boolean {
    return this.state.processedCommandIds.includes(commandId);
  }

  /** True when the transition table allows `command` in the current status. */
  can(command: OrderCommand): boolean {
    return nextStatus(this.state.status, command) !== undefined;
  }

  /** Accepts the order when `issues` is empty, rejects it with every issue otherwise. */
  validate(issues: readonly Issue[], ctx: CommandContext): void {
    if (issues.length === 0) {
      this.transition("validate", ctx, {}, [
        ["OrderValidated", { total: this.total, currency: this.currency }],
      ]);
    } else {
      this.transition("reject", ctx, { reasons: issues }, [["OrderRejected", { reasons: issues }]]);
    }
  }

  /** Refuses a validated order for a reason of the store's (`STORE_CLOSED`, `STORE_AT_CAPACITY`), before payment. */
  refuse(reason: { readonly code: string; readonly message: string }, ctx: CommandContext): void {
    const reasons: Issue[] = [{ path: "", code: reason.code, message: reason.message }];
    this.transition("reject", ctx, { reasons }, [["OrderRejected", { reasons }]]);
  }

  startPayment(ctx: CommandContext): void {
    this.transition("startPayment", ctx, {}, [
      ["OrderPaymentStarted", { amount: this.total, currency: this.currency }],
    ]);
  }

  /**
   * Records a captured payment; on an order cancelled meanwhile it records that
   * the money is owed back. An order takes one payment: on a cancelled order
   * whose payment is already recorded, it changes nothing (its refund, owed or
   * issued, stays as it is).
   */
  recordPaymentSuccess(paymentId: string, ctx: CommandContext): void {
    const payment = { paymentId, amount: this.total };
    if (this.status === OrderStatus.CANCELLED) {
      if (this.state.payment !== undefined) return;
      const refund = { amount: this.total, currency: this.currency, paymentId };
      this.transition("recordPaymentSuccess", ctx, { payment, ...owing(refund) }, [
        ["OrderRefundRequired", refund],
      ]);
      return;
    }
    this.transition("recordPaymentSuccess", ctx, { payment }, [
      ["OrderPaid", { paymentId, amount: this.total, currency: this.currency }],
    ]);
  }

  recordPaymentFailure(reason: string, ctx: CommandContext): void {
    // A failed payment on an order cancelled meanwhile changes nothing a client cares about.
    const events: EventSpec[] =
      this.status === OrderStatus.CANCELLED ? [] : [["OrderPaymentFailed", { reason }]];
    this.transition("recordPaymentFailure", ctx, { paymentFailure: { reason } }, events);
  }

  /**
   * Whether a payment was started and its outcome is not recorded yet: the
   * order is `PAYMENT_PENDING`, or was cancelled while it was (a charge that
   * succeeded meanwhile must still be recorded, with the refund it is owed).
   */
  awaitsPaymentOutcome(): boolean {
    if (this.status === OrderStatus.PAYMENT_PENDING) return true;
    const { cancellation, payment, paymentFailure } = this.state;
    return (
      this.status === OrderStatus.CANCELLED &&
      cancellation?.previousStatus === OrderStatus.PAYMENT_PENDING &&
      payment === undefined &&
      paymentFailure === undefined
    );
  }

  confirm(ctx: CommandContext): void {
    this.transition("confirm", ctx, {}, [["OrderConfirmed", { total: this.total, currency: this.currency }]]);
  }

  fulfil(ctx: CommandContext): void {
    this.transition("fulfil", ctx, {}, [["OrderFulfilled", {}]]);
  }

  /**
   * A client's cancel request. Cancelling a cancelled order is a no-op; a refusal
   * (fulfilled or rejected order) is a recorded outcome, not an exception, so the
   * client can see it. A paid order records the refund it is owed.
   */
  cancel(reason: string, ctx: CommandContext): CancelOutcome {
    const previousStatus = this.status;
    if (previousStatus === OrderStatus.CANCELLED) return "ALREADY_CANCELLED";
    if (!this.can("cancel")) {
      const reasons = [
        {
          path: "status",
          code: "CANCEL_NOT_ALLOWED",
          message: `an order in status ${previousStatus} cannot be cancelled`,
        },
      ];
      this.apply(ctx, { lastRejectedRequest: { request: "cancel", reasons, at: isoTime(ctx.at) } }, [
        ["CancellationRejected", { reason: reasons[0]!.message, status: previousStatus }],
      ]);
      return "REFUSED";
    }
    const refund = this.state.payment
      ? {
          amount: this.state.payment.amount,
          currency: this.currency,
          paymentId: this.state.payment.paymentId,
        }
      : undefined;
    this.transition(
      "cancel",
      ctx,
      { cancellation: { reason, previousStatus }, ...(refund ? owing(refund) : {}) },
      [["OrderCancelled", { reason, previousStatus, ...(refund ? { refund } : {}) }]],
    );
    return "CANCELLED";
  }

  /**
   * The refund this order owes or gave back, if any. An order stored before
   * `refund` existed has only `refundOwed`: it reads as `OWED`.
   */
  get refund(): Refund | undefined {
    const { refund, refundOwed } = this.state;
    if (refund) return refund;
    return refundOwed ? { ...refundOwed, status: "OWED" } : undefined;
  }

  /**
   * Records that the payment gateway issued the refund owed, under its
   * `refundId`: the refund becomes `REFUNDED` (and `refundOwed` goes), with an
   * `OrderRefunded` event. Once only: a second record, or one on an order that
   * owes nothing, changes nothing. Legal only on a cancelled order (the table).
   */
  recordRefund(refundId: string, ctx: CommandContext): RecordRefundOutcome {
    if (nextStatus(this.status, "recordRefund") === undefined) {
      throw new IllegalTransitionError(this.id, this.status, "recordRefund");
    }
    const refund = this.refund;
    if (refund === undefined) return "NOTHING_OWED";
    if (refund.status === "REFUNDED") return "ALREADY_REFUNDED";
    // Never more back than was taken: the refund was made from the payment, and must still match it.
    const charged = this.state.payment;
    if (charged === undefined || charged.paymentId !== refund.paymentId || refund.amount > charged.amount) {
      throw new RefundExceedsPaymentError(this.id, refund, charged);
    }
    const { amount, currency, paymentId } = refund;
    this.transition(
      "recordRefund",
      ctx,
      { refund: { amount, currency, paymentId, status: "REFUNDED", refundId }, refundOwed: undefined },
      [["OrderRefunded", { amount, currency, paymentId, refundId }]],
    );
    return "REFUNDED";
  }

  /**
   * A client's modify request, already re-validated by the caller: `issues` holds
   * what business validation found wrong with the changed order. Modification is
   * refused once payment has started.
   */
  modify(
    changes: OrderChanges,
    issues: readonly Issue[],
    ctx: CommandContext,
    /** When the client made the request (ISO 8601); orders requests that arrive out of order. */
    requestedAt?: string,
  ): ModifyOutcome {
    const status = this.status;
    const last = this.state.lastModificationRequestedAt;
    const considered =
      requestedAt !== undefined && (last === undefined || requestedAt > last) ? requestedAt : last;
    const refuse = (reasons: readonly Issue[]): ModifyOutcome => {
      this.apply(
        ctx,
        {
          lastRejectedRequest: { request: "modify", reasons, at: isoTime(ctx.at) },
          ...(considered === undefined ? {} : { lastModificationRequestedAt: considered }),
        },
        [["ModificationRejected", { reasons, status }]],
      );
      return "REFUSED";
    };
    if (requestedAt !== undefined && last !== undefined && requestedAt < last) {
      return refuse([
        {
          path: "",
          code: "MODIFICATION_SUPERSEDED",
          message: `a modification requested later (${last}) was already considered`,
        },
      ]);
    }
    if (!this.can("modify")) {
      return refuse([
        {
          path: "status",
          code: "MODIFY_NOT_ALLOWED",
          message: `an order in status ${status} can no longer be modified`,
        },
      ]);
    }
    if (issues.length > 0) return refuse(issues);

    const before = {
      items: this.state.items,
      total: this.state.total,
      shippingAddress: this.state.shippingAddress,
    };
    const items = changes.items ? toLines(changes.items) : before.items;
    const shippingAddress = changes.shippingAddress
      ? copyAddress(changes.shippingAddress)
      : before.shippingAddress;
    const changed: ("items" | "shippingAddress")[] = [];
    if (!sameJson(items, before.items)) changed.push("items");
    if (!sameJson(shippingAddress, before.shippingAddress)) changed.push("shippingAddress");
    const ordering = considered === undefined ? {} : { lastModificationRequestedAt: considered };
    if (changed.length === 0) {
      // Nothing to change, and nothing to publish; but the request is remembered, so that its
      // redelivery is a duplicate rather than a second answer (refused, once the order moved on).
      this.transition("modify", ctx, ordering, []);
      return "UNCHANGED";
    }

    const after = { items, total: sumMinorUnits(items.map((line) => line.lineTotal)), shippingAddress };
    // From now on the order's fields no longer say what was placed: keep its fingerprint.
    const placement = { placementFingerprint: placementFingerprintOf(this.state) };
    this.transition("modify", ctx, { ...after, ...ordering, ...placement }, [
      ["OrderModified", { old: before, new: after, changed }],
    ]);
    return "MODIFIED";
  }

  /**
   * A client's request about this order (cancel, modify), as the event that
   * carries it to the order's own flow. It changes nothing and records nothing:
   * the flow decides. Its id is the command id, so a retried request is
   * recognised downstream; it carries the version the request saw.
   */
  request<K extends keyof RequestEventData>(
    type: K,
    data: RequestEventData[K],
    ctx: CommandContext,
  ): RequestEvent {
    return {
      id: ctx.commandId,
      type,
      schemaVersion: EVENT_SCHEMA_VERSION,
      occurredAt: ctx.at.toISOString(),
      orderId: this.id,
      orderVersion: this.version,
      correlationId: ctx.correlationId,
      causationId: ctx.causationId ?? ctx.commandId,
      data,
    } as RequestEvent;
  }

  /** Events recorded since the order was loaded, without removing them. */
  peekEvents(): readonly OrderEvent[] {
    return this.recorded;
  }

  /** Hands over the recorded events and forgets them (after they have been saved). */
  pullEvents(): OrderEvent[] {
    const events = this.recorded;
    this.recorded = [];
    return events;
  }

  private summary(): OrderEventData["OrderPlaced"] {
    const { customerId, currency, items, total, shippingAddress } = this.state;
    return { customerId, currency, items, total, shippingAddress };
  }

  private transition(
    command: OrderCommand,
    ctx: CommandContext,
    changes: Partial<OrderSnapshot>,
    events: readonly EventSpec[],
  ): void {
    const to = nextStatus(this.status, command);
    if (to === undefined) throw new IllegalTransitionError(this.id, this.status, command);
    this.apply(ctx, changes, events, to);
  }

  /** The single place where state changes: bumps the version, remembers the command, records events. */
  private apply(
    ctx: CommandContext,
    changes: Partial<OrderSnapshot>,
    events: readonly EventSpec[],
    status: OrderStatus = this.state.status,
  ): void {
    const version = this.state.version + 1;
    const at = isoTime(ctx.at);
    const processed = [...this.state.processedCommandIds, ctx.commandId].slice(-PROCESSED_COMMANDS_WINDOW);
    this.state = nextState(this.state, changes, status, version, at, processed);
    const orderId = this.state.orderId;
    const causationId = ctx.causationId ?? ctx.commandId;
    for (let index = 0; index < events.length; index++) {
      const [type, data] = events[index]!;
      this.recorded.push({
        id: `${orderId}:${version}:${index}`,
        type,
        schemaVersion: EVENT_SCHEMA_VERSION,
        occurredAt: at,
        orderId,
        orderVersion: version,
        correlationId: ctx.correlationId,
        causationId,
        data,
      } as OrderEvent);
    }
  }
}

/**
 * `{ ...state, ...changes, status, version, updatedAt, processedCommandIds }`, written
 * out: a stored snapshot is frozen, and spreading a frozen object is several
 * times slower than reading its fields. Measured with `npm run bench`: the
 * plain spread costs about 15 % of the pipeline's ratio to its baseline. The
 * fields every snapshot has come first, then any other field of `state`
 * (optional ones, or unknown ones kept as they are), then `changes`.
 */
function nextState(
  state: OrderSnapshot,
  changes: Partial<OrderSnapshot>,
  status: OrderStatus,
  version: number,
  updatedAt: string,
  processedCommandIds: readonly string[],
): OrderSnapshot {
  const next: Record<string, unknown> = {
    orderId: state.orderId,
    customerId: state.customerId,
    currency: state.currency,
    items: state.items,
    shippingAddress: state.shippingAddress,
    total: state.total,
    status,
    version,
    createdAt: state.createdAt,
    updatedAt,
    correlationId: state.correlationId,
    processedCommandIds,
  };
  for (const key in state) {
    if (!Object.hasOwn(next, key)) next[key] = (state as unknown as Record<string, unknown>)[key];
  }
  for (const key in changes) {
    if (key !== "status" && key !== "version" && key !== "updatedAt" && key !== "processedCommandIds") {
      next[key] = (changes as Record<string, unknown>)[key];
    }
  }
  return next as unknown as OrderSnapshot;
}

/** The snapshot fields that record a refund owed: `refund` (OWED), and `refundOwed` for older readers. */
function owing(refund: RefundOwed): Pick<OrderSnapshot, "refund" | "refundOwed"> {
  return { refund: { ...refund, status: "OWED" }, refundOwed: refund };
}

type EventSpec = { [K in OrderEventType]: readonly [K, OrderEventData[K]] }[OrderEventType];

/** Fingerprint of the fields a client chooses when placing an order. */
export function placementFingerprint(input: NewOrder): string {
  // Lines and address are built with a fixed key order, so plain JSON is already canonical.
  const lines = toLines(input.items);
  const address = copyAddress(input.shippingAddress);
  return fingerprintOfCanonical(
    JSON.stringify([input.orderId, input.customerId, input.currency, lines, address]),
  );
}

/**
 * Whether `input` places the same order as the one stored under its id: a
 * repeated placement (a retry) rather than a clash of ids.
 */
export function isSamePlacement(stored: OrderSnapshot, input: NewOrder): boolean {
  return placementFingerprintOf(stored) === placementFingerprint(input);
}

/**
 * The recorded placement fingerprint, or (never modified) the one of the
 * order's own fields, rebuilt in a fixed key order: a store may hand back its
 * maps with their keys in any order.
 */
function placementFingerprintOf(state: OrderSnapshot): string {
  return state.placementFingerprint ?? placementFingerprint(state);
}

// Date.prototype.toISOString is slow next to everything else a command does, and
// commands come many per second: its text up to the second is made once per
// second, and only the milliseconds are written for each call. Measured with
// `npm run bench`: plain `toISOString()` costs about 15 % of the pipeline's
// ratio to its baseline.
let isoSecond = Number.NaN;
let isoSecondPrefix = "";
/** `.000Z` … `.999Z`, made as needed: each timestamp is then one concatenation of two shared strings. */
const isoMillisecondSuffixes: string[] = [];

/** Exactly `date.toISOString()` (a RangeError for an invalid date, like it). */
function isoTime(date: Date): string {
  const time = date.getTime();
  const second = Math.floor(time / 1000);
  if (second !== isoSecond) {
    // Throws for an invalid date; `YYYY-MM-DDTHH:mm:ss.000Z`, or an expanded year, minus `.000Z`.
    isoSecondPrefix = new Date(second * 1000).toISOString().slice(0, -5);
    isoSecond = second;
  }
  const ms = time - second * 1000;
  let suffix = isoMillisecondSuffixes[ms];
  if (suffix === undefined) {
    suffix = `.${String(ms).padStart(3, "0")}Z`;
    isoMillisecondSuffixes[ms] = suffix;
  }
  return isoSecondPrefix + suffix;
}

function toLines(items: readonly OrderItemInput[]): OrderLine[] {
  return items.map((item) => ({
    sku: item.sku,
    quantity: item.quantity,
    unitPrice: item.unitPrice,
    lineTotal: lineTotal(item.unitPrice, item.quantity),
  }));
}

function copyAddress(address: AddressInput): Address {
  const { line1, line2, city, region, postalCode, country } = address;
  return {
    line1,
    ...(line2 === undefined ? {} : { line2 }),
    city,
    ...(region === undefined ? {} : { region }),
    postalCode,
    country,
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
