import { describe, expect, it } from "vitest";
import type { OrderflowEvent } from "../../src/domain/events.js";
import { handleHttpRequest } from "../../src/entrypoints/http/http-core.js";
import type { HttpResponse } from "../../src/entrypoints/http/http-types.js";
import { InMemoryOrderflow } from "../../src/entrypoints/in-memory/in-memory-orderflow.js";
import { MemoryBackend } from "../../src/entrypoints/local/memory-backend.js";
import { handleOperatorRequest } from "../../src/entrypoints/local/operator-routes.js";
import { InMemoryLogger } from "../../src/memory.js";
import type { EventBus } from "../../src/ports/event-bus.js";

/**
 * "202 means durable" for cancel and modify: the API answers 202 only once the
 * bus accepted the request event; a bus that refuses it gives a 503 and no
 * 202; and a request the bus accepted but could not deliver to its queue waits
 * in the rule's dead-letter queue (seen, logged, redriven), never nowhere.
 */

const REQUESTS = {
  cancel: {
    method: "POST",
    path: (id: string) => `/orders/${id}/cancel`,
    json: { reason: "changed my mind" },
  },
  modify: {
    method: "PATCH",
    path: (id: string) => `/orders/${id}`,
    json: { items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 1, unitPrice: 3490 }] },
  },
} as const;
type Request = keyof typeof REQUESTS;
const REQUEST_EVENT = { cancel: "CancellationRequested", modify: "ModificationRequested" } as const;

/** A bus that holds each publish until released, then hands it to the pipeline's bus. */
class HeldBus implements EventBus {
  inner: EventBus | undefined;
  private release: (() => void) | undefined;
  private held: Promise<void> | undefined;

  hold(): void {
    this.held = new Promise((resolve) => {
      this.release = resolve;
    });
  }

  open(): void {
    this.release?.();
    this.held = undefined;
  }

  async publish(events: readonly OrderflowEvent[]): Promise<void> {
    await this.held;
    await this.inner!.publish(events);
  }
}

async function setup(options: { bus?: HeldBus } = {}) {
  const logger = new InMemoryLogger();
  const flow = new InMemoryOrderflow({ logger, ...(options.bus ? { eventBus: options.bus } : {}) });
  if (options.bus) options.bus.inner = flow.bus;
  const send = (request: Request, orderId: string) =>
    handleHttpRequest(flow.http, {
      method: REQUESTS[request].method,
      path: REQUESTS[request].path(orderId),
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(REQUESTS[request].json),
    });
  // Orders still VALIDATED, where both a cancel and a modification apply.
  const validated = async (orderId: string) => {
    await flow.api.placeOrder({
      orderId,
      customerId: "c-1",
      currency: "BRL",
      items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 2, unitPrice: 3490 }],
      shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
    });
    await flow.drain({ only: ["intake"] });
    expect((await flow.api.getOrder(orderId)).status).toBe("VALIDATED");
  };
  return { flow, logger, send, validated };
}

describe.each(Object.keys(REQUESTS) as Request[])("%s: 202 means the request is durable", (request) => {
  const eventType = REQUEST_EVENT[request];

  it("answers 202 only after the bus accepted the request event", async () => {
    const bus = new HeldBus();
    const { flow, send, validated } = await setup({ bus });
    await validated("o-1");
    bus.hold();
    let answer: HttpResponse | undefined;
    const answering = send(request, "o-1").then((response) => {
      answer = response;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(answer).toBeUndefined();
    expect(flow.events(eventType)).toEqual([]);
    bus.open();
    await answering;
    expect(answer?.statusCode).toBe(202);
    expect(flow.events(eventType).map((event) => event.orderId)).toEqual(["o-1"]);
    expect(flow.flows[request].queue.size).toBe(1);
  });

  it("answers 503, never 202, when the bus refuses the request event, and nothing happens to the order", async () => {
    const { flow, send, validated } = await setup();
    await validated("o-1");
    flow.bus.failNext(1, (event) => event.type === eventType);
    const refused = await send(request, "o-1");
    expect(refused.statusCode).toBe(503);
    expect(refused.headers["Retry-After"]).toBeDefined();
    expect(flow.events(eventType)).toEqual([]);
    await flow.drain({ only: [request] });
    expect((await flow.api.getOrder("o-1")).version).toBe(2);
    // The client's retry goes through.
    expect((await send(request, "o-1")).statusCode).toBe(202);
  });

  it("keeps a request its queue would not take in the rule's dead-letter queue, logs it at warn, and a redrive applies it", async () => {
    const { flow, logger, send, validated } = await setup();
    await validated("o-1");
    flow.flows[request].queue.failNext(3);
    expect((await send(request, "o-1")).statusCode).toBe(202);

    const dlqName = `orderflow-${request}-rule-dlq`;
    const dlq = flow.deadLetterQueues()[dlqName]!;
    const [dead] = dlq.peek();
    expect(JSON.parse(dead!.body)).toMatchObject({ "detail-type": eventType, detail: { orderId: "o-1" } });
    expect(dead!.attributes).toMatchObject({
      RULE_ARN: `arn:aws:events:us-east-1:123456789012:rule/orderflow/${request}`,
      TARGET_ARN: `arn:aws:sqs:us-east-1:123456789012:orderflow-${request}`,
      ERROR_CODE: "ERROR_FROM_TARGET",
      EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts",
    });
    const report = await flow.drain({ only: [request] });
    expect(report.deadLettered[dlqName]).toBe(1);
    expect((await flow.api.getOrder("o-1")).version).toBe(2);

    // Through the operator route that `orderflow redrive` calls: back to the route's queue, then applied.
    const redrive = await handleOperatorRequest(
      new MemoryBackend(flow),
      { method: "POST", path: `/_local/dlqs/${dlqName}/redrive`, headers: {}, body: undefined },
      { maxBodyBytes: 1024, inbox: "inbox" },
    );
    expect(JSON.parse(redrive!.body)).toMatchObject({ moved: 1, remaining: 0 });
    await flow.drain({ only: [request] });
    const order = await flow.api.getOrder("o-1");
    if (request === "cancel") expect(order.status).toBe("CANCELLED");
    else expect(order.total).toBe(3490);
    expect(logger.at("error")).toEqual([]);
  });
});
