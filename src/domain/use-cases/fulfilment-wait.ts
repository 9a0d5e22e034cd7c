import { OrderStatus } from "../lifecycle.js";
import type { Clock, OrderRepository, OrderWorkflows, TaskTokenStore } from "../ports.js";

export interface FulfilmentWaitDeps {
  readonly taskTokens: TaskTokenStore;
  readonly workflows: Pick<OrderWorkflows, "completeFulfilment">;
  readonly orders: Pick<OrderRepository, "get">;
  readonly clock: Clock;
}

/** How long a task token outlives its wait's timeout (the store forgets it after). */
export const TASK_TOKEN_GRACE_MS = 60 * 60 * 1000;

/**
 * The workflow's wait for the operator, by task token. The workflow begins
 * it (its fulfilment task keeps the token); the order's `OrderFulfilled`
 * releases it (the token completes the wait). Whichever of the two comes
 * second completes the wait: the operator may fulfil an order before its
 * execution begins to wait, so `begin` looks at the order after keeping the
 * token, and `release` finds no token yet and leaves the wait to `begin`.
 * Both take the token, so one of them completes it.
 */
export class FulfilmentWait {
  constructor(private readonly deps: FulfilmentWaitDeps) {}

  /** Keeps the wait's token, then releases it at once when the order was fulfilled meanwhile. */
  async begin(input: {
    readonly orderId: string;
    readonly taskToken: string;
    readonly timeoutSeconds: number;
  }) {
    const expiresAt = new Date(
      this.deps.clock.now().getTime() + input.timeoutSeconds * 1000 + TASK_TOKEN_GRACE_MS,
    );
    await this.deps.taskTokens.save(input.orderId, input.taskToken, { expiresAt });
    const stored = await this.deps.orders.get(input.orderId);
    if (stored?.order.status === OrderStatus.FULFILLED) await this.release(input.orderId);
  }

  /**
   * Completes the order's wait with its token, if one is kept.
   * @returns whether a wait was completed (false: none was waiting, or it had ended).
   */
  async release(orderId: string): Promise<boolean> {
    const token = await this.deps.taskTokens.take(orderId);
    if (token === undefined) return false;
    try {
      return await this.deps.workflows.completeFulfilment(token);
    } catch (error) {
      // Keep the token for the retry of whoever released it (the queue redelivers the event).
      const expiresAt = new Date(this.deps.clock.now().getTime() + TASK_TOKEN_GRACE_MS);
      await this.deps.taskTokens.save(orderId, token, { expiresAt });
      throw error;
    }
  }
}
