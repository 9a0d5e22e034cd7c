import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redriveSqsDeadLetters } from "../../src/entrypoints/cli/sqs-dead-letters.js";
import { type AwsPipeline, startAwsPipeline } from "../support/aws-pipeline.js";
import { SCENARIO_PRODUCTS, seeded } from "../support/order-lifecycle-scenario.js";
import { SEED, scaled, timeoutFor } from "./campaign.js";
import { chaosHarness, chaosTable, DUPLICATE_RATE, runChaos } from "./chaos-scenario.js";

/**
 * Chaos end to end on the AWS adapters: the campaign of chaos.test.ts, 500
 * orders (at scale 1) with orders, idempotency keys and the catalog in
 * DynamoDB (dynalite) and the flows' queues in SQS (local-aws-sqs, dead-letter
 * queues by redrive policy), every adapter failing a tenth of its calls.
 * Messages a crashed consumer left in flight come back after a 2 s visibility timeout.
 */
const VISIBILITY_TIMEOUT_SECONDS = 2;
const harness = chaosHarness(SEED);
let pipeline: AwsPipeline;

beforeAll(async () => {
  pipeline = await startAwsPipeline({
    products: SCENARIO_PRODUCTS,
    visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
    flow: { duplicateDeliveryRate: DUPLICATE_RATE, random: seeded(SEED + 1), decorate: harness.decorate },
  });
});
afterAll(async () => {
  await pipeline?.stop();
});

describe("chaos end to end, on DynamoDB and SQS emulators", () => {
  it(
    `${scaled(500)} orders reach a final state with nothing lost, charged twice or published differently`,
    async () => {
      const { flow, sqs, queueUrls } = pipeline;
      const held = async () => {
        let total = 0;
        for (const { driver } of Object.values(flow.flows)) total += await driver.size();
        return total;
      };
      const { tally, finalStates } = await runChaos(flow, harness, {
        orders: scaled(500),
        seed: SEED,
        async redrive() {
          let moved = 0;
          for (const urls of Object.values(queueUrls)) {
            const report = await redriveSqsDeadLetters({
              client: sqs,
              deadLetterQueueUrl: urls.deadLetterQueue,
              targetQueueUrl: urls.queue,
              waitTimeSeconds: 0,
            });
            expect(report.failures).toEqual([]);
            moved += report.moved;
          }
          return moved;
        },
        // Messages whose delete failed, or whose consumer crashed, are in flight until their timeout.
        async drainAll() {
          await flow.drain();
          for (let wait = 0; (await held()) > 0 && wait < 30; wait++) {
            await new Promise((resolve) => setTimeout(resolve, VISIBILITY_TIMEOUT_SECONDS * 500));
            await flow.drain();
          }
        },
      });
      console.info(
        chaosTable(`chaos on emulators, seed ${SEED}`, tally, harness.faults.counts(), finalStates),
      );
      expect(tally.accepted).toBeGreaterThan(0);
    },
    timeoutFor(180_000),
  );
});
