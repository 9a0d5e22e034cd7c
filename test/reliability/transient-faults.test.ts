import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/adapters/memory/clocks.js";
import type { InMemoryEventBus } from "../../src/adapters/memory/in-memory-event-bus.js";
import { InMemoryIdempotencyStore } from "../../src/adapters/memory/in-memory-idempotency-store.js";
import { InMemoryOrderRepository } from "../../src/adapters/memory/in-memory-order-repository.js";
import { DEMO_CATALOG, InMemoryProductCatalog } from "../../src/adapters/memory/in-memory-product-catalog.js";
import { InMemoryQueue } from "../../src/adapters/memory/in-memory-queue.js";
import { handleHttpRequest } from "../../src/entrypoints/http/http-core.js";
import type { HttpRequest } from "../../src/entrypoints/http/http-types.js";
import { IDEMPOTENCY_IN_PROGRESS_TIMEOUT_MS, orderIdForKey } from "../../src/entrypoints/http/order-api.js";
import {
  InMemoryOrderflow,
  InMemoryQueueDriver,
} from "../../src/entrypoints/in-memory/in-memory-orderflow.js";
import { ServiceUnavailableError } from "../../src/ports/errors.js";
import { type Answer, expectContractAnswer } from "./hostile-http.js";

/**
 * Permanent is 4xx, transient is 5xx, seen from the transient side: when a
 * dependency is briefly unavailable, every route answers 503 with Retry-After,
 * and the same request, retried once the fault has cleared, succeeds; a
 * placement retried with its Idempotency-Key places the one order the key names.
 * (The fuzz campaign beside this file shows the other side: no input gives a 5xx.)
 */

/** Which calls fail: every call to one port, or the n-th call of a request (and, if lasting, every later one). */
type Fault = { readonly port: string } | { readonly call: number; readonly lasting: boolean };

/** Wraps ports so that calls fail, as a service that is briefly unavailable does, while a fault is set. */
class PortFaults {
  private fault: Fault | undefined;
  /** Port calls since the fault was set. */
  calls = 0;

  set(fault: Fault | undefined): void {
    this.fault = fault;
    this.calls = 0;
  }

  /** `target` may be undefined while the pipeline is being built (its own bus). */
  wrap<T extends object>(port: string, target: () => T | undefined): T {
    return new Proxy({} as T, {
      get: (_, property) => {
        const real = target();
        if (real === undefined) return undefined;
        const value: unknown = Reflect.get(real, property, real);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (this.failing(port)) return Promise.reject(new ServiceUnavailableError(port));
          return value.apply(real, args);
        };
      },
    });
  }

  private failing(port: string): boolean {
    const fault = this.fault;
    if (fault === undefined) return false;
    this.calls++;
    if ("port" in fault) return fault.port === port;
    return fault.lasting ? this.calls >= fault.call : this.calls === fault.call;
  }
}

const PORTS = ["orders", "idempotency", "catalog", "bus", "intakeQueue"] as const;

/** The pipeline with every port the API uses behind {@link PortFaults}. */
function faultyPipeline() {
  const faults = new PortFaults();
  const clock = new ManualClock(new Date("2026-01-01T00:00:00.000Z"));
  const intakeDlq = new InMemoryQueue({ name: "orderflow-intake-dlq.fifo", fifo: true, clock });
  const intake = new InMemoryQueue({
    name: "orderflow-intake.fifo",
    fifo: true,
    clock,
    maxReceiveCount: 3,
    deadLetterQueue: intakeDlq,
  });
  const orders = new InMemoryOrderRepository();
  const idempotency = new InMemoryIdempotencyStore();
  const catalog = new InMemoryProductCatalog(DEMO_CATALOG);
  let bus: InMemoryEventBus | undefined;
  const flow = new InMemoryOrderflow({
    clock,
    orders: faults.wrap("orders", () => orders),
    idempotency: faults.wrap("idempotency", () => idempotency),
    catalog: faults.wrap("catalog", () => catalog),
    // The pipeline's own bus, made in its constructor: reached once it exists.
    eventBus: faults.wrap<InMemoryEventBus>("bus", () => bus),
    queues: {
      intake: {
        queue: faults.wrap("intakeQueue", () => intake),
        driver: new InMemoryQueueDriver(intake),
        deadLetterDriver: new InMemoryQueueDriver(intakeDlq),
      },
    },
  });
  bus = flow.bus;
  return { flow, faults, clock, intakeDlq };
}

const JSON_TYPE = { "content-type": "application/json" };
const order = {
  customerId: "c-1",
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 1, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
};

async function send(flow: Pick<InMemoryOrderflow, "http">, request: HttpRequest): Promise<Answer> {
  const response = await handleHttpRequest(flow.http, request);
  return expectContractAnswer(response.statusCode, { ...response.headers }, response.body, [503]);
}

function expectUnavailable(answer: Answer): void {
  expect(answer.statusCode, JSON.stringify(answer.json)).toBe(503);
  expect(answer.json.error.code).toBe("SERVICE_UNAVAILABLE");
  expect(answer.headers["Retry-After"]).toBe("1");
}

