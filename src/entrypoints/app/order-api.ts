import { createHash } from "node:crypto";
import type { Product } from "../../domain/business-rules.js";
import { OrderAlreadyExistsError, OrderNotFoundError } from "../../domain/errors.js";
import { fingerprint } from "../../domain/fingerprint.js";
import type { OrderStatus } from "../../domain/lifecycle.js";
import { isSamePlacement } from "../../domain/order.js";
import {
  CancelOrderSchema,
  ModifyOrderSchema,
  PlaceOrderSchema,
  parseOrThrow,
} from "../../domain/schemas.js";
import { type OrderView, toOrderView } from "../../domain/use-cases/get-order.js";
import { PlaceOrder } from "../../domain/use-cases/place-order.js";
import { RequestOrderChange } from "../../domain/use-cases/request-change.js";
import { placeOrderMessage } from "./messages.js";
import type { OrderServices } from "./services.js";

/** How long an idempotency key is remembered, and how long an unfinished attempt holds it. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const IDEMPOTENCY_IN_PROGRESS_TIMEOUT_MS = 30 * 1000;

export interface RequestMeta {
  /** The client's `Idempotency-Key` header. */
  readonly idempotencyKey?: string | undefined;
  /** Propagated to every message the request causes; generated when absent. */
  readonly correlationId?: string | undefined;
}

export interface PlacedOrder {
  readonly orderId: string;
  readonly status: OrderStatus;
}

export interface AcceptedRequest {
  readonly orderId: string;
  readonly requestId: string;
}

/**
 * The operations of the public HTTP API, free of HTTP: the API Gateway handler
 * and the local runner translate requests to these calls and errors to status
 * codes (`VALIDATION_FAILED` → 400, `ORDER_NOT_FOUND` → 404,
 * `IDEMPOTENCY_KEY_CONFLICT` / `ORDER_ALREADY_EXISTS` → 409).
 */
export class OrderApi {
  private readonly place: PlaceOrder;
  private readonly requests: RequestOrderChange;

  constructor(private readonly services: OrderServices) {
    this.place = new PlaceOrder(services);
    this.requests = new RequestOrderChange(services);
  }

  /**
   * Accepts a PlaceOrder: validates its structure, sends the command to the
   * intake FIFO queue (the durable record of the request), then records the
   * order as `RECEIVED` so it can be read at once. Both steps are idempotent,
   * so a retried request (same `Idempotency-Key`, or same `orderId`) sends and
   * records nothing twice.
   */
  async placeOrder(body: unknown, meta: RequestMeta = {}): Promise<PlacedOrder> {
    const input = parseOrThrow(PlaceOrderSchema, body, "PlaceOrder");
    const key = meta.idempotencyKey;
    if (key === undefined) return this.placeOnce(input, meta);
    const { idempotency } = this.services;
    const options = {
      now: this.services.clock.now(),
      ttlMs: IDEMPOTENCY_TTL_MS,
      inProgressTimeoutMs: IDEMPOTENCY_IN_PROGRESS_TIMEOUT_MS,
    };
    const begun = await idempotency.begin(key, fingerprint(input), options);
    if (begun.status === "COMPLETED") return begun.result as PlacedOrder;
    try {
      // Without an orderId, the id comes from the key: a retry after a failed or
      // timed-out attempt places the same order again, never a second one.
      const placed = await this.placeOnce(input, meta, input.orderId ?? orderIdForKey(key));
      await idempotency.complete(key, placed, options);
      return placed;
    } catch (error) {
      // Releasing only lets a retry in sooner; if it fails the key expires by itself. The request's error matters.
      await idempotency.release(key).catch(() => undefined);
      throw error;
    }
  }

  private async placeOnce(
    input: ReturnType<typeof PlaceOrderSchema.parse>,
    meta: RequestMeta,
    orderId: string = input.orderId ?? this.services.ids.next(),
  ): Promise<PlacedOrder> {
    const order = { ...input, orderId };
    const existing = await this.services.orders.get(order.orderId);
    if (existing) {
      if (!isSamePlacement(existing.order.snapshot(), order)) {
        throw new OrderAlreadyExistsError(order.orderId);
      }
      return { orderId: order.orderId, status: existing.order.status };
    }
    const commandId = `place-${order.orderId}`;
    const correlationId = meta.correlationId ?? this.services.ids.next();
    await this.services.intakeQueue.send([
      {
        id: commandId,
        body: placeOrderMessage({ type: "PlaceOrder", commandId, correlationId, order }),
        groupId: order.orderId,
        deduplicationId: commandId,
        attributes: { type: "PlaceOrder", correlationId },
      },
    ]);
    // Read just above: the order did not exist, so placing it needs no second read. Its OrderPlaced
    // stays in its outbox: the intake consumer, which the command just sent always reaches, publishes it
    // with OrderValidated. The request then waits on three requests to AWS rather than five.
    const placed = await this.place.execute(
      { commandId, correlationId, order },
      { stored: undefined },
      { publish: "with-next-change" },
    );
    return { orderId: order.orderId, status: placed.order.status };
  }

  async getOrder(orderId: string): Promise<OrderView> {
    const stored = await this.services.orders.get(orderId);
    if (!stored) throw new OrderNotFoundError(orderId);
    return toOrderView(stored.order.snapshot());
  }

  /** Publishes a `CancellationRequested`; the outcome arrives as the order's status. */
  async cancelOrder(orderId: string, body: unknown, meta: RequestMeta = {}): Promise<AcceptedRequest> {
    const request = parseOrThrow(CancelOrderSchema, body, "cancel request");
    const event = await this.requests.requestCancellation(orderId, request, this.commandMeta(meta));
    return { orderId, requestId: event.id };
  }

  /** Publishes a `ModificationRequested`; the outcome arrives as the order's state. */
  async modifyOrder(orderId: string, body: unknown, meta: RequestMeta = {}): Promise<AcceptedRequest> {
    const changes = parseOrThrow(ModifyOrderSchema, body, "modification");
    const event = await this.requests.requestModification(orderId, changes, this.commandMeta(meta));
    return { orderId, requestId: event.id };
  }

  async listProducts(): Promise<{ products: readonly Product[] }> {
    return { products: await this.services.catalog.listProducts() };
  }

  private commandMeta(meta: RequestMeta) {
    const commandId = this.services.ids.next();
    return { commandId, correlationId: meta.correlationId ?? commandId };
  }
}

/**
 * The order id of a request that gave an `Idempotency-Key` but no `orderId`:
 * derived from the key (SHA-256, 192 bits), so every attempt of that request
 * names the same order.
 */
export function orderIdForKey(key: string): string {
  return `k-${createHash("sha256").update(key, "utf8").digest("base64url").slice(0, 32)}`;
}
