/**
 * What the order workflow costs per order: the states each path enters, run
 * through the deployed definition locally, priced as Standard and Express
 * workflows at us-east-1 list prices (confirm before quoting). Only Standard
 * waits for a task token, so the fulfilment wait is Standard in every choice.
 */
import {
  runOrderWorkflowLocally,
  type WorkflowTaskHandlers,
} from "../src/entrypoints/workflow/local-workflow.js";
import {
  WORKFLOW_ERRORS,
  WORKFLOW_TASKS,
  type WorkflowTask,
} from "../src/entrypoints/workflow/order-workflow.js";

/** USD: Standard per state transition; Express per request and per GB-second (billed in 64 MB, 100 ms steps). */
const PRICES = {
  standardTransition: 25 / 1e6,
  expressRequest: 1 / 1e6,
  expressGbSecond: 0.00001667,
} as const;

const named = (name: string) => Object.assign(new Error(name), { name });

function handlers(behaviour: Partial<Record<WorkflowTask, () => unknown>>): WorkflowTaskHandlers {
  return Object.fromEntries(
    WORKFLOW_TASKS.map((task) => [
      task,
      async () => behaviour[task]?.() ?? (task === "checkStore" ? { accepted: true } : {}),
    ]),
  ) as unknown as WorkflowTaskHandlers;
}

const PATHS: Record<string, Partial<Record<WorkflowTask, () => unknown>>> = {
  fulfilled: {},
  "store closed": { checkStore: () => ({ accepted: false, reason: "STORE_CLOSED" }) },
  declined: {
    charge: () => {
      throw named(WORKFLOW_ERRORS.declined);
    },
  },
  "fulfilment timeout": {
    awaitFulfilment: () => {
      throw named("States.Timeout");
    },
  },
};

/** The states before the fulfilment wait: what an Express child workflow would run. */
const EXPRESS_PART = new Set([
  "CheckStore",
  "StoreAccepts",
  "RejectOrder",
  "Rejected",
  "StartPayment",
  "Charge",
  "RecordPaymentFailure",
  "PaymentFailed",
  "Compensate",
  "ChargeFailed",
  "Confirm",
]);

export async function runWorkflowCostBench(): Promise<void> {
  const rows = [];
  for (const [path, behaviour] of Object.entries(PATHS)) {
    const { states } = await runOrderWorkflowLocally(
      { orderId: "o-1", correlationId: "c" },
      handlers(behaviour),
    );
    // Standard bills every state transition: one per state entered (the start included).
    const standard = states.length * PRICES.standardTransition;
    // Split: the payment part as a synchronous Express child (2 states in the parent to start it and
    // continue), the fulfilment wait and its outcome in the Standard parent.
    const parentStates = states.filter((s) => !EXPRESS_PART.has(s)).length + 1;
    const expressSeconds = 1; // a generous second of Lambda-backed work per order, at the 64 MB minimum
    const express =
      PRICES.expressRequest + Math.ceil(expressSeconds * 10) * 0.1 * (64 / 1024) * PRICES.expressGbSecond;
    const split = parentStates * PRICES.standardTransition + express;
    rows.push({
      path,
      "states entered": states.length,
      "all Standard $/M orders": (standard * 1e6).toFixed(2),
      "Standard parent states": parentStates,
      "Express payment + Standard wait $/M orders": (split * 1e6).toFixed(2),
    });
  }
  console.log(
    "\n## Order workflow: state transitions and cost per million orders (requests only; tasks' Lambda not included)",
  );
  console.table(rows);
  console.log(
    "Prices: Standard $25 per million state transitions; Express $1.00 per million requests plus $0.00001667 per GB-second " +
      "(64 MB, 100 ms steps). Only Standard waits for a task token, so the fulfilment wait stays Standard.",
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await runWorkflowCostBench();
