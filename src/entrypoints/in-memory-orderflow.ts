import type { BusinessLimits, Product } from "../domain/business-rules.js";
import type { OrderflowEvent } from "../domain/events.js";
import { InMemoryEventBus } from "../adapters/memory/in-memory-event-bus.js";
import { InMemoryIdempotencyStore } from "../adapters/memory/in-memory-idempotency-store.js";
import { InMemoryLogger } from "../adapters/memory/in-memory-logger.js";
import { InMemoryOrderRepository } from "../adapters/memory/in-memory-order-repository.js";
import { DEMO_CATALOG, InMemoryProductCatalog } from "../adapters/memory/in-memory-product-catalog.js";
import { InMemoryQueue } from "../adapters/memory/in-memory-queue.js";
import { InMemoryTopic } from "../adapters/memory/in-memory-topic.js";
import { ManualClock } from "../adapters/memory/clocks.js";
import { SequentialIdGenerator } from "../adapters/memory/id-generators.js";
import { ScriptedPaymentGateway } from "../adapters/memory/scripted-payment-gateway.js";
import type { Clock } from "../ports/clock.js";
import type { IdGenerator } from "../ports/id-generator.js";
import type { Logger } from "../ports/logger.js";
import { EVENT_ROUTES, type EventRouteName } from "../ports/routing.js";
import { createOrderConsumers, type OrderConsumers, type QueueConsumer } from "./app/consumers.js";
import { OrderApi } from "./app/order-api.js";
import type { OrderServices } from "./app/services.js";

export interface InMemoryOrderflowOptions {
  /** The catalog business validation uses (default: {@link DEMO_CATALOG}). */
  readonly products?: readonly Product[];
  /** Script payment outcomes per order; by default every charge succeeds. */
  readonly payments?: ScriptedPaymentGateway;
  /** Default: a {@link ManualClock}, so tests control time (visibility timeouts, delays). */
  readonly clock?: Clock;
  /** Default: sequential ids (`id-000001`, …), so runs are reproducible. */
  readonly ids?: IdGenerator;
  /** Default: an {@link InMemoryLogger} that keeps every entry for inspection. */
  readonly logger?: Logger;
  readonly limits?: BusinessLimits;
  /** Receives before a message goes to its dead-letter queue (default 3). */
  readonly maxReceiveCount?: number;
  /** Records per consumer invocation, as an event source mapping's BatchSize (default 10). */
  readonly batchSize?: number;
  /** Standard queues deliver this share of messages twice, to prove consumers idempotent (default 0). */
  readonly duplicateDeliveryRate?: number;
  /** Standard queues deliver in random order (default false). */
  readonly reorder?: boolean;
  /** Seedable randomness for duplicates and reordering. */
  readonly random?: () => number;
}

/** A queue of the pipeline with its dead-letter queue and the consumer that drains it. */
export interface PipelineQueue {
  readonly queue: InMemoryQueue;
  readonly deadLetterQueue: InMemoryQueue;
  readonly consumer: QueueConsumer;
}

export interface DrainReport {
  /** Consumer invocations (batches) run. */
  readonly batches: number;
  readonly records: number;
  /** Records reported as failed (each is retried, or dead-lettered after maxReceiveCount). */
  readonly failures: number;
  /** Messages sitting in dead-letter queues when the drain ended, by queue name. */
  readonly deadLettered: Readonly<Record<string, number>>;
}

export type FlowName = "intake" | EventRouteName;

export interface DrainOptions {
  /** Drain only these flows (`intake`, `processing`, `cancel`, `modify`) or queues (by name); default all. */
  readonly only?: readonly string[];
  /** Stop after this many consumer invocations (to observe a pipeline mid-way). */
  readonly maxBatches?: number;
}

/**
 * The whole of orderflow in one process, on in-memory adapters that behave like
 * SQS, EventBridge, SNS and DynamoDB: the API operations put commands on the
 * intake FIFO queue and requests on the bus, bus rules route events to the
 * flows' queues, and {@link InMemoryOrderflow.drain} runs every queue's consumer
 * the way Lambda event source mappings do (batches, partial batch failures,
 * retries, dead-letter queues).
 */
