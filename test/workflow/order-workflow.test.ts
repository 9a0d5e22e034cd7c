import { readFileSync } from "node:fs";
import aslValidator from "asl-validator";
import { describe, expect, it } from "vitest";
import { renderWorkflow, WORKFLOW_PATH } from "../../scripts/generate-workflow.js";
import {
  runOrderWorkflowLocally,
  type WorkflowTaskHandlers,
  type WorkflowTaskInput,
} from "../../src/entrypoints/workflow/local-workflow.js";
import {
  orderWorkflowDefinition,
  WORKFLOW_ERRORS,
  WORKFLOW_TASKS,
  type WorkflowTask,
} from "../../src/entrypoints/workflow/order-workflow.js";

const named = (name: string, message = name) => Object.assign(new Error(message), { name });

/** Handlers that record the tasks called and succeed, unless `behaviour` says otherwise for a task. */
function handlers(
  behaviour: Partial<Record<WorkflowTask, (input: WorkflowTaskInput, call: number) => unknown>> = {},
) {
  const called: WorkflowTask[] = [];
  const calls = new Map<WorkflowTask, number>();
  const all = Object.fromEntries(
    WORKFLOW_TASKS.map((task) => [
      task,
      async (input: WorkflowTaskInput) => {
        called.push(task);
        const call = (calls.get(task) ?? 0) + 1;
        calls.set(task, call);
        const result = behaviour[task]?.(input, call);
        if (task === "checkStore") return result ?? { accepted: true };
        return result ?? {};
      },
    ]),
  ) as unknown as WorkflowTaskHandlers;
  return { all, called };
}

const input = { orderId: "o-1", correlationId: "c-1" };

describe("the order workflow's definition", () => {
  it("is valid Amazon States Language (asl-validator: schema, transitions, reachability)", () => {
    const { isValid, errors } = aslValidator(orderWorkflowDefinition() as never, {
      checkArn: false,
      checkPaths: true,
    });
    expect(errors).toEqual([]);
    expect(isValid).toBe(true);
  });

  it("is the one committed in deploy/ (npm run deploy:workflow)", () => {
    expect(readFileSync(WORKFLOW_PATH, "utf8")).toBe(renderWorkflow());
  });

  it("takes an order through the store check, payment and confirmation to fulfilment", async () => {
    const { all, called } = handlers();
    const run = await runOrderWorkflowLocally(input, all);

    expect(run.outcome.succeeded).toBe(true);
    expect(called).toEqual(["checkStore", "startPayment", "charge", "confirm", "awaitFulfilment"]);
    expect(run.states.at(-1)).toBe("Fulfilled");
  });

  it.each(["STORE_CLOSED", "STORE_AT_CAPACITY"])(
    "rejects the order when the store answers %s",
    async (reason) => {
      const seen: unknown[] = [];
      const { all, called } = handlers({
        checkStore: () => ({ accepted: false, reason }),
        rejectOrder: (taskInput) => seen.push(taskInput.reason),
      });
      const run = await runOrderWorkflowLocally(input, all);

      expect(called).toEqual(["checkStore", "rejectOrder"]);
      expect(seen).toEqual([reason]);
      expect(run.states.at(-1)).toBe("Rejected");
    },
  );

  it("records a declined payment, and does not retry it", async () => {
    const { all, called } = handlers({
      charge: () => {
        throw named(WORKFLOW_ERRORS.declined, "insufficient funds");
      },
    });
    const run = await runOrderWorkflowLocally(input, all);

    expect(called).toEqual(["checkStore", "startPayment", "charge", "recordPaymentFailure"]);
    expect(run.states.at(-1)).toBe("PaymentFailed");
  });

  it("retries a charge that fails transiently, with bounded attempts", async () => {
    const flaky = handlers({
      charge: (_input, call) => {
        if (call < 3) throw named(WORKFLOW_ERRORS.transient);
      },
    });
    const recovered = await runOrderWorkflowLocally(input, flaky.all);
    expect(recovered.outcome.succeeded).toBe(true);
    expect(flaky.called.filter((task) => task === "charge")).toHaveLength(3);

    const down = handlers({
      charge: () => {
        throw named(WORKFLOW_ERRORS.transient);
      },
    });
    const failed = await runOrderWorkflowLocally(input, down.all);
    expect(down.called.filter((task) => task === "charge")).toHaveLength(4);
    expect(down.called.at(-1)).toBe("compensate");
    expect(failed.outcome.succeeded).toBe(false);
    expect(failed.states.at(-1)).toBe("ChargeFailed");
  });

  it("compensates when confirmation fails after the charge", async () => {
    const { all, called } = handlers({
      confirm: () => {
        throw new TypeError("a defect");
      },
    });
    const run = await runOrderWorkflowLocally(input, all);

    expect(called.slice(-2)).toEqual(["confirm", "compensate"]);
    expect(run.outcome.succeeded).toBe(false);
  });

  it("cancels the order when nobody fulfils it in time", async () => {
    const { all, called } = handlers({
      awaitFulfilment: () => {
        throw named("States.Timeout");
      },
    });
    const run = await runOrderWorkflowLocally(input, all);

    expect(called.slice(-2)).toEqual(["awaitFulfilment", "cancelForTimeout"]);
    expect(run.states.at(-1)).toBe("TimedOut");
    expect(run.outcome.succeeded).toBe(true);
  });

  it("waits for the operator: the fulfilment task completes when the operator acts", async () => {
    let fulfil!: () => void;
    const { all } = handlers({
      awaitFulfilment: () =>
        new Promise<void>((resolve) => {
          fulfil = resolve;
        }),
    });
    const running = runOrderWorkflowLocally(input, all);
    await new Promise((resolve) => setTimeout(resolve, 20));
    fulfil();
    const run = await running;

    expect(run.states.at(-1)).toBe("Fulfilled");
  });
});
