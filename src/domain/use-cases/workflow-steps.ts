import { OrderNotFoundError } from "../errors.js";
import { OrderStatus } from "../lifecycle.js";
import type { OrderSnapshot } from "../order.js";
import type { OrderRepository, PaymentGateway, StoreSettingsRepository } from "../ports.js";
import { type StoreRefusal, storeRefusal } from "../store-settings.js";
import { CancelOrder } from "./cancel-order.js";
import { paymentIdempotencyKey } from "./process-order.js";
import { RecordPayment } from "./record-payment.js";
import { ConfirmOrder } from "./simple-transitions.js";
import { type CommandMeta, changeOrder, contextFor, type UnitOfWorkDeps } from "./unit-of-work.js";

export interface WorkflowStepsDeps extends UnitOfWorkDeps {
  readonly payments: Pick<PaymentGateway, "charge">;
  readonly settings: Pick<StoreSettingsRepository, "get">;
  readonly orders: OrderRepository;
}

/** A step's order and the request it came from; the command ids derive from the step, so a retried step is the same command. */
export interface WorkflowStepInput {
  readonly orderId: string;
  readonly correlationId: string;
}

/** A charge the gateway declined: the workflow records it (its `name` is what the definition catches). */
export class PaymentDeclinedError extends Error {
  override readonly name = "Orderflow.PaymentDeclined";
}

/** The statuses of an order the store took: its payment started (the workflow checks the store before). */
const TAKEN_BY_THE_STORE: ReadonlySet<OrderStatus> = new Set([
  OrderStatus.PAYMENT_PENDING,
  OrderStatus.PAID,
  OrderStatus.CONFIRMED,
]);

/** Why the workflow cancels an order nobody fulfilled in time. */
export const FULFILMENT_TIMEOUT_REASON = "FULFILMENT_TIMEOUT";

const STORE_REFUSAL_MESSAGES: Readonly<Record<StoreRefusal, string>> = {
  STORE_CLOSED: "the store is closed",
  STORE_AT_CAPACITY: "the store has as many orders awaiting fulfilment as it can take",
};

/**
 * The workflow's steps, each over the existing use cases and the order's
 * guarded transitions, so that the workflow only orders them: a step retried
 * or run twice changes nothing (each is keyed by the order's status and a
 * command id derived from the step).
 */
export class WorkflowSteps {
  private readonly recordPayment: RecordPayment;
  private readonly confirmOrder: ConfirmOrder;
  private readonly cancelOrder: CancelOrder;

  constructor(private readonly deps: WorkflowStepsDeps) {
    this.recordPayment = new RecordPayment(deps);
    this.confirmOrder = new ConfirmOrder(deps);
    this.cancelOrder = new CancelOrder(deps);
  }

  /**
   * Whether the store takes the order now: open, and under its capacity of
   * orders awaiting fulfilment. An order whose payment has started was taken
   * already (an execution started again, as on a restart, begins here too):
   * it goes on whatever the store says now, rather than stopping half paid.
   */
  async checkStore(input: WorkflowStepInput): Promise<{ accepted: boolean; reason?: StoreRefusal }> {
    const settings = await this.deps.settings.get();
    const awaiting = await this.deps.orders.countByStatus(OrderStatus.CONFIRMED, {
      atMost: settings.capacity,
    });
    const reason = storeRefusal(settings, awaiting);
    if (reason === undefined) return { accepted: true };
    const status = (await this.deps.orders.get(input.orderId))?.order.status;
    if (status !== undefined && TAKEN_BY_THE_STORE.has(status)) return { accepted: true };
    return { accepted: false, reason };
  }

