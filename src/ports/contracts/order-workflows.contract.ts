import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OrderWorkflows } from "../order-workflows.js";
import type { Teardown } from "./helpers.js";
import { uniqueId } from "./order-mother.js";

export interface OrderWorkflowsSubject extends Teardown {
  readonly workflows: OrderWorkflows;
  /** How many executions the order has (what the orchestrator shows). */
  executionsOf(orderId: string): Promise<number>;
  /** Starts the order's execution and brings it to its fulfilment wait. @returns the wait's task token. */
  waitingToken(orderId: string): Promise<string>;
}

/**
 * The behaviour every {@link OrderWorkflows} must show. `makeSubject` runs
 * before each test and may return the same orchestrator each time: order ids
 * are unique per test.
 */
export function describeOrderWorkflowsContract(
  adapterName: string,
  makeSubject: () => Promise<OrderWorkflowsSubject> | OrderWorkflowsSubject,
): void {
  describe(`OrderWorkflows contract: ${adapterName}`, () => {
    let subject: OrderWorkflowsSubject;

    beforeEach(async () => {
      subject = await makeSubject();
    });
    afterEach(async () => {
      await subject?.teardown?.();
    });

    it("starts one execution per order, however often it is asked", async () => {
      const orderId = uniqueId("order");
      await subject.workflows.start(orderId, "corr-1");
      await subject.workflows.start(orderId, "corr-1");
      // A redelivered event after a retried request may carry another correlation id: still one execution.
      await subject.workflows.start(orderId, "corr-2");

      expect(await subject.executionsOf(orderId)).toBe(1);
      expect(await subject.executionsOf(uniqueId("order"))).toBe(0);
    });

    it("completes a fulfilment wait once", async () => {
      const token = await subject.waitingToken(uniqueId("order"));

      expect(await subject.workflows.completeFulfilment(token)).toBe(true);
      expect(await subject.workflows.completeFulfilment(token)).toBe(false);
    });

    it("answers false for a token of no wait", async () => {
      expect(await subject.workflows.completeFulfilment(uniqueId("no-such-token"))).toBe(false);
    });
  });
}
