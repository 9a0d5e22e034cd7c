import { RefundRefusedError } from "../../ports/errors.js";
import type {
  ChargeRequest,
  ChargeResult,
  PaymentGateway,
  RefundRequest,
} from "../../ports/payment-gateway.js";

/**
 * What the gateway answers to the next charge of an order: approve, decline
 * with a reason, or throw (an outage such as `ServiceUnavailableError`).
 */
export type ScriptedOutcome = "SUCCEED" | { readonly decline: string } | { readonly fail: Error };

/**
 * What the gateway answers to the next refund of an order: issue it, throw (an
 * outage such as `ServiceUnavailableError`), or refuse it for good (a
 * {@link RefundRefusedError} with this reason).
 */
export type ScriptedRefundOutcome = "SUCCEED" | { readonly fail: Error } | { readonly refuse: string };

export interface ScriptedPaymentGatewayOptions {
  /** What charges without a scripted outcome get; `"SUCCEED"` by default. */
  readonly defaultOutcome?: "SUCCEED" | "DECLINE" | undefined;
}

/** A charge the gateway answered (each idempotency key once). */
export interface RecordedCharge {
  readonly request: ChargeRequest;
  readonly result: ChargeResult;
}

/** A refund the gateway made (each idempotency key once). */
export interface RecordedRefund {
  readonly request: RefundRequest;
  readonly refundId: string;
}

/** The reason of a decline when the default outcome is `"DECLINE"`. */
export const DEFAULT_DECLINE_REASON = "card declined";

/**
 * A payment gateway for tests and the local runner, behaving like a provider's
 * API with idempotency keys: a key already answered gets the same answer again
 * without consuming a scripted outcome or charging twice; a thrown failure is
 * not remembered, so the retry with the same key takes the next outcome.
 * {@link ScriptedPaymentGateway.hold} keeps charges in flight until released.
 *
 * @example
 * const payments = new ScriptedPaymentGateway();
 * payments.script("order-1", { fail: new ServiceUnavailableError("payments") }, { decline: "insufficient funds" });
 */
export class ScriptedPaymentGateway implements PaymentGateway {
  private readonly defaultOutcome: "SUCCEED" | "DECLINE";
  private readonly scripts = new Map<string, ScriptedOutcome[]>();
  private readonly refundScripts = new Map<string, ScriptedRefundOutcome[]>();
  private readonly chargesByKey = new Map<string, ChargeResult>();
  private readonly refundsByKey = new Map<string, string>();
  private readonly chargeLog: RecordedCharge[] = [];
  private readonly refundLog: RecordedRefund[] = [];
  private paymentCount = 0;
  private refundCount = 0;
  /** Set while charges are held: the callers waiting for their answer, and who waits for them to arrive. */
  private holding?:
    | {
        readonly waiting: { request: ChargeRequest; answer: () => void }[];
        readonly watchers: (() => void)[];
      }
    | undefined;

  constructor(options: ScriptedPaymentGatewayOptions = {}) {
    this.defaultOutcome = options.defaultOutcome ?? "SUCCEED";
  }

  /** Queues outcomes for the next charges of `orderId` (with new idempotency keys), in order. */
  script(orderId: string, ...outcomes: ScriptedOutcome[]): this {
    this.scripts.set(orderId, [...(this.scripts.get(orderId) ?? []), ...outcomes]);
    return this;
  }

  /**
   * Queues outcomes for the next refunds of `orderId`, in order; once they are
   * used up, refunds are issued. A refund already issued under a key is answered
   * again without consuming one.
   */
  scriptRefund(orderId: string, ...outcomes: ScriptedRefundOutcome[]): this {
    this.refundScripts.set(orderId, [...(this.refundScripts.get(orderId) ?? []), ...outcomes]);
    return this;
  }

  /** Every charge answered, in order (a key answered again is not listed twice). */
  get charges(): readonly RecordedCharge[] {
    return this.chargeLog;
  }

  /** Every refund made, in order. */
  get refunds(): readonly RecordedRefund[] {
    return this.refundLog;
  }

