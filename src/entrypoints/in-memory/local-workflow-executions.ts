import type { InMemoryEventBus } from "../../adapters/memory/in-memory-event-bus.js";
import { InMemoryQueue } from "../../adapters/memory/in-memory-queue.js";
import type { WorkflowSteps } from "../../domain/use-cases/workflow-steps.js";
import type { Clock } from "../../ports/clock.js";
import type { OrderRepository } from "../../ports/order-repository.js";
import { EVENT_SOURCE } from "../../ports/routing.js";
import {
  type LocalWorkflowRun,
  runOrderWorkflowLocally,
  type WorkflowTaskInput,
} from "../workflow/local-workflow.js";
import { workflowTaskHandlers } from "../workflow/workflow-task-handlers.js";

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
  /** Read to see an order fulfilled before its execution began to wait (the operator was quicker). */
  readonly orders: Pick<OrderRepository, "get">;
  readonly bus: InMemoryEventBus;
  readonly clock: Clock;
  /** How long the fulfilment task waits for the operator before the order is cancelled (real milliseconds). */
  readonly fulfilmentTimeoutMs: number;
}

/**
 * The order workflow's executions in process, one per order (as the execution
 * name derived from the order id makes it on AWS: a duplicate start starts
 * nothing), each running the deployed definition over the workflow's steps.
 * The fulfilment task waits for the order's `OrderFulfilled` on the bus (the
 * operator's fulfil; on AWS, SendTaskSuccess with the stored task token) or
 * times out. The pipeline's drain waits, through {@link settle}, for every
 * execution to park or end.
 */
export class LocalWorkflowExecutions {
  private readonly executions = new Map<string, Execution>();
  private readonly waiting = new Map<string, () => void>();
  /** Where the bus puts an OrderFulfilled it could not hand to a waiting execution. */
  readonly deadLetterQueue: InMemoryQueue;

  constructor(private readonly options: LocalWorkflowExecutionsOptions) {
    this.deadLetterQueue = new InMemoryQueue({
      name: "orderflow-workflow-fulfilment-rule-dlq",
      clock: options.clock,
    });
    options.bus.addRule({
      name: "workflow-fulfilment",
      pattern: { source: [EVENT_SOURCE], "detail-type": ["OrderFulfilled"] },
      target: (envelope) => this.waiting.get(envelope.detail.orderId)?.(),
      deadLetterQueue: this.deadLetterQueue,
    });
  }

  /** Starts the order's execution unless it has one. */
  start(orderId: string, correlationId: string): void {
    if (this.executions.has(orderId)) return;
    const handlers = workflowTaskHandlers(this.options.steps, (input) => this.awaitFulfilment(input));
    // Its promises are set below: `quiet` by rearm, `finished` once the run starts.
    const execution = { parked: false, done: false } as Execution;
    this.rearm(execution);
    this.executions.set(orderId, execution);
    execution.finished = runOrderWorkflowLocally({ orderId, correlationId }, handlers).then((run) => {
      execution.done = true;
      execution.wake();
      return run;
    });
  }

  /** The order's execution's outcome, once it ended (for tests and inspection). */
  finished(orderId: string): Promise<LocalWorkflowRun> | undefined {
    return this.executions.get(orderId)?.finished;
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

  private async awaitFulfilment(input: WorkflowTaskInput): Promise<unknown> {
    const execution = this.executions.get(input.orderId)!;
    if ((await this.options.orders.get(input.orderId))?.order.status === "FULFILLED") return {};
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        finish();
        reject(Object.assign(new Error("not fulfilled in time"), { name: "States.Timeout" }));
      }, this.options.fulfilmentTimeoutMs);
      timer.unref?.();
      const finish = () => {
        clearTimeout(timer);
        this.waiting.delete(input.orderId);
        execution.parked = false;
        this.rearm(execution);
      };
      this.waiting.set(input.orderId, () => {
        finish();
        resolve({});
      });
      execution.parked = true;
      execution.wake();
    });
  }

  private rearm(execution: Execution): void {
    execution.quiet = new Promise<void>((resolve) => {
      execution.wake = resolve;
    });
  }
}
