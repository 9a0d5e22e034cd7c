import { describeError } from "../../domain/errors.js";
import { FulfilmentWait } from "../../domain/use-cases/fulfilment-wait.js";
import type { WorkflowSteps } from "../../domain/use-cases/workflow-steps.js";
import type { Clock } from "../../ports/clock.js";
import type { Logger } from "../../ports/logger.js";
import type { OrderRepository } from "../../ports/order-repository.js";
import type { OrderWorkflows } from "../../ports/order-workflows.js";
import type { TaskTokenStore } from "../../ports/task-token-store.js";
import {
  type LocalWorkflowRun,
  runOrderWorkflowLocally,
  type WorkflowTaskHandlers,
} from "./local-workflow.js";
import { beginFulfilmentWait, workflowTaskHandlers } from "./workflow-task-handlers.js";

/** Outcomes of ended executions kept (the latest), for `finished` and to ignore repeated starts. */
const ENDED_KEPT = 1_000;

interface Execution {
  /** Waiting for the operator (its fulfilment task), rather than working. */
  parked: boolean;
  done: boolean;
  finished: Promise<LocalWorkflowRun>;
  /** Settles when the execution next parks or ends. */
  quiet: Promise<void>;
  wake: () => void;
}

export interface LocalWorkflowExecutionsOptions {
  readonly steps: WorkflowSteps;
  /** Read when a wait begins, to see an order the operator fulfilled first. */
  readonly orders: Pick<OrderRepository, "get">;
  /** Where each wait keeps its task token, as the task function does on AWS. */
  readonly taskTokens: TaskTokenStore;
  readonly clock: Clock;
  /** How long the fulfilment task waits for the operator before the order is cancelled (real milliseconds). */
  readonly fulfilmentTimeoutMs: number;
  /** Where each task's start and failure are logged, at debug level (default: nowhere). */
  readonly logger?: Logger | undefined;
}

/**
 * The order workflow's executions in process, one per order (as the execution
 * name derived from the order id makes it on AWS: a duplicate start starts
 * nothing), each running the deployed definition over the workflow's steps:
 * {@link OrderWorkflows} without Step Functions. The fulfilment task is the
 * task function's, {@link FulfilmentWait}, over a token of its own per
 * execution; the execution then waits until {@link completeFulfilment} is
 * called with that token (by the release of the order's `OrderFulfilled`, as
 * on AWS) or times out. The pipeline's drain waits, through {@link settle}, for
 * every execution to park or end.
 */
export class LocalWorkflowExecutions implements OrderWorkflows {
  private readonly executions = new Map<string, Execution>();
  private readonly ended = new Map<string, LocalWorkflowRun>();
  /** The open waits, by task token: each resolves its fulfilment task. */
  private readonly waiting = new Map<string, () => void>();
  private readonly wait: FulfilmentWait;

  constructor(private readonly options: LocalWorkflowExecutionsOptions) {
    this.wait = new FulfilmentWait({ ...options, workflows: this });
  }

  /** Starts the order's execution unless it has one. */
  async start(orderId: string, correlationId: string): Promise<void> {
    if (this.executions.has(orderId) || this.ended.has(orderId)) return;
    const execution = { parked: false, done: false } as Execution;
    const begin = beginFulfilmentWait(this.wait);
    const handlers = logged(
      workflowTaskHandlers(this.options.steps, (input) => this.awaitFulfilment(execution, input, begin)),
      this.options.logger?.child({ flow: "order-workflow", orderId }),
    );
    // Its promises are set below: `quiet` by rearm, `finished` once the run starts.
    this.rearm(execution);
    this.executions.set(orderId, execution);
    // One token per execution: what `$$.Task.Token` is in its local run.
    const taskToken = `local-${orderId}`;
    execution.finished = runOrderWorkflowLocally({ orderId, correlationId }, handlers, { taskToken }).then(
      (run) => {
        execution.done = true;
        execution.wake();
        // An ended execution leaves only its outcome, and only the latest ones, so a long-running
        // process holds the executions in progress (a start of an order whose outcome was
        // forgotten runs steps that its status makes no-ops, as a redrive would on AWS).
        this.executions.delete(orderId);
        this.ended.set(orderId, run);
        if (this.ended.size > ENDED_KEPT) this.ended.delete(this.ended.keys().next().value!);
        return run;
      },
    );
  }

  async completeFulfilment(taskToken: string): Promise<boolean> {
    const complete = this.waiting.get(taskToken);
    complete?.();
    return complete !== undefined;
  }

  /** The order's execution's outcome, once it ended (for tests and inspection). */
  finished(orderId: string): Promise<LocalWorkflowRun> | undefined {
    const ended = this.ended.get(orderId);
    return ended ? Promise.resolve(ended) : this.executions.get(orderId)?.finished;
  }

  /** Waits until every execution is parked or done. @returns whether any was still working. */
  async settle(): Promise<boolean> {
    let worked = false;
    for (;;) {
      const busy = [...this.executions.values()].filter((e) => !e.parked && !e.done);
      if (busy.length === 0) return worked;
      worked = true;
      await Promise.all(busy.map((e) => e.quiet));
    }
  }

  /** The fulfilment task: begins the wait (keeping the token), then parks until it is completed or times out. */
  private awaitFulfilment(
    execution: Execution,
    input: Parameters<ReturnType<typeof beginFulfilmentWait>>[0],
    begin: ReturnType<typeof beginFulfilmentWait>,
  ): Promise<unknown> {
    const token = String(input.taskToken);
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        finish();
        reject(Object.assign(new Error("not fulfilled in time"), { name: "States.Timeout" }));
      }, this.options.fulfilmentTimeoutMs);
      timer.unref?.();
      const finish = () => {
        clearTimeout(timer);
        this.waiting.delete(token);
        execution.parked = false;
        this.rearm(execution);
      };
      // Registered before the wait begins: a wait that finds the order fulfilled completes itself at once.
      this.waiting.set(token, () => {
        finish();
        resolve({});
      });
      begin(input).then(
        () => {
          if (!this.waiting.has(token)) return;
          execution.parked = true;
          execution.wake();
        },
        (error: unknown) => {
          finish();
          reject(error);
        },
      );
    });
  }

  private rearm(execution: Execution): void {
    execution.quiet = new Promise<void>((resolve) => {
      execution.wake = resolve;
    });
  }
}

/** The handlers, each logging at debug level when its task starts and when it fails (a Catch or a retry follows). */
function logged(handlers: WorkflowTaskHandlers, log: Logger | undefined): WorkflowTaskHandlers {
  if (!log) return handlers;
  return Object.fromEntries(
    Object.entries(handlers).map(([task, handle]) => [
      task,
      async (input: Parameters<typeof handle>[0]) => {
        log.debug(`workflow task: ${task}`);
        try {
          return await handle(input);
        } catch (error) {
          log.debug(`workflow task failed: ${task}`, { error: describeError(error) });
          throw error;
        }
      },
    ]),
  ) as WorkflowTaskHandlers;
}
