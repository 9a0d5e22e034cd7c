/**
 * The order workflow, declared once as data and rendered as Amazon States
 * Language: the same definition deploys (`deploy/order-workflow.asl.json`, an
 * `AWS::StepFunctions::StateMachine`) and runs in process
 * (`aws-local-stepfunctions`, with a local handler per task state). Each
 * task state names a task of {@link WORKFLOW_TASKS}; one Lambda function
 * (`${WorkflowTaskFunctionArn}`, substituted at deployment) runs them all by
 * that name, calling the existing use cases, so the domain and its
 * idempotency do the work and the workflow only orders it.
 *
 *   CheckStore ─ accepted? ─ no ─> RejectOrder ─> Rejected
 *        └ yes ─> StartPayment ─> Charge ─ declined ─> RecordPaymentFailure ─> PaymentFailed
 *                                   ├ retries exhausted ─> Compensate ─> ChargeFailed (fails: alarm)
 *                                   └> Confirm ─> AwaitFulfilment (task token) ─> Fulfilled
 *                                                    └ timeout ─> CancelForTimeout ─> TimedOut
 */

/** The tasks the workflow orders, by name; the task function dispatches on it. */
export const WORKFLOW_TASKS = [
  "checkStore",
  "rejectOrder",
  "startPayment",
  "charge",
  "recordPaymentFailure",
  "compensate",
  "confirm",
  "awaitFulfilment",
  "cancelForTimeout",
] as const;

export type WorkflowTask = (typeof WORKFLOW_TASKS)[number];

/** Error names tasks throw (ASL matches `ErrorEquals` on them). */
export const WORKFLOW_ERRORS = {
  /** A dependency failed for now: retried with backoff and jitter. */
  transient: "Orderflow.Transient",
  /** The payment was declined: an outcome, recorded, not retried. */
  declined: "Orderflow.PaymentDeclined",
  /** What the workflow fails with once a charge could not be completed (the alarm's cause). */
  chargeFailed: "Orderflow.ChargeFailed",
} as const;

/** Where the deployed definition finds the task function (a `DefinitionSubstitutions` key). */
export const TASK_FUNCTION_PLACEHOLDER = "${WorkflowTaskFunctionArn}";

export interface OrderWorkflowOptions {
  /** How long a confirmed order may await fulfilment before it is cancelled (default 24 h). */
  readonly fulfilmentTimeoutSeconds?: number;
  /** Attempts of a charge that fails transiently, the first included (default 4). */
  readonly chargeAttempts?: number;
}

export const DEFAULT_FULFILMENT_TIMEOUT_SECONDS = 24 * 60 * 60;

/** Errors of the Lambda service itself, worth a retry like a task's own transient error. */
const LAMBDA_SERVICE_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
];

const RETRY_TRANSIENT = {
  ErrorEquals: [WORKFLOW_ERRORS.transient, ...LAMBDA_SERVICE_ERRORS],
  IntervalSeconds: 1,
  MaxAttempts: 3,
  BackoffRate: 2,
  MaxDelaySeconds: 30,
  JitterStrategy: "FULL",
} as const;

/** The input every task receives: the order, and the request it came from. */
const TASK_INPUT = { "orderId.$": "$.orderId", "correlationId.$": "$.correlationId" } as const;

/** The service integration every task state uses: invoke the task function with a payload. */
export const LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke";

/**
 * A task state that runs `name` on the task function with `payload` (besides
 * the order and the correlation id); its result is dropped unless `extra`
 * says where it goes.
 */
function task(
  name: WorkflowTask,
  next: string,
  extra: Record<string, unknown> = {},
  payload: Record<string, unknown> = {},
) {
  return {
    Type: "Task",
    Resource: LAMBDA_INVOKE,
    Parameters: {
      FunctionName: TASK_FUNCTION_PLACEHOLDER,
      Payload: { task: name, ...TASK_INPUT, ...payload },
    },
    ResultPath: null,
    Retry: [RETRY_TRANSIENT],
    ...extra,
    Next: next,
  };
}

