import { afterAll, beforeAll, describe, it } from "vitest";
import { type AwsPipeline, startAwsPipeline } from "../../support/aws-pipeline.js";
import {
  runOrderLifecycleScenario,
  SCENARIO_MAX_RECEIVE_COUNT,
  SCENARIO_PRODUCTS,
  seeded,
} from "../../support/order-lifecycle-scenario.js";

/**
 * The end-to-end scenario of the in-memory pipeline (test/e2e/thousand-orders),
 * unchanged, on the AWS adapters: orders, idempotency keys and the catalog in
 * DynamoDB (dynalite), the intake FIFO queue and the processing, cancel and
 * modify queues in SQS (local-aws-sqs, dead-letter queues by redrive policy),
 * with the in-memory bus routing to the SQS queues and delivering a fifth of
 * the events twice.
 *
 * 200 orders by default (every scenario 20 times, about 10 s): 1,000 take 40 to
 * 70 s on an idle two-core machine and over three minutes on a busy one, too
 * slow for every `npm test`. `ORDERFLOW_EMULATOR_ORDERS=1000` runs the full thousand.
 */
const ORDERS = Number(process.env.ORDERFLOW_EMULATOR_ORDERS ?? 200);

let pipeline: AwsPipeline;

beforeAll(async () => {
  pipeline = await startAwsPipeline({
    products: SCENARIO_PRODUCTS,
    maxReceiveCount: SCENARIO_MAX_RECEIVE_COUNT,
    flow: { duplicateDeliveryRate: 0.2, random: seeded(42) },
  });
});
afterAll(async () => {
  await pipeline?.stop();
});

describe(`${ORDERS} orders through the pipeline on DynamoDB and SQS emulators`, () => {
  it("drain to the expected final states with nothing lost and nothing applied twice", async () => {
    await runOrderLifecycleScenario(pipeline.flow, ORDERS);
  }, 300_000);
});
