import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { InMemoryLogger } from "../../src/adapters/memory/in-memory-logger.js";
import type { OrderStatus } from "../../src/domain/lifecycle.js";
import { handleHttpRequest } from "../../src/entrypoints/http/http-core.js";
import type { HttpRequest, HttpResponse } from "../../src/entrypoints/http/http-types.js";
import { InMemoryOrderflow } from "../../src/entrypoints/in-memory/in-memory-orderflow.js";
import { SEED, scaled, timeoutFor } from "./campaign.js";
import {
  type Answer,
  anyMethod,
  type BodyPlan,
  bodyPlan,
  cancelText,
  expectContractAnswer,
  type HeadersPlan,
  headersArb,
  modifyText,
  type OrderRef,
  orderRef,
  pathDecoration,
  placeOrderText,
  renderBody,
  renderHeaders,
  SETTLED_STATUSES,
  unknownPath,
} from "./hostile-http.js";

/**
 * The public HTTP API, fuzzed in process (`handleHttpRequest` on the in-memory
 * pipeline): {@link REQUESTS_PER_ROUTE} hostile requests per route. Every
 * answer is a contract answer below 500; every accepted request reaches a
 * settled state once the pipeline is drained, with nothing dead-lettered.
 */
const REQUESTS_PER_ROUTE = scaled(10_000);
/** The pipeline is drained, and every accepted request checked, after this many requests. */
const SETTLE_EVERY = 1_000;
/** Fresh orders placed at each settlement, so cancels and modifications meet orders not yet validated. */
const FRESH_ORDERS = 40;

const tried: Record<string, { requests: number; byStatus: Record<number, number> }> = {};

afterAll(() => {
  const rows = Object.entries(tried).map(([route, { requests, byStatus }]) => ({
    route,
    requests,
    ...Object.fromEntries(Object.entries(byStatus).map(([status, count]) => [`${status}`, count])),
  }));
  console.log(`HTTP fuzz (in process), seed ${SEED}:\n${JSON.stringify(rows, null, 1)}`);
});

interface AcceptedChange {
  readonly kind: "cancel" | "modify";
  readonly orderId: string;
  readonly requestId: string;
  readonly correlationId: string;
  readonly request: string;
}

/** A request as a failure message shows it: escapes visible, body cut short. */
function describeRequest(request: HttpRequest): string {
  const body = request.isBase64Encoded ? Buffer.from(request.body ?? "", "base64").toString() : request.body;
  return JSON.stringify({
    method: request.method,
    path: request.path,
    headers: request.headers,
    body: body?.slice(0, 400),
  });
}

/** One pipeline, the requests sent to it, and what they were promised. */
class Campaign {
  readonly flow = new InMemoryOrderflow();
  /** Orders placed, newest last: where path parameters aim. */
  private readonly known: string[] = [];
  private fresh: string[] = [];
  /** Accepted requests since the last settlement, by order: what a failure names as its cause. */
  private readonly accepted = new Map<string, string[]>();
  private readonly keys = new Map<string, string>();
  private changes: AcceptedChange[] = [];
  private sent = 0;

  constructor(private readonly route: string) {
    tried[route] ??= { requests: 0, byStatus: {} };
  }

  /** Resolves a path parameter: a known order (fresh or settled), or the literal text. */
  orderId(ref: OrderRef): string {
    if ("literal" in ref) return ref.literal;
    const pool = ref.known % 2 === 0 && this.fresh.length > 0 ? this.fresh : this.known;
    return pool[ref.known % pool.length] ?? "none";
  }

  async send(request: HttpRequest): Promise<Answer> {
    let response: HttpResponse;
    try {
      response = await handleHttpRequest(this.flow.http, request);
    } catch (error) {
      expect.fail(`the handler threw ${String(error)}`);
    }
    const tally = tried[this.route]!;
    tally.requests++;
    tally.byStatus[response.statusCode] = (tally.byStatus[response.statusCode] ?? 0) + 1;
    const answer = expectContractAnswer(response.statusCode, { ...response.headers }, response.body);
    if (answer.statusCode === 202) this.remember(request, answer);
    if (++this.sent % SETTLE_EVERY === 0) await this.settle();
    return answer;
  }