  /** Rejects the validated order for the store's reason (the customer is told, as for any rejection). */
  async rejectOrder(input: WorkflowStepInput & { readonly reason: StoreRefusal }): Promise<OrderSnapshot> {
    return this.#change(input, "reject", (order, meta) => {
      if (order.status !== OrderStatus.VALIDATED) return;
      order.refuse(
        { code: input.reason, message: STORE_REFUSAL_MESSAGES[input.reason] },
        contextFor(meta, this.deps.clock),
      );
    });
  }

  async startPayment(input: WorkflowStepInput): Promise<OrderSnapshot> {
    return this.#change(input, "start-payment", (order, meta) => {
      if (order.status === OrderStatus.VALIDATED) order.startPayment(contextFor(meta, this.deps.clock));
    });
  }

  /**
   * Charges the order (idempotent by order at the gateway) and records a
   * captured payment, without confirming (the next step does).
   * @throws PaymentDeclinedError when declined (recorded by the next step);
   * what the gateway throws when it cannot be reached (retried).
   */
  async charge(input: WorkflowStepInput): Promise<void> {
    const stored = await this.deps.orders.get(input.orderId);
    if (!stored) throw new OrderNotFoundError(input.orderId);
    const order = stored.order;
    if (!order.awaitsPaymentOutcome()) return;
    const result = await this.deps.payments.charge({
      orderId: order.id,
      amount: order.total,
      currency: order.currency,
      idempotencyKey: paymentIdempotencyKey(order.id),
    });
    if (result.status === "DECLINED") throw new PaymentDeclinedError(result.reason);
    await this.recordPayment.execute({
      ...this.#meta(input, "charge"),
      orderId: order.id,
      result,
      confirm: false,
    });
  }

  /** Records the declined payment: the order ends PAYMENT_FAILED with the gateway's reason. */
  async recordPaymentFailure(input: WorkflowStepInput & { readonly reason: string }): Promise<void> {
    await this.recordPayment.execute({
      ...this.#meta(input, "payment-failure"),
      orderId: input.orderId,
      result: { status: "DECLINED", reason: input.reason },
    });
  }

  async confirm(input: WorkflowStepInput): Promise<void> {
    await this.confirmOrder.execute({ ...this.#meta(input, "confirm"), orderId: input.orderId });
  }

  /**
   * After a charge that could not be completed, or a confirmation that failed
   * after it: a paid order is cancelled (its refund is owed, and issued by the
   * refunds flow); an unpaid one records the payment as failed.
   */
  async compensate(input: WorkflowStepInput & { readonly reason: string }): Promise<void> {
    const stored = await this.deps.orders.get(input.orderId);
    if (!stored) throw new OrderNotFoundError(input.orderId);
    if (stored.order.status === OrderStatus.PAYMENT_PENDING) {
      await this.recordPaymentFailure({
        ...input,
        reason: `payment could not be completed: ${input.reason}`,
      });
    } else if (stored.order.status === OrderStatus.PAID) {
      await this.cancelOrder.execute({
        ...this.#meta(input, "compensate"),
        orderId: input.orderId,
        reason: `not confirmed: ${input.reason}`,
      });
    }
  }

  /** Cancels an order nobody fulfilled in time; it was paid, so its refund is owed. */
  async cancelForTimeout(input: WorkflowStepInput): Promise<void> {
    await this.cancelOrder.execute({
      ...this.#meta(input, "fulfilment-timeout"),
      orderId: input.orderId,
      reason: FULFILMENT_TIMEOUT_REASON,
    });
  }

  #meta(input: WorkflowStepInput, step: string): CommandMeta {
    return { commandId: `workflow-${step}-${input.orderId}`, correlationId: input.correlationId };
  }

  async #change(
    input: WorkflowStepInput,
    step: string,
    apply: (order: Parameters<Parameters<typeof changeOrder>[2]>[0], meta: CommandMeta) => void,
  ): Promise<OrderSnapshot> {
    const meta = this.#meta(input, step);
    const change = await changeOrder(this.deps, input.orderId, (order) => apply(order, meta));
    if (!change.found) throw new OrderNotFoundError(input.orderId);
    return change.order.snapshot();
  }
}
