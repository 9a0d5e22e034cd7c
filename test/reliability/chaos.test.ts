import { describe, expect, it } from "vitest";
import {
  addFileFlows,
  createInMemoryOrderflow,
  InMemoryFileHistory,
  InMemoryObjectStore,
} from "../../src/memory.js";
import { SCENARIO_PRODUCTS, seeded } from "../support/order-lifecycle-scenario.js";
import { SEED, scaled, timeoutFor } from "./campaign.js";
import { chaosHarness, chaosTable, DUPLICATE_RATE, redriveInMemory, runChaos } from "./chaos-scenario.js";

/**
 * Chaos end to end, in memory: 10,000 orders (at scale 1) placed through the
 * API, and batch files dropped into the bucket, through the whole
 * pipeline while every port fails a tenth of its calls, processes crash
 * between two effects and standard queues deliver duplicates out of order;
 * then the faults stop, every dead-letter queue is redriven and the pipeline
 * drained. See chaos-scenario.ts for what must hold.
 */
/**
 * Receives before a message is dead-lettered. A tenth of every call failing
 * fails most attempts of a record that makes many calls (an extraction places
 * a file's orders one write each); three receives would dead-letter most files.
 */
const MAX_RECEIVE_COUNT = 8;

describe("chaos end to end, in memory", () => {
  it(
    `${scaled(10_000)} orders reach a final state with nothing lost, charged twice or published differently`,
    async () => {
      const harness = chaosHarness(SEED);
      const flow = createInMemoryOrderflow({
        products: SCENARIO_PRODUCTS,
        duplicateDeliveryRate: DUPLICATE_RATE,
        reorder: true,
        random: seeded(SEED + 1),
        decorate: harness.decorate,
        maxReceiveCount: MAX_RECEIVE_COUNT,
      });
      const files = addFileFlows(flow, {
        objects: harness.decorate("objectStore", new InMemoryObjectStore({ clock: flow.clock })),
        history: harness.decorate("fileHistory", new InMemoryFileHistory()),
      });
      const { tally, finalStates } = await runChaos(flow, harness, {
        files,
        orders: scaled(10_000),
        seed: SEED,
        redrive: () => redriveInMemory(flow),
        drainAll: async () => {
          await flow.drain();
        },
      });
      console.info(chaosTable(`chaos in memory, seed ${SEED}`, tally, harness.faults.counts(), finalStates));
      expect(tally.accepted).toBeGreaterThan(0);
    },
    timeoutFor(120_000),
  );
});