  private remember(request: HttpRequest, answer: Answer): void {
    const { orderId, requestId } = answer.json;
    expect(answer.headers.Location).toBe(`/orders/${encodeURIComponent(orderId)}`);
    this.accepted.set(orderId, [...(this.accepted.get(orderId) ?? []), describeRequest(request)]);
    if (requestId === undefined) {
      const key = request.headers?.["Idempotency-Key"]?.trim();
      if (key !== undefined) {
        expect(this.keys.get(key) ?? orderId, `Idempotency-Key ${key} named two orders`).toBe(orderId);
        this.keys.set(key, orderId);
      }
    } else {
      const kind = request.method.toUpperCase() === "PATCH" ? "modify" : "cancel";
      this.changes.push({
        kind,
        orderId,
        requestId,
        correlationId: answer.headers["X-Correlation-Id"]!,
        request: describeRequest(request),
      });
    }
  }

  /** Places orders that every later request may aim at. */
  async placeFresh(): Promise<void> {
    this.fresh = [];
    for (let i = 0; i < FRESH_ORDERS; i++) {
      const request = {
        method: "POST",
        path: "/orders",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(validOrder),
      };
      const { orderId } = JSON.parse((await handleHttpRequest(this.flow.http, request)).body);
      this.accepted.set(orderId, [describeRequest(request)]);
      this.fresh.push(orderId);
      this.known.push(orderId);
    }
  }

  /**
   * Drains the pipeline; then every order accepted is settled, every cancel and
   * modify accepted has a visible outcome, and no message is left anywhere.
   * A failure names the accepted requests behind it (the drain runs long after
   * them, so fast-check's counterexample is only the request that triggered it).
   */
  async settle(): Promise<void> {
    await this.flow.drain();
    const problems: { problem: string; orderId?: string | undefined; cause?: string }[] = [];
    const orderIdIn = (text: string) => /"orderId":"([^"]+)"/.exec(text)?.[1];
    // A request event carries the request's id: it names the one request behind a failed delivery.
    const causeIn = (text: string) => {
      const eventId = /"detail":\{"id":"([^"]+)"/.exec(text)?.[1];
      return this.changes.find((change) => change.requestId === eventId)?.request;
    };
    for (const pipeline of Object.values(this.flow.flows)) {
      if (pipeline.queue.size > 0)
        problems.push({ problem: `${pipeline.queue.size} left in ${pipeline.queue.name}` });
    }
    for (const dlq of Object.values(this.flow.deadLetterQueues())) {
      for (const message of dlq.peek()) {
        problems.push({
          problem: `dead-lettered in ${dlq.name}: ${message.body.slice(0, 300)}`,
          orderId: orderIdIn(message.body),
          cause: causeIn(message.body),
        });
      }
    }
    const logger = this.flow.logger as InMemoryLogger;
    for (const entry of logger.at("error")) {
      problems.push({
        problem: `logged error: ${entry.message} ${JSON.stringify(entry.fields).slice(0, 300)}`,
        orderId: entry.fields.orderId as string | undefined,
      });
    }
    for (const orderId of this.accepted.keys()) {
      const order = await this.flow.orders.get(orderId);
      const status = order?.order.status as OrderStatus | undefined;
      if (status === undefined || !SETTLED_STATUSES.includes(status)) {
        problems.push({ problem: `accepted order ended ${status ?? "missing"}`, orderId });
      }
    }
    const outcomes = new Set(
      this.flow.bus.events().map((event) => (event as { causationId: string }).causationId),
    );
    const handled = new Set(
      logger.entries
        .filter((entry) => /^(cancel|modify) request: /.test(entry.message))
        .map(
          (entry) => `${entry.message.split(" ")[0]} ${entry.fields.orderId} ${entry.fields.correlationId}`,
        ),
    );
    for (const change of this.changes) {
      if (
        !outcomes.has(change.requestId) &&
        !handled.has(`${change.kind} ${change.orderId} ${change.correlationId}`)
      ) {
        problems.push({
          problem: `the ${change.kind} request ${change.requestId} has no outcome`,
          orderId: change.orderId,
        });
      }
    }
    if (problems.length > 0) {
      const lines = problems.slice(0, 5).map(({ problem, orderId, cause }) => {
        const causes = cause ? [cause] : orderId === undefined ? [] : (this.accepted.get(orderId) ?? []);
        return `- ${problem}${causes.map((cause) => `\n    accepted: ${cause}`).join("")}`;
      });
      expect.fail(`${problems.length} accepted requests were not carried out:\n${lines.join("\n")}`);
    }
    this.accepted.clear();
    this.changes = [];
    logger.clear();
    await this.placeFresh();
  }

  async run<T>(plan: fc.Arbitrary<T>, toRequest: (value: T) => HttpRequest): Promise<void> {
    await this.placeFresh();
    await fc.assert(
      fc.asyncProperty(plan, async (value) => {
        await this.send(toRequest(value));
      }),
      { numRuns: REQUESTS_PER_ROUTE, seed: SEED, endOnFailure: false },
    );
    await this.settle();
    expect(Object.keys(Object.prototype)).toEqual([]);
  }
}

