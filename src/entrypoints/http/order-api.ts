import { createHash } from "node:crypto";
import type { Product } from "../../domain/business-rules.js";
import { IllegalTransitionError, OrderNotFoundError } from "../../domain/errors.js";
import { fingerprint } from "../../domain/fingerprint.js";
import type { OrderStatus } from "../../domain/lifecycle.js";
import {
  CancelOrderSchema,
  ModifyOrderSchema,
  type PlaceOrderInput,
  PlaceOrderSchema,
  parseOrThrow,
} from "../../domain/schemas.js";
import type { GetOrder, OrderView } from "../../domain/use-cases/get-order.js";
import type { PlaceOrder } from "../../domain/use-cases/place-order.js";
import type { RequestOrderChange } from "../../domain/use-cases/request-change.js";
import type { FulfilOrder } from "../../domain/use-cases/simple-transitions.js";
import type { Clock } from "../../ports/clock.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { IdempotencyStore } from "../../ports/idempotency-store.js";
import type { ProductCatalog } from "../../ports/product-catalog.js";

import { requireOperator } from "./authorization.js";
import type { Caller } from "./http-types.js";
import { withIdempotencyKey } from "./idempotent-request.js";

export { IDEMPOTENCY_IN_PROGRESS_TIMEOUT_MS, IDEMPOTENCY_TTL_MS } from "./idempotent-request.js";

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

/** What the API operations call: the use cases, and what answering a request needs besides. */
export interface OrderApiDeps {
  readonly placeOrder: PlaceOrder;
  readonly getOrder: GetOrder;
  readonly requestChange: RequestOrderChange;
  readonly fulfilOrder: FulfilOrder;
  readonly catalog: Pick<ProductCatalog, "listProducts">;
  readonly idempotency: IdempotencyStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/**
 * The operations of the public HTTP API, free of HTTP: the API Gateway handler
 * and the local runner translate requests to these calls and errors to status
 * codes (`VALIDATION_FAILED` → 400, `ORDER_NOT_FOUND` → 404,
 * `IDEMPOTENCY_KEY_CONFLICT` / `ORDER_ALREADY_EXISTS` → 409). Each checks the
 * body's structure and calls one use case; the `Idempotency-Key` header, a
 * promise of HTTP requests, is kept here.
 */
export class OrderApi {
  constructor(private readonly deps: OrderApiDeps) {}

  /**
   * Accepts a PlaceOrder: checks its structure and places it (the order is
   * recorded as `RECEIVED`, so `GET /orders/{id}` finds it at once, and its
   * validation is queued). A retried request (same `Idempotency-Key`, or the
   * same `orderId` and body) places nothing twice.
   */
  async placeOrder(body: unknown, meta: RequestMeta = {}): Promise<PlacedOrder> {
    const input = parseOrThrow(PlaceOrderSchema, body, "PlaceOrder");
    const key = meta.idempotencyKey;
    if (key === undefined) return this.placeOnce(input, meta);
    // Without an orderId, the id comes from the key: a retry after a failed or
    // timed-out attempt places the same order again, never a second one.
    return withIdempotencyKey(this.deps, key, fingerprint(input), () =>
      this.placeOnce(input, meta, input.orderId ?? orderIdForKey(key)),
    );
  }

  private async placeOnce(
    input: PlaceOrderInput,
    meta: RequestMeta,
    orderId: string = input.orderId ?? this.deps.ids.next(),
  ): Promise<PlacedOrder> {
    // One command id per order: every attempt to place it is the same command to the intake queue.
    const commandId = `place-${orderId}`;
    const correlationId = meta.correlationId ?? this.deps.ids.next();
    const placed = await this.deps.placeOrder.execute({
      commandId,
      correlationId,
      order: { ...input, orderId },
    });
    return { orderId, status: placed.order.status };
  }

  async getOrder(orderId: string): Promise<OrderView> {
    const order = await this.deps.getOrder.execute(orderId);
    if (!order) throw new OrderNotFoundError(orderId);
    return order;
  }

  /** Publishes a `CancellationRequested`; the outcome arrives as the order's status. */
  async cancelOrder(orderId: string, body: unknown, meta: RequestMeta = {}): Promise<AcceptedRequest> {
    const request = parseOrThrow(CancelOrderSchema, body, "cancel request");
    const event = await this.deps.requestChange.requestCancellation(orderId, request, this.commandMeta(meta));
    return { orderId, requestId: event.id };
  }

  /** Publishes a `ModificationRequested`; the outcome arrives as the order's state. */
  async modifyOrder(orderId: string, body: unknown, meta: RequestMeta = {}): Promise<AcceptedRequest> {
    const changes = parseOrThrow(ModifyOrderSchema, body, "modification");
    const event = await this.deps.requestChange.requestModification(orderId, changes, this.commandMeta(meta));
    return { orderId, requestId: event.id };
  }

  /**
   * Fulfils a confirmed order (the operator's action): it moves to FULFILLED.
   * Fulfilling a fulfilled order again changes nothing.
   * @throws OrderNotFoundError; IllegalTransitionError in any other status; ForbiddenError unless an operator.
   */
  async fulfilOrder(orderId: string, meta: RequestMeta = {}, caller?: Caller): Promise<PlacedOrder> {
    requireOperator(caller, "fulfil orders");
    const result = await this.deps.fulfilOrder.execute({
      orderId,
      // One fulfilment per order, whatever the retries.
      commandId: `fulfil-${orderId}`,
      correlationId: meta.correlationId ?? this.deps.ids.next(),
      causationId: `fulfil-${orderId}`,
    });
    if (result.order === undefined) throw new OrderNotFoundError(orderId);
    if (!result.applied && result.order.status !== "FULFILLED") {
      throw new IllegalTransitionError(orderId, result.order.status, "fulfil");
    }
    return { orderId, status: result.order.status };
  }

  async listProducts(): Promise<{ products: readonly Product[] }> {
    return { products: await this.deps.catalog.listProducts() };
  }

  private commandMeta(meta: RequestMeta) {
    const commandId = this.deps.ids.next();
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