/** The definition as Amazon States Language (a JSON value). */
export function orderWorkflowDefinition(options: OrderWorkflowOptions = {}): Record<string, unknown> {
  const fulfilmentTimeout = options.fulfilmentTimeoutSeconds ?? DEFAULT_FULFILMENT_TIMEOUT_SECONDS;
  const chargeAttempts = options.chargeAttempts ?? 4;
  return {
    Comment: "orderflow: check the store, pay, confirm, await fulfilment (generated: do not edit)",
    StartAt: "CheckStore",
    States: {
      // The task function answers { accepted, reason }; an invocation's answer comes under Payload.
      CheckStore: task("checkStore", "StoreAccepts", {
        ResultSelector: { "value.$": "$.Payload" },
        ResultPath: "$.store",
      }),
      StoreAccepts: {
        Type: "Choice",
        Choices: [{ Variable: "$.store.value.accepted", BooleanEquals: true, Next: "StartPayment" }],
        Default: "RejectOrder",
      },
      RejectOrder: task("rejectOrder", "Rejected", {}, { "reason.$": "$.store.value.reason" }),
      Rejected: { Type: "Succeed" },
      StartPayment: task("startPayment", "Charge"),
      Charge: task("charge", "Confirm", {
        Retry: [{ ...RETRY_TRANSIENT, MaxAttempts: chargeAttempts - 1 }],
        Catch: [
          { ErrorEquals: [WORKFLOW_ERRORS.declined], ResultPath: "$.failure", Next: "RecordPaymentFailure" },
          { ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: "Compensate" },
        ],
      }),
      RecordPaymentFailure: task("recordPaymentFailure", "PaymentFailed", {}, { "failure.$": "$.failure" }),
      PaymentFailed: { Type: "Succeed" },
      Compensate: task("compensate", "ChargeFailed", {}, { "failure.$": "$.failure" }),
      ChargeFailed: {
        Type: "Fail",
        Error: WORKFLOW_ERRORS.chargeFailed,
        Cause: "the charge could not be completed; the order records why and any refund owed",
      },
      Confirm: task("confirm", "AwaitFulfilment", {
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.failure", Next: "Compensate" }],
      }),
      AwaitFulfilment: {
        Type: "Task",
        // Only a Standard workflow waits for a task token: the operator's fulfil completes it.
        Resource: `${LAMBDA_INVOKE}.waitForTaskToken`,
        Parameters: {
          FunctionName: TASK_FUNCTION_PLACEHOLDER,
          // The wait's timeout comes along, so the token is kept as long as the wait may last.
          Payload: {
            task: "awaitFulfilment",
            ...TASK_INPUT,
            "taskToken.$": "$$.Task.Token",
            timeoutSeconds: fulfilmentTimeout,
          },
        },
        TimeoutSeconds: fulfilmentTimeout,
        ResultPath: null,
        Retry: [RETRY_TRANSIENT],
        Catch: [{ ErrorEquals: ["States.Timeout"], ResultPath: "$.failure", Next: "CancelForTimeout" }],
        Next: "Fulfilled",
      },
      CancelForTimeout: task("cancelForTimeout", "TimedOut"),
      TimedOut: { Type: "Succeed" },
      Fulfilled: { Type: "Succeed" },
    },
  };
}

/** The task each task state runs, by state name (what a local run maps its handlers by). */
export function taskOfState(definition: Record<string, unknown>): Readonly<Record<string, WorkflowTask>> {
  const states = definition.States as Record<string, { Type?: string; Parameters?: Record<string, unknown> }>;
  const tasks: Record<string, WorkflowTask> = {};
  for (const [name, state] of Object.entries(states)) {
    if (state.Type !== "Task") continue;
    const parameters = state.Parameters ?? {};
    const payload = (parameters.Payload ?? {}) as { task?: WorkflowTask };
    if (payload.task) tasks[name] = payload.task;
  }
  return tasks;
}