const validOrder = {
  customerId: "c-1",
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 1, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
};

/** The route's method most of the time, a wrong one otherwise. */
const methodOf = (method: string) =>
  fc.oneof({ weight: 30, arbitrary: fc.constant(method) }, { weight: 1, arbitrary: anyMethod });

interface Plan {
  readonly method: string;
  readonly decoration: string;
  readonly headers: HeadersPlan;
  readonly body: BodyPlan | null;
}

function request(plan: Plan, path: string): HttpRequest {
  return {
    method: plan.method,
    path: `${path}${plan.decoration}`,
    headers: renderHeaders(plan.headers),
    ...(plan.body ? renderBody(plan.body) : { body: undefined }),
  };
}

const planFor = (method: string, body: fc.Arbitrary<BodyPlan | null>) =>
  fc.record({ method: methodOf(method), decoration: pathDecoration, headers: headersArb, body });

/** Bodies nobody asked for, on routes that take none. */
const strayBody = fc.option(bodyPlan(placeOrderText), { freq: 10 });

describe(`HTTP fuzz, in process: ${REQUESTS_PER_ROUTE} hostile requests per route, seed ${SEED}`, () => {
  const timeout = timeoutFor(120_000);

  it("POST /orders", { timeout }, async () => {
    const campaign = new Campaign("POST /orders");
    await campaign.run(planFor("POST", bodyPlan(placeOrderText)), (plan) => request(plan, "/orders"));
  });

  it("GET /orders/{id}", { timeout }, async () => {
    const campaign = new Campaign("GET /orders/{id}");
    await campaign.run(fc.tuple(planFor("GET", strayBody), orderRef), ([plan, ref]) =>
      request(plan, `/orders/${campaign.orderId(ref)}`),
    );
  });

  it("POST /orders/{id}/cancel", { timeout }, async () => {
    const campaign = new Campaign("POST /orders/{id}/cancel");
    await campaign.run(fc.tuple(planFor("POST", bodyPlan(cancelText)), orderRef), ([plan, ref]) =>
      request(plan, `/orders/${campaign.orderId(ref)}/cancel`),
    );
  });

  it("PATCH /orders/{id}", { timeout }, async () => {
    const campaign = new Campaign("PATCH /orders/{id}");
    await campaign.run(fc.tuple(planFor("PATCH", bodyPlan(modifyText)), orderRef), ([plan, ref]) =>
      request(plan, `/orders/${campaign.orderId(ref)}`),
    );
  });

  it.each(["/products", "/health"])("GET %s", { timeout }, async (path) => {
    const campaign = new Campaign(`GET ${path}`);
    await campaign.run(planFor("GET", strayBody), (plan) => request(plan, path));
  });

  it("unknown paths and methods", { timeout }, async () => {
    const campaign = new Campaign("unknown paths and methods");
    await campaign.run(
      fc.tuple(planFor("GET", strayBody), anyMethod, unknownPath),
      ([plan, method, path]) => ({
        ...request(plan, path),
        method,
      }),
    );
  });
});