export class InMemoryOrderflow {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly orders = new InMemoryOrderRepository();
  readonly catalog: InMemoryProductCatalog;
  readonly payments: ScriptedPaymentGateway;
  readonly idempotency = new InMemoryIdempotencyStore();
  readonly bus: InMemoryEventBus;
  /** The SNS alert topic (malformed messages, rejected files). */
  readonly alerts: InMemoryTopic;
  readonly services: OrderServices;
  readonly api: OrderApi;
  readonly consumers: OrderConsumers;
  readonly flows: Readonly<Record<FlowName, PipelineQueue>>;

  private readonly pipelines: PipelineQueue[] = [];
  private readonly batchSize: number;
  private readonly maxReceiveCount: number;
  private readonly queueOptions: Pick<InMemoryOrderflowOptions, "duplicateDeliveryRate" | "reorder" | "random">;

  constructor(options: InMemoryOrderflowOptions = {}) {
    this.clock = options.clock ?? new ManualClock(new Date("2026-01-01T00:00:00.000Z"));
    this.ids = options.ids ?? new SequentialIdGenerator();
    this.logger = options.logger ?? new InMemoryLogger();
    this.catalog = new InMemoryProductCatalog(options.products ?? DEMO_CATALOG);
    this.payments = options.payments ?? new ScriptedPaymentGateway();
    this.batchSize = options.batchSize ?? 10;
    this.maxReceiveCount = options.maxReceiveCount ?? 3;
    this.queueOptions = {
      duplicateDeliveryRate: options.duplicateDeliveryRate,
      reorder: options.reorder,
      random: options.random,
    };
    this.bus = new InMemoryEventBus({ name: "orderflow", clock: this.clock });
    this.alerts = new InMemoryTopic({ name: "orderflow-alerts", clock: this.clock });

    const intake = this.createQueue("orderflow-intake.fifo", true);
    this.services = {
      orders: this.orders,
      bus: this.bus,
      catalog: this.catalog,
      payments: this.payments,
      alerts: this.alerts,
      idempotency: this.idempotency,
      intakeQueue: intake.queue,
      clock: this.clock,
      ids: this.ids,
      logger: this.logger,
      limits: options.limits,
    };
    this.api = new OrderApi(this.services);
    this.consumers = createOrderConsumers(this.services);

    const routed = (route: EventRouteName, consumer: QueueConsumer) => {
      const queues = this.createQueue(`orderflow-${route}`, false);
      this.bus.addRule({ name: route, pattern: EVENT_ROUTES[route], target: queues.queue });
      return this.attach(queues, consumer);
    };
    this.flows = {
      intake: this.attach(intake, this.consumers.validateOrder),
      processing: routed("processing", this.consumers.processOrder),
      cancel: routed("cancel", this.consumers.cancelOrder),
      modify: routed("modify", this.consumers.modifyOrder),
    };
  }

  /**
   * Adds a queue (with its dead-letter queue) drained by `consumer`; how later
   * flows (batch files) join the pipeline.
   */
  addFlow(name: string, consumer: QueueConsumer, options: { fifo?: boolean } = {}): PipelineQueue {
    return this.attach(this.createQueue(name, options.fifo ?? name.endsWith(".fifo")), consumer);
  }

