import { describe, it } from "vitest";
import { createInMemoryOrderflow } from "../../src/memory.js";
import {
  runOrderLifecycleScenario,
  SCENARIO_MAX_RECEIVE_COUNT,
  SCENARIO_PRODUCTS,
  seeded,
} from "../support/order-lifecycle-scenario.js";

/**
 * 1,000 orders through the whole in-memory pipeline with everything that goes
 * wrong in production at once (see the scenario module); standard queues
 * deliver a fifth of their messages twice and in random order.
 */
describe("1,000 orders through the in-memory pipeline", () => {
  it("drain to the expected final states with nothing lost and nothing applied twice", async () => {
    const flow = createInMemoryOrderflow({
      products: SCENARIO_PRODUCTS,
      duplicateDeliveryRate: 0.2,
      reorder: true,
      random: seeded(42),
      maxReceiveCount: SCENARIO_MAX_RECEIVE_COUNT,
    });
    await runOrderLifecycleScenario(flow, 1_000);
  });
});
