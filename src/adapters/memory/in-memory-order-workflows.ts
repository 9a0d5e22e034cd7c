import type { OrderWorkflows } from "../../ports/order-workflows.js";

/**
 * {@link OrderWorkflows} as a record of what was asked: the executions
 * started, one per order, and the fulfilment waits open, by token. It runs
 * nothing (the in-memory pipeline runs the definition itself, with
 * `orchestration: "workflow"`); tests open a wait with {@link beginWait}, as an
 * execution's fulfilment task would.
 */
export class InMemoryOrderWorkflows implements OrderWorkflows {
  /** Each started execution's input, by order id. */
  readonly executions = new Map<string, { readonly correlationId: string }>();
  private readonly waits = new Map<string, string>();
  private tokens = 0;

  async start(orderId: string, correlationId: string): Promise<void> {
    if (!this.executions.has(orderId)) this.executions.set(orderId, { correlationId });
  }

  async completeFulfilment(taskToken: string): Promise<boolean> {
    return this.waits.delete(taskToken);
  }

  /** Opens the order's fulfilment wait, as its execution's task would. @returns the wait's task token. */
  beginWait(orderId: string): string {
    const token = `wait-${++this.tokens}-${orderId}`;
    this.waits.set(token, orderId);
    return token;
  }

  /** Whether the order's execution is waiting for fulfilment. */
  isWaiting(orderId: string): boolean {
    return [...this.waits.values()].includes(orderId);
  }
}
