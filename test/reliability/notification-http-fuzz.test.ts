import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { InMemoryLogger } from "../../src/adapters/memory/in-memory-logger.js";
import { handleHttpRequest } from "../../src/entrypoints/http/http-core.js";
import type { HttpRequest } from "../../src/entrypoints/http/http-types.js";
import { InMemoryOrderflow } from "../../src/entrypoints/in-memory/in-memory-orderflow.js";
import { SEED, scaled, timeoutFor } from "./campaign.js";
import {
  anyMethod,
  bodyPlan,
  expectContractAnswer,
  headersArb,
  listingQuery,
  notificationText,
  orderRef,
  pathDecoration,
  renderBody,
  renderHeaders,
} from "./hostile-http.js";

/**
 * The notification routes, fuzzed in process: {@link REQUESTS_PER_ROUTE}
 * hostile requests per route (bodies, headers, path parameters, query
 * strings). Every answer is a contract answer below 500; every notification
 * accepted is DELIVERED once the pipeline is drained, exactly once, with
 * nothing dead-lettered and no error logged.
 */
const REQUESTS_PER_ROUTE = scaled(5_000);

const tried: Record<string, Record<number, number>> = {};
afterAll(() => console.log(`notification HTTP fuzz, seed ${SEED}: ${JSON.stringify(tried)}`));

class Campaign {
  readonly flow = new InMemoryOrderflow();
  readonly accepted = new Set<string>();
  readonly known: string[] = [];

  constructor(private readonly route: string) {
    tried[route] = {};
  }

  async send(request: HttpRequest) {
    const response = await handleHttpRequest(this.flow.http, request);
    const counts = tried[this.route]!;
    counts[response.statusCode] = (counts[response.statusCode] ?? 0) + 1;
    const answer = expectContractAnswer(response.statusCode, { ...response.headers }, response.body);
    if (answer.statusCode === 202) {
      const { notificationId, status } = answer.json;
      expect(status).toBe("ACCEPTED");
      expect(answer.headers.Location).toBe(`/notifications/${encodeURIComponent(notificationId)}`);
      this.accepted.add(notificationId);
    }
    return answer;
  }

  /** Every accepted notification delivered once; nothing left in a queue or dead-lettered; no error logged. */
  async settle(): Promise<void> {
    await this.flow.drain();
    for (const dlq of Object.values(this.flow.deadLetterQueues())) expect(dlq.size, dlq.name).toBe(0);
    const logger = this.flow.logger as InMemoryLogger;
    expect(logger.at("error").map((e) => e.message)).toEqual([]);
    const deliveries = logger.entries
      .filter((e) => e.message === "notification delivered")
      .map((e) => String(e.fields.notificationId));
    expect(new Set(deliveries).size).toBe(deliveries.length);
    for (const id of this.accepted) {
      expect((await this.flow.notifications.get(id))?.status, id).toBe("DELIVERED");
      expect(deliveries).toContain(id);
    }
  }

  async seed(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const answer = await this.send({
        method: "POST",
        path: "/notifications",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          userId: `u-${i % 5}`,
          message: `seed ${i}`,
          priority: ["high", "medium", "low"][i % 3],
        }),
      });
      this.known.push(answer.json.notificationId);
    }
    await this.flow.drain();
  }

  async run<T>(plan: fc.Arbitrary<T>, toRequest: (value: T) => HttpRequest): Promise<void> {
    await this.seed(30);
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

const methodOf = (method: string) =>
  fc.oneof({ weight: 30, arbitrary: fc.constant(method) }, { weight: 1, arbitrary: anyMethod });

const plan = (method: string) =>
  fc.record({
    method: methodOf(method),
    decoration: pathDecoration,
    headers: headersArb,
    body: method === "POST" ? bodyPlan(notificationText) : fc.constant(null),
    query: listingQuery,
  });

type Plan = ReturnType<typeof plan> extends fc.Arbitrary<infer P> ? P : never;

function request(p: Plan, path: string): HttpRequest {
  return {
    method: p.method,
    path: `${path}${p.decoration}`,
    headers: renderHeaders(p.headers),
    query: p.query,
    ...(p.body ? renderBody(p.body) : { body: undefined }),
  };
}

describe(`notification HTTP fuzz, in process: ${REQUESTS_PER_ROUTE} hostile requests per route, seed ${SEED}`, () => {
  const timeout = timeoutFor(120_000);

  it("POST /notifications", { timeout }, async () => {
    const campaign = new Campaign("POST /notifications");
    await campaign.run(plan("POST"), (p) => request(p, "/notifications"));
  });

  it("GET /notifications/{id}", { timeout }, async () => {
    const campaign = new Campaign("GET /notifications/{id}");
    await campaign.run(fc.tuple(plan("GET"), orderRef), ([p, ref]) =>
      request(
        p,
        `/notifications/${"known" in ref ? campaign.known[ref.known % campaign.known.length] : ref.literal}`,
      ),
    );
  });

  it("GET /users/{userId}/notifications", { timeout }, async () => {
    const campaign = new Campaign("GET /users/{userId}/notifications");
    await campaign.run(fc.tuple(plan("GET"), orderRef), ([p, ref]) =>
      request(p, `/users/${"known" in ref ? `u-${ref.known % 5}` : ref.literal}/notifications`),
    );
  });

  it("GET /notifications?priority=", { timeout }, async () => {
    const campaign = new Campaign("GET /notifications");
    await campaign.run(plan("GET"), (p) => request(p, "/notifications"));
  });
});
