import { OrderNotFoundError } from "../errors.js";
import type { RequestEvent, RequestEventData } from "../events.js";
import type { Clock, EventBus, OrderRepository } from "../ports.js";
import { type CommandMeta, contextFor } from "./unit-of-work.js";

export interface RequestChangeDeps {
  readonly orders: Pick<OrderRepository, "get">;
  readonly bus: EventBus;
  readonly clock: Clock;
}

/**
 * Publishes a client's cancel or modify request for the order's own flow to
 * apply (the API answers 202; the outcome arrives as the order's state). The
 * request event's id is the command id, so a retried request is recognised
 * downstream. Unknown orders are refused here, before anything is published.
 */
export class RequestOrderChange {
  constructor(private readonly deps: RequestChangeDeps) {}

  requestCancellation(orderId: string, data: RequestEventData["CancellationRequested"], meta: CommandMeta) {
    return this.publish(orderId, "CancellationRequested", data, meta);
  }

  requestModification(orderId: string, data: RequestEventData["ModificationRequested"], meta: CommandMeta) {
    return this.publish(orderId, "ModificationRequested", data, meta);
  }

  private async publish<K extends keyof RequestEventData>(
    orderId: string,
    type: K,
    data: RequestEventData[K],
    meta: CommandMeta,
  ): Promise<RequestEvent> {
    const stored = await this.deps.orders.get(orderId);
    if (!stored) throw new OrderNotFoundError(orderId);
    const event = stored.order.request(type, data, contextFor(meta, this.deps.clock));
    await this.deps.bus.publish([event]);
    return event;
  }
}
