import { orderWorkflowDefinition, taskOfState, type WorkflowTask } from "./order-workflow.js";

/** What `$$.Task.Token` is in a local run (the interpreter creates no token). */
export const LOCAL_TASK_TOKEN = "local";

/** What every task receives (the deployed task function gets the same fields). */
export interface WorkflowTaskInput {
  readonly task: WorkflowTask;
  readonly orderId: string;
  readonly correlationId: string;
  readonly [field: string]: unknown;
}

/** A local implementation of each task: what the task function does on AWS. */
export type WorkflowTaskHandlers = {
  readonly [T in WorkflowTask]: (input: WorkflowTaskInput) => Promise<unknown>;
};

export interface LocalWorkflowRun {
  /** The execution's output, or the error it failed with (its `name` is the ASL error). */
  readonly outcome:
    | { readonly succeeded: true; readonly output: unknown }
    | { readonly succeeded: false; readonly error: unknown };
  /** Every state entered, in order (a retry enters a state once): what Standard workflows bill as transitions. */
  readonly states: readonly string[];
}

/**
 * Runs the order workflow's definition, the one that deploys, in process with
 * `aws-local-stepfunctions`: each task state calls its local handler (on AWS
 * the task function). Local differences: no real task token (the
 * `awaitFulfilment` handler returns a promise that the operator's fulfil
 * settles, or rejects with an error named `States.Timeout`); retry waits are
 * `retryIntervalMs` (default 0).
 */
export async function runOrderWorkflowLocally(
  input: { readonly orderId: string; readonly correlationId: string },
  handlers: WorkflowTaskHandlers,
  options: {
    readonly definition?: Record<string, unknown>;
    readonly retryIntervalMs?: number;
    /** What `$$.Task.Token` is in this run (default {@link LOCAL_TASK_TOKEN}). */
    readonly taskToken?: string;
  } = {},
): Promise<LocalWorkflowRun> {
  const definition = options.definition ?? defaultDefinition();
  const { machine, tasks } = await machineOf(definition);
  const taskResourceLocalHandlers = Object.fromEntries(
    Object.entries(tasks).map(([state, name]) => [
      state,
      async (parameters: unknown) => {
        // As the Lambda integration does: the task function gets the Payload, its answer comes back under Payload.
        const payload = (parameters as { Payload: WorkflowTaskInput }).Payload;
        const answer = (await handlers[name]({ ...payload, task: name })) ?? {};
        return (state === "AwaitFulfilment" ? answer : { Payload: answer }) as never;
      },
    ]),
  );
  const retryIntervalOverrides = Object.fromEntries(
    Object.keys(tasks).map((state) => [state, options.retryIntervalMs ?? 0]),
  );
  const execution = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers, retryIntervalOverrides },
    // The interpreter makes no task tokens: the run is given one, and the fulfilment task waits for the operator itself.
    context: { Task: { Token: options.taskToken ?? LOCAL_TASK_TOKEN } } as never,
  });
  const states: string[] = [];
  const logged = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === "StateEntered") states.push((event as { state: { name: string } }).state.name);
    }
  })();
  let outcome: LocalWorkflowRun["outcome"];
  try {
    outcome = { succeeded: true, output: await execution.result };
  } catch (error) {
    outcome = { succeeded: false, error };
  }
  await logged.catch(() => undefined);
  return { outcome, states };
}

type Machine = InstanceType<typeof import("aws-local-stepfunctions").StateMachine>;

const machines = new WeakMap<
  object,
  Promise<{ machine: Machine; tasks: Readonly<Record<string, WorkflowTask>> }>
>();
let defaultDefinitionValue: Record<string, unknown> | undefined;

/** The default definition, made once: its machine is then built (and validated) once per process. */
function defaultDefinition(): Record<string, unknown> {
  defaultDefinitionValue ??= orderWorkflowDefinition();
  return defaultDefinitionValue;
}

/**
 * Loads the interpreter and builds the default definition's machine now, so
 * that the first execution does not (about 0.4 s of loading the interpreter,
 * with nothing else served meanwhile): for a service, before it serves.
 */
export async function prepareOrderWorkflow(): Promise<void> {
  await machineOf(defaultDefinition());
}

/**
 * The interpreter's machine for a definition, built once and kept for every
 * later run. The interpreter's own validation is skipped: it takes about
 * 0.5 s with nothing else served meanwhile, and the definition is the one
 * `deploy/order-workflow.asl.json` holds, which the tests validate with
 * asl-validator (schema, transitions, reachability).
 */
function machineOf(definition: Record<string, unknown>) {
  let built = machines.get(definition);
  if (!built) {
    built = (async () => {
      providePromiseWithResolvers();
      // Loaded on demand: only the local orchestration needs the interpreter.
      const { StateMachine } = await import("aws-local-stepfunctions");
      const machine = new StateMachine(definition as never, { validationOptions: { noValidate: true } });
      return { machine, tasks: taskOfState(definition) };
    })();
    machines.set(definition, built);
  }
  return built;
}

/**
 * `Promise.withResolvers` (Node ≥ 22), which aws-local-stepfunctions calls: on
 * Node 20 it is provided here, once, before the interpreter runs.
 */
function providePromiseWithResolvers(): void {
  const promise = Promise as unknown as { withResolvers?: unknown };
  if (typeof promise.withResolvers === "function") return;
  promise.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const created = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise: created, resolve, reject };
  };
}