/** A request per route, each on an order of its own (placed before any fault) where it needs one. */
const ROUTES: Record<string, (ids: { key: string; orderId: string }) => HttpRequest> = {
  "POST /orders": ({ key }) => ({
    method: "POST",
    path: "/orders",
    headers: { ...JSON_TYPE, "Idempotency-Key": key },
    body: JSON.stringify(order),
  }),
  "GET /orders/{id}": ({ orderId }) => ({ method: "GET", path: `/orders/${orderId}`, body: undefined }),
  "POST /orders/{id}/cancel": ({ orderId }) => ({
    method: "POST",
    path: `/orders/${orderId}/cancel`,
    headers: JSON_TYPE,
    body: JSON.stringify({ reason: "changed my mind" }),
  }),
  "PATCH /orders/{id}": ({ orderId }) => ({
    method: "PATCH",
    path: `/orders/${orderId}`,
    headers: JSON_TYPE,
    body: JSON.stringify({ shippingAddress: { ...order.shippingAddress, line1: "Rua B, 2" } }),
  }),
  "GET /products": () => ({ method: "GET", path: "/products", body: undefined }),
  "GET /health": () => ({ method: "GET", path: "/health", body: undefined }),
};

describe("a dependency briefly unavailable", () => {
  it("answers 503 with Retry-After on every route that needs it, and the same request then succeeds", async () => {
    const { flow, faults } = faultyPipeline();
    const unavailableOn: Record<string, string[]> = {};
    const placedKeys: string[] = [];
    for (const [route, toRequest] of Object.entries(ROUTES)) {
      unavailableOn[route] = [];
      for (const port of PORTS) {
        const key = `${route.replace(/\W+/g, "-")}-${port}`;
        const placed = await send(flow, { ...ROUTES["POST /orders"]!({ key: `setup-${key}`, orderId: "" }) });
        const request = toRequest({ key, orderId: placed.json.orderId });

        faults.set({ port });
        const during = await send(flow, request);
        faults.set(undefined);
        const after = await send(flow, request);

        expect(after.statusCode, `${route} after an outage of ${port}`).toBeLessThan(300);
        if (during.statusCode === 503) {
          expectUnavailable(during);
          unavailableOn[route].push(port);
        } else {
          // A route that does not call the port is not affected by its outage.
          expect(during.statusCode, `${route} during an outage of ${port}`).toBe(after.statusCode);
        }
        if (route === "POST /orders") {
          expect(after.json.orderId).toBe(orderIdForKey(key));
          expect((await send(flow, request)).json.orderId).toBe(orderIdForKey(key));
          placedKeys.push(key);
        }
      }
    }
    for (const [route, ports] of Object.entries(unavailableOn)) {
      if (route === "GET /health") expect(ports, route).toEqual([]);
      else expect(ports.length, `${route} depends on no port?`).toBeGreaterThan(0);
    }

    const report = await flow.drain();
    expect(Object.values(report.deadLettered).every((count) => count === 0)).toBe(true);
    for (const key of placedKeys) {
      const stored = await flow.orders.get(orderIdForKey(key));
      expect(stored?.order.status).toBe("CONFIRMED");
      expect(flow.events("OrderConfirmed").filter((e) => e.orderId === orderIdForKey(key))).toHaveLength(1);
    }
  });

  it("a placement failing at any of its calls, for a moment or for good, is placed once by a retry with its key", async () => {
    const { flow, faults, clock, intakeDlq } = faultyPipeline();
    const place = (key: string) => send(flow, ROUTES["POST /orders"]!({ key, orderId: "" }));

    // How many port calls a placement makes when nothing fails.
    faults.set({ call: Number.POSITIVE_INFINITY, lasting: false });
    await place("count-calls");
    const calls = faults.calls;
    faults.set(undefined);
    expect(calls).toBeGreaterThan(1);

    const keys: string[] = [];
    for (let call = 1; call <= calls; call++) {
      for (const lasting of [false, true]) {
        const key = `fault-at-${call}${lasting ? "-lasting" : ""}`;
        keys.push(key);
        faults.set({ call, lasting });
        const during = await place(key);
        faults.set(undefined);
        if (during.statusCode !== 202) expectUnavailable(during);

        let retried = await place(key);
        if (retried.statusCode === 409) {
          // The attempt's hold on the key could not be released while the store was down: it lapses by itself.
          expect(retried.json.error.code).toBe("IDEMPOTENCY_IN_PROGRESS");
          expect(retried.headers["Retry-After"]).toBe("1");
          clock.advance(IDEMPOTENCY_IN_PROGRESS_TIMEOUT_MS + 1);
          retried = await place(key);
        }
        expect(retried.statusCode, `${key}: ${JSON.stringify(retried.json)}`).toBe(202);
        expect(retried.json.orderId).toBe(orderIdForKey(key));
        expect((await place(key)).json.orderId).toBe(orderIdForKey(key));
      }
    }

    await flow.drain();
    expect(intakeDlq.size).toBe(0);
    for (const key of keys) {
      const orderId = orderIdForKey(key);
      const stored = await flow.orders.get(orderId);
      expect(stored?.order.status).toBe("CONFIRMED");
      expect(flow.events("OrderPlaced").filter((e) => e.orderId === orderId)).toHaveLength(1);
    }
  });
});