  /** Charges that took money (not declined). */
  get succeededCharges(): readonly RecordedCharge[] {
    return this.chargeLog.filter((charge) => charge.result.status === "SUCCEEDED");
  }

  /**
   * Holds the answers of charges from now until {@link release}: a charge is
   * decided and recorded when it arrives, as a provider takes the money at
   * once, but its caller waits for the answer. A charge in flight, held for
   * as long as a test needs to act on the order meanwhile; a retry with the
   * same key is held too, and answered the same.
   */
  hold(): this {
    this.holding ??= { waiting: [], watchers: [] };
    return this;
  }

  /** The charges waiting for their answer, in arrival order. */
  get held(): readonly ChargeRequest[] {
    return this.holding?.waiting.map((charge) => charge.request) ?? [];
  }

  /** Resolves once at least `count` charges are waiting for their answer (see {@link hold}). */
  async whenHeld(count = 1): Promise<void> {
    while (this.held.length < count) {
      if (!this.holding) {
        throw new Error(
          `charges are not held (hold() was not called, or release() came first): ${this.held.length} of ${count} arrived`,
        );
      }
      await new Promise<void>((resolve) => this.holding!.watchers.push(resolve));
    }
  }

  /** Answers every held charge and stops holding. */
  release(): void {
    const holding = this.holding;
    this.holding = undefined;
    for (const charge of holding?.waiting ?? []) charge.answer();
    for (const watcher of holding?.watchers ?? []) watcher();
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const answer = this.decide(request);
    const holding = this.holding;
    if (holding) {
      await new Promise<void>((answer) => {
        holding.waiting.push({ request: { ...request }, answer });
        for (const watcher of holding.watchers.splice(0)) watcher();
      });
    }
    if (answer instanceof Error) throw answer;
    return { ...answer };
  }

  /** The answer to a charge, taking the money now (or the error to throw). */
  private decide(request: ChargeRequest): ChargeResult | Error {
    const answered = this.chargesByKey.get(request.idempotencyKey);
    if (answered) return answered;

    const outcome = this.scripts.get(request.orderId)?.shift() ?? this.defaultOutcome;
    if (typeof outcome === "object" && "fail" in outcome) return outcome.fail;

    const result: ChargeResult =
      outcome === "SUCCEED"
        ? { status: "SUCCEEDED", paymentId: `pay-${String(++this.paymentCount).padStart(6, "0")}` }
        : { status: "DECLINED", reason: outcome === "DECLINE" ? DEFAULT_DECLINE_REASON : outcome.decline };
    this.chargesByKey.set(request.idempotencyKey, result);
    this.chargeLog.push({ request: { ...request }, result });
    return result;
  }

  async refund(request: RefundRequest): Promise<{ readonly refundId: string }> {
    const answered = this.refundsByKey.get(request.idempotencyKey);
    if (answered) return { refundId: answered };
    // As a provider does: a refund gives back (part of) a payment it took, never more.
    const charged = this.chargeLog.find(
      (charge) => charge.result.status === "SUCCEEDED" && charge.result.paymentId === request.paymentId,
    );
    if (!charged) throw new RefundRefusedError(request.orderId, `no payment ${request.paymentId}`);
    if (request.amount > charged.request.amount || request.currency !== charged.request.currency) {
      throw new RefundRefusedError(request.orderId, `more than payment ${request.paymentId} took`);
    }
    const outcome = this.refundScripts.get(request.orderId)?.shift() ?? "SUCCEED";
    if (typeof outcome === "object") {
      // Neither an outage nor a refusal is remembered: the retry with the same key takes the next outcome.
      if ("fail" in outcome) throw outcome.fail;
      throw new RefundRefusedError(request.orderId, outcome.refuse);
    }
    const refundId = `refund-${String(++this.refundCount).padStart(6, "0")}`;
    this.refundsByKey.set(request.idempotencyKey, refundId);
    this.refundLog.push({ request: { ...request }, refundId });
    return { refundId };
  }
}
