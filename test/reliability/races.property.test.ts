import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InMemoryLogger } from "../../src/adapters/memory/in-memory-logger.js";
import { InMemoryOrderRepository } from "../../src/adapters/memory/in-memory-order-repository.js";
import type { Order } from "../../src/domain/order.js";
import { InMemoryOrderflow } from "../../src/entrypoints/in-memory/in-memory-orderflow.js";
import type { Logger } from "../../src/ports/logger.js";
import type { OrderRepository } from "../../src/ports/order-repository.js";
import { seeded } from "../support/order-lifecycle-scenario.js";
import { SEED, scaled, timeoutFor } from "./campaign.js";
import {
  holdAt,
  placeOrders,
  RACE_PRODUCTS,
  type RacePlan,
  RaceTally,
  racePlanArb,
  type Sent,
  SteppingClock,
  sendRequest,
  verifyOrders,
} from "./race-scenario.js";

/**
 * Races at every intermediate state, in memory. Each run holds one order at
 * RECEIVED, VALIDATED, PAYMENT_PENDING (its charge in flight), PAID or
 * CONFIRMED; sends cancel and modify requests against it, through the HTTP
 * API and to the use cases, several copies at once; releases the step that
 * moves the order on; and runs several consumers of the cancel and modify
 * queues (duplicate and reordered deliveries included). fast-check's scheduler
 * decides when each request starts, when the release happens and in which
 * order every read and write of the order repository takes effect: each run
 * is one interleaving. Then everything is drained and the order is held to the
 * lifecycle model (race-model.ts).
 */

/** Interleavings tried by `npm test` (times RELIABILITY_SCALE). */
const RUNS = scaled(500);

/**
 * An order repository whose calls wait for their turn from fast-check's
 * scheduler while one is set: concurrent reads and writes then take effect in
 * an order the scheduler picks (and shrinks), as racing consumers' would.
 */
class ScheduledOrderRepository implements OrderRepository {
  scheduler: fc.Scheduler | undefined;

  constructor(private readonly inner: OrderRepository) {}

  get(orderId: string) {
    return this.turn(`get ${orderId}`, () => this.inner.get(orderId));
  }
  save(order: Order, expectedVersion: number) {
    return this.turn(`save ${order.id} v${expectedVersion}`, () => this.inner.save(order, expectedVersion));
  }
  markPublished(orderId: string, eventIds: readonly string[]) {
    return this.turn(`markPublished ${orderId}`, () => this.inner.markPublished(orderId, eventIds));
  }
  listByCustomer(...args: Parameters<OrderRepository["listByCustomer"]>) {
    return this.inner.listByCustomer(...args);
  }
  listByStatus(...args: Parameters<OrderRepository["listByStatus"]>) {
    return this.inner.listByStatus(...args);
  }
  countByStatus(...args: Parameters<OrderRepository["countByStatus"]>) {
    return this.inner.countByStatus(...args);
  }

  private turn<T>(label: string, run: () => Promise<T>): Promise<T> {
    const scheduler = this.scheduler;
    return scheduler ? scheduler.schedule(Promise.resolve(label), label).then(run) : run();
  }
}

describe("races at every intermediate state (in memory, scheduled interleavings)", () => {
  it(
    "every request gets exactly one outcome, no update is lost, money is taken at most once and given back once when cancelled",
    async () => {
      const tally = new RaceTally();
      let runs = 0;

      await fc.assert(
        fc.asyncProperty(
          racePlanArb,
          fc.integer({ min: 1, max: 3 }),
          fc.integer(),
          fc.scheduler(),
          async (plan, consumers, deliverySeed, scheduler) => {
            const orderId = `race-${++runs}`;
            const repository = new ScheduledOrderRepository(new InMemoryOrderRepository());
            const flow = new InMemoryOrderflow({
              orders: repository,
              products: RACE_PRODUCTS,
              clock: new SteppingClock(),
              // One message per consumer invocation: several consumers of a queue then really run at once.
              batchSize: 1,
              duplicateDeliveryRate: 0.3,
              reorder: true,
              random: seeded(deliverySeed),
            });
            await placeOrders(flow, [orderId]);
            const release = await holdAt(flow, new Map([[orderId, plan]]), plan.hold, consumers);

            repository.scheduler = scheduler;
            const schedule = <T>(start: () => Promise<T>) =>
              scheduler.schedule(Promise.resolve("start"), "start").then(start);
            let sent: Sent[];
            try {
              const requests = plan.requests.map((request) => sendRequest(flow, orderId, request, schedule));
              sent = requests.map((request) => request.sent);
              const moving = schedule(release);
              const consuming = Promise.all(requests.map((request) => request.accepted)).then(() =>
                Promise.all(
                  Array.from({ length: consumers }, () => [
                    flow.drain({ only: ["cancel"] }),
                    flow.drain({ only: ["modify"] }),
                  ]).flat(),
                ),
              );
              await scheduler.waitFor(Promise.all([moving, consuming]));
            } finally {
              repository.scheduler = undefined;
            }
            await flow.drain();

            const verdict = await verifyOrders(flow, [orderId], sent);
            for (const queue of Object.values(flow.deadLetterQueues())) {
              for (const message of queue.peek())
                verdict.violations.push(`dead-lettered in ${queue.name}: ${message.body}`);
            }
            expect(verdict.violations, describeRun(plan, consumers, flow.logger)).toEqual([]);
            tally.runs++;
            tally.add(plan.hold, sent, verdict);
          },
        ),
        { seed: SEED, numRuns: RUNS },
      );
      console.info(tally.summary("races in memory (each run one scheduled interleaving)"));
      expect(tally.runs).toBe(RUNS);
    },
    timeoutFor(60_000),
  );
});

/** The run, with the errors its consumers logged: what a failure message needs to explain it. */
function describeRun(plan: RacePlan, consumers: number, logger: Logger): string {
  const errors =
    logger instanceof InMemoryLogger ? logger.at("error").map((entry) => JSON.stringify(entry)) : [];
  return [`${JSON.stringify(plan)}, ${consumers} consumers per queue`, ...errors].join("\n");
}
