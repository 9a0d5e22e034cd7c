import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AwsPipeline, startAwsPipeline } from "../support/aws-pipeline.js";
import { seeded } from "../support/order-lifecycle-scenario.js";
import { SEED, scaled, timeoutFor } from "./campaign.js";
import {
  HOLD_STATES,
  holdAt,
  paymentPlanArb,
  placeOrders,
  RACE_PRODUCTS,
  type RacePlan,
  RaceTally,
  requestPlanArb,
  SteppingClock,
  sendRequest,
  verifyOrders,
} from "./race-scenario.js";

/**
 * Races at every intermediate state on the AWS adapters: orders in DynamoDB
 * (dynalite), the intake FIFO queue and the processing, cancel and modify
 * queues in SQS (local-aws-sqs), the bus delivering some events twice. Each
 * run holds a few orders at one state, sends their cancel and modify requests
 * (HTTP and use cases, several copies), releases the step that moves them on,
 * and drains the cancel and modify queues with several consumers at once:
 * the versioned conditional writes of the orders table race for real (the
 * closing line counts the writes that lost). Every order is then held to the
 * lifecycle model, and every dead-letter queue must be empty.
 */

/** Runs per held state, and orders per run, in `npm test` (times RELIABILITY_SCALE). */
const RUNS_PER_STATE = scaled(1);
const ORDERS_PER_RUN = 6;

let pipeline: AwsPipeline;
let conflicts: { count: number };
const tally = new RaceTally();

beforeAll(async () => {
  pipeline = await startAwsPipeline({
    products: RACE_PRODUCTS,
    flow: {
      clock: new SteppingClock(),
      // One message per consumer invocation: several consumers of a queue then really run at once.
      batchSize: 1,
      duplicateDeliveryRate: 0.3,
      random: seeded(SEED),
    },
  });
  conflicts = countConditionalCheckFailures(pipeline.dynamoDb);
});
afterAll(async () => {
  if (tally.runs > 0)
    console.info(
      `${tally.summary("races on dynalite + local-aws-sqs")}\n  conditional writes lost: ${conflicts.count}`,
    );
  await pipeline?.stop();
});

const runPlanArb = fc.record({
  plans: fc.array(
    fc.record({
      payment: paymentPlanArb,
      requests: fc.array(requestPlanArb, { minLength: 1, maxLength: 3 }),
    }),
    {
      minLength: ORDERS_PER_RUN,
      maxLength: ORDERS_PER_RUN,
    },
  ),
  consumers: fc.integer({ min: 2, max: 4 }),
});

let orderCount = 0;

describe("races at every intermediate state (DynamoDB and SQS emulators, concurrent consumers)", () => {
  for (const hold of HOLD_STATES) {
    it(
      `held at ${hold}: every request gets exactly one outcome, no update is lost`,
      async () => {
        const flow = pipeline.flow;
        await fc.assert(
          fc.asyncProperty(runPlanArb, async ({ plans, consumers }) => {
            await flow.drain(); // whatever a failed run left
            const orders = new Map<string, RacePlan>(
              plans.map((plan) => [`aws-race-${++orderCount}`, { ...plan, hold }]),
            );
            const orderIds = [...orders.keys()];
            await placeOrders(flow, orderIds);
            const release = await holdAt(flow, orders, hold, consumers);

            const requests = [...orders].flatMap(([orderId, plan]) =>
              plan.requests.map((request) => sendRequest(flow, orderId, request)),
            );
            const moving = release();
            await Promise.all(requests.map((request) => request.accepted));
            const consuming = Array.from({ length: consumers }, () => [
              flow.drain({ only: ["cancel"] }),
              flow.drain({ only: ["modify"] }),
            ]).flat();
            await Promise.all([moving, ...consuming]);
            await flow.drain();

            const sent = requests.map((request) => request.sent);
            const verdict = await verifyOrders(flow, orderIds, sent);
            for (const queue of Object.values(flow.flows)) {
              const deadLettered = await queue.deadLetterDriver.size();
              if (deadLettered > 0)
                verdict.violations.push(
                  `${deadLettered} messages dead-lettered in ${queue.deadLetterDriver.name}`,
                );
            }
            expect(verdict.violations, `${JSON.stringify(plans)}, ${consumers} consumers per queue`).toEqual(
              [],
            );
            tally.runs++;
            tally.add(hold, sent, verdict);
          }),
          { seed: SEED + HOLD_STATES.indexOf(hold), numRuns: RUNS_PER_STATE },
        );
      },
      timeoutFor(60_000),
    );
  }
});

/** Counts the conditional writes DynamoDB refused (versioned writes that lost a race) from now on. */
function countConditionalCheckFailures(client: DynamoDBClient): { count: number } {
  const counter = { count: 0 };
  const stack = client.middlewareStack as unknown as {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>,
      options: { step: "initialize"; name: string },
    ): void;
  };
  stack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if ((error as { name?: string }).name === "ConditionalCheckFailedException") counter.count++;
        throw error;
      }
    },
    { step: "initialize", name: "racesConditionalCheckCounter" },
  );
  return counter;
}
