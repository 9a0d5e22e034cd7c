import type { StoreRefusal } from "../../domain/store-settings.js";
import type { FulfilmentWait } from "../../domain/use-cases/fulfilment-wait.js";
import type { WorkflowSteps } from "../../domain/use-cases/workflow-steps.js";
import type { WorkflowTaskHandlers, WorkflowTaskInput } from "./local-workflow.js";
import { WORKFLOW_ERRORS } from "./order-workflow.js";

/** What a Catch hands the next state: the error's name and message. */
interface CaughtFailure {
  readonly Error?: string;
  readonly Cause?: string;
}

/**
 * The workflow's tasks over its steps: each task's payload translated to a
 * step's input, and an error a retry may cure (a port error marked
 * `retryable`) renamed to {@link WORKFLOW_ERRORS.transient}, the name the
 * definition retries. What the task function does on AWS, and what local runs
 * call. `awaitFulfilment` is the orchestrator's: it waits for the operator.
 */
export function workflowTaskHandlers(
  steps: WorkflowSteps,
  awaitFulfilment: (input: WorkflowTaskInput) => Promise<unknown>,
): WorkflowTaskHandlers {
  const reasonOf = (input: WorkflowTaskInput) => {
    const failure = (input.failure ?? {}) as CaughtFailure;
    return failure.Cause || failure.Error || "unknown failure";
  };
  return {
    checkStore: (input) => transient(() => steps.checkStore(input)),
    rejectOrder: (input) =>
      transient(() => steps.rejectOrder({ ...input, reason: input.reason as StoreRefusal })),
    startPayment: (input) => transient(() => steps.startPayment(input)),
    charge: (input) => transient(() => steps.charge(input)),
    recordPaymentFailure: (input) =>
      transient(() => steps.recordPaymentFailure({ ...input, reason: reasonOf(input) })),
    compensate: (input) => transient(() => steps.compensate({ ...input, reason: reasonOf(input) })),
    confirm: (input) => transient(() => steps.confirm(input)),
    awaitFulfilment,
    cancelForTimeout: (input) => transient(() => steps.cancelForTimeout(input)),
  };
}

/**
 * The fulfilment task as the deployed task function runs it: the wait
 * begins, keeping the execution's task token (`.waitForTaskToken`: the
 * function's answer is not the task's; the token's completion is).
 */
export function beginFulfilmentWait(wait: Pick<FulfilmentWait, "begin">) {
  return (input: WorkflowTaskInput): Promise<unknown> =>
    transient(() =>
      wait.begin({
        orderId: input.orderId,
        taskToken: String(input.taskToken),
        timeoutSeconds: Number(input.timeoutSeconds),
      }),
    );
}

/** Runs a step; a retryable port error leaves it named as the definition retries it. */
async function transient<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if ((error as { retryable?: unknown } | null)?.retryable === true) {
      throw Object.assign(new Error((error as Error).message, { cause: error }), {
        name: WORKFLOW_ERRORS.transient,
      });
    }
    throw error;
  }
}