  /**
   * Runs every queue's consumer until no message is left, as event source
   * mappings would: batches of up to `batchSize`, successes deleted, failures
   * made visible again for a retry (the visibility timeout is deemed to have
   * passed), and moved to the dead-letter queue after `maxReceiveCount` receives.
   * With a {@link ManualClock}, delayed messages are waited for by advancing it.
   */
  async drain(options: DrainOptions = {}): Promise<DrainReport> {
    const maxBatches = options.maxBatches ?? 1_000_000;
    const only = options.only ? new Set(options.only.map((flow) => this.queueOf(flow))) : undefined;
    const pipelines = only ? this.pipelines.filter((p) => only.has(p.queue)) : this.pipelines;
    let batches = 0;
    let records = 0;
    let failures = 0;
    for (;;) {
      let progressed = false;
      for (const pipeline of pipelines) {
        const messages = pipeline.queue.receive({ max: this.batchSize });
        if (messages.length === 0) continue;
        progressed = true;
        batches++;
        records += messages.length;
        const result = await pipeline.consumer(messages.map((message) => pipeline.queue.toSqsRecord(message)));
        const failed = new Set(result.batchItemFailures.map((failure) => failure.itemIdentifier));
        failures += failed.size;
        for (const message of messages) {
          if (failed.has(message.messageId)) pipeline.queue.changeVisibility(message.receiptHandle, 0);
          else pipeline.queue.delete(message.receiptHandle);
        }
        if (batches >= maxBatches) return this.report(batches, records, failures);
      }
      if (!progressed && !this.advanceToNextMessage(pipelines)) return this.report(batches, records, failures);
    }
  }

  private queueOf(flow: string): InMemoryQueue {
    const pipeline =
      (this.flows as Record<string, PipelineQueue | undefined>)[flow] ?? this.pipelines.find((p) => p.queue.name === flow);
    if (!pipeline) throw new Error(`no flow or queue named ${flow}`);
    return pipeline.queue;
  }

  /** Every event published on the bus so far (optionally of one type), in order. */
  events(type?: OrderflowEvent["type"]): OrderflowEvent[] {
    const events = this.bus.events() as OrderflowEvent[];
    return type === undefined ? events : events.filter((event) => event.type === type);
  }

  /** The dead-letter queues of every flow, by queue name. */
  deadLetterQueues(): Record<string, InMemoryQueue> {
    return Object.fromEntries(this.pipelines.map((p) => [p.deadLetterQueue.name, p.deadLetterQueue]));
  }

  private createQueue(name: string, fifo: boolean) {
    const dlqName = fifo ? `${name.replace(/\.fifo$/, "")}-dlq.fifo` : `${name}-dlq`;
    const deadLetterQueue = new InMemoryQueue({ name: dlqName, fifo, clock: this.clock });
    const queue = new InMemoryQueue({
      name,
      fifo,
      clock: this.clock,
      maxReceiveCount: this.maxReceiveCount,
      deadLetterQueue,
      ...(fifo ? {} : this.queueOptions),
    });
    return { queue, deadLetterQueue };
  }

  private attach(queues: { queue: InMemoryQueue; deadLetterQueue: InMemoryQueue }, consumer: QueueConsumer) {
    const pipeline = { ...queues, consumer };
    this.pipelines.push(pipeline);
    return pipeline;
  }

  /** With a manual clock, jumps to the moment the next delayed or invisible message becomes visible. */
  private advanceToNextMessage(pipelines: readonly PipelineQueue[]): boolean {
    if (!(this.clock instanceof ManualClock)) return false;
    const next = pipelines
      .map((p) => p.queue.nextVisibleAt()?.getTime())
      .filter((t): t is number => t !== undefined)
      .sort((a, b) => a - b)[0];
    // A message due now that was not received cannot be helped by waiting: stop rather than spin.
    if (next === undefined || next <= this.clock.now().getTime()) return false;
    this.clock.set(new Date(next));
    return true;
  }

  private report(batches: number, records: number, failures: number): DrainReport {
    const deadLettered = Object.fromEntries(
      this.pipelines.map((p) => [p.deadLetterQueue.name, p.deadLetterQueue.size]),
    );
    return { batches, records, failures, deadLettered };
  }
}

/** Wires the whole pipeline in memory; see {@link InMemoryOrderflow}. */
export function createInMemoryOrderflow(options: InMemoryOrderflowOptions = {}): InMemoryOrderflow {
  return new InMemoryOrderflow(options);
}
