import type { Container } from "inversify";
import { ManualClock } from "../../adapters/memory/clocks.js";
import { SequentialIdGenerator } from "../../adapters/memory/id-generators.js";
import type { BusEnvelope, InMemoryEventBus } from "../../adapters/memory/in-memory-event-bus.js";
import type { InMemoryLogger } from "../../adapters/memory/in-memory-logger.js";
import type { InMemoryMetricsStore } from "../../adapters/memory/in-memory-metrics-store.js";
import type { InMemoryNotificationStore } from "../../adapters/memory/in-memory-notification-store.js";
import type { InMemoryOrderRepository } from "../../adapters/memory/in-memory-order-repository.js";
import type {
  DEMO_CATALOG,
  InMemoryProductCatalog,
} from "../../adapters/memory/in-memory-product-catalog.js";
import { InMemoryQueue } from "../../adapters/memory/in-memory-queue.js";
import type { InMemoryTopic } from "../../adapters/memory/in-memory-topic.js";
import { ScriptedPaymentGateway } from "../../adapters/memory/scripted-payment-gateway.js";
import type { BusinessLimits, Product } from "../../domain/business-rules.js";
import type { OrderflowEvent } from "../../domain/events.js";
import type { NotificationPriority } from "../../domain/notification.js";
import { WorkflowSteps } from "../../domain/use-cases/workflow-steps.js";
import type { Clock } from "../../ports/clock.js";
import type { CommandQueue } from "../../ports/command-queue.js";
import type { EventBus } from "../../ports/event-bus.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { IdempotencyStore } from "../../ports/idempotency-store.js";
import type { Logger } from "../../ports/logger.js";
import type { OrderRepository } from "../../ports/order-repository.js";
import type { ProductCatalog } from "../../ports/product-catalog.js";
import {
  EVENT_ROUTES,
  EVENT_SOURCE,
  type EventRouteName,
  NOTIFICATION_QUEUES,
  routeRuleName,
} from "../../ports/routing.js";
import type { QueueConsumer } from "../consumers/queue-consumer.js";
import { adaptersModule, type PortAdapters } from "../container/adapters-module.js";
import { createContainer, resolve } from "../container/create-container.js";
import { createMemoryAdapters } from "../container/memory-module.js";
import { metricsFlowsModule } from "../container/metrics-flows-module.js";
import { notificationFlowsModule } from "../container/notification-flows-module.js";
import { orderFlowsModule } from "../container/order-flows-module.js";
import { consumerToken, METRICS_API, NOTIFICATION_API, ORDER_API, STORE_API } from "../container/tokens.js";
import { useCasesModule } from "../container/use-cases-module.js";
import { workflowFlowsModule } from "../container/workflow-flows-module.js";
import { consumerOfQueue } from "../handlers.js";
import type { HttpApi } from "../http/http-core.js";
import type { MetricsApi } from "../http/metrics-api.js";
import type { NotificationApi } from "../http/notification-api.js";
import type { OrderApi } from "../http/order-api.js";
import { DEFAULT_FULFILMENT_TIMEOUT_SECONDS } from "../workflow/order-workflow.js";
import { addNotificationQueues } from "./in-memory-notification-queues.js";
import {
  type DrainedQueue,
  type DrivenRecord,
  InMemoryQueueDriver,
  type PipelineQueue,
  type QueueDriver,
} from "./pipeline-queues.js";

export {
  type DrainedQueue,
  type DrivenRecord,
  InMemoryQueueDriver,
  type PipelineQueue,
  type QueueDriver,
} from "./pipeline-queues.js";

import { LocalWorkflowExecutions } from "../workflow/local-workflow-executions.js";

/** A flow's queue run by something else than this process (SQS on an emulator or on AWS). */
export interface ExternalQueue {
  /** Where the flow's producer sends: the API for `intake`, the flow's bus rule for the others. */
  readonly queue: CommandQueue;
  /** How the drain loop reads it. */
  readonly driver: QueueDriver;
  /** Its dead-letter queue, which the queue's redrive policy fills; read for the drain report. */
  readonly deadLetterDriver: QueueDriver;
}

/** Flows whose queues are injected rather than created in memory. */
export type ExternalQueues = Partial<Record<FlowName, ExternalQueue>>;

export interface InMemoryOrderflowOptions<
  TOrders extends OrderRepository = InMemoryOrderRepository,
  TCatalog extends ProductCatalog = InMemoryProductCatalog,
  TQueues extends ExternalQueues = Record<never, never>,
> {
  /** Default: an {@link InMemoryOrderRepository}. */
  readonly orders?: TOrders;
  /** Default: an in-memory store. */
  readonly idempotency?: IdempotencyStore;
  /** Default: an {@link InMemoryProductCatalog} holding `products`; an injected catalog must hold them itself. */
  readonly catalog?: TCatalog;
  /**
   * Queues of some flows on another technology (e.g. `SqsCommandQueue` and an
   * SQS driver on an emulator); the others stay in memory. A routed flow's bus
   * rule sends to the injected queue, standard queues getting duplicates at
   * `duplicateDeliveryRate` as EventBridge delivers at least once.
   */
  readonly queues?: TQueues;
  /**
   * Where the flows publish; default: `bus`, the in-memory bus whose rules
   * route to the flows' queues. An injected bus must hand what it publishes on
   * to `bus` (e.g. an EventBridgeEventBus whose client forwards PutEvents), or
   * nothing reaches the routed flows.
   */
  readonly eventBus?: EventBus;
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
  /**
   * How long a validated order waits before its payment starts: the delivery
   * delay of the processing queue (SQS's `DelaySeconds`), a window in which
   * the customer can still modify or cancel it. Default 0.
   */
  readonly paymentDelaySeconds?: number;
  /** Records per consumer invocation, as an event source mapping's BatchSize (default 10). */
  readonly batchSize?: number;
  /**
   * Standard queues deliver this share of messages twice, to prove consumers idempotent (default 0);
   * for injected routed queues, the bus rule sends this share twice.
   */
  readonly duplicateDeliveryRate?: number;
  /** Standard queues deliver in random order (default false). */
  readonly reorder?: boolean;
  /** Seedable randomness for duplicates and reordering. */
  readonly random?: () => number;
  /**
   * Who takes a validated order through payment to fulfilment: the
   * processing queue's consumer (`queue`, the default), or the order workflow
   * (`workflow`: the deployed definition run in process, one execution per
   * order, started from the processing queue).
   */
  readonly orchestration?: "queue" | "workflow";
  /** With the workflow: how long (real milliseconds) an order awaits fulfilment before it is cancelled (default 24 h). */
  readonly fulfilmentTimeoutMs?: number;
  /**
   * Wraps what the flows call, e.g. to inject faults (`FaultInjector` of
   * `orderflow/testing`): each adapter of {@link InMemoryOrderflow.adapters} by
   * its port name, each bus rule's target as `target:<flow>`, and the driver
   * the drain loop reads each queue with as `driver:<flow>`. The properties of
   * this object (`orders`, `bus`, `flows`, …) stay unwrapped, for inspection.
   */
  readonly decorate?: <T extends object>(name: string, port: T) => T;
}

/** An injected queue of the pipeline (see {@link InMemoryOrderflowOptions.queues}) and its consumer. */
export interface ExternalPipelineQueue extends ExternalQueue, DrainedQueue {}

/** The queue of each flow: in memory unless injected. */
export type PipelineFlows<TQueues extends ExternalQueues> = {
  readonly [F in FlowName]: F extends keyof TQueues ? ExternalPipelineQueue : PipelineQueue;
};

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

/** Receives in a row that may fail before the drain gives up on a queue that is down rather than flaky. */
const MAX_CONSECUTIVE_FAILED_RECEIVES = 100;

/** The order flows: the intake queue the API sends to, and one queue per bus route. */
const FLOW_NAMES: readonly FlowName[] = ["intake", ...(Object.keys(EVENT_ROUTES) as EventRouteName[])];

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
 *
 * Storage adapters and the queues of any flow can be injected (DynamoDB and
 * SQS on emulators, say), so the same pipeline and the same end-to-end tests
 * run on them; the bus, the alert topic and the payment gateway stay in memory.
 */
export class InMemoryOrderflow<
  TOrders extends OrderRepository = InMemoryOrderRepository,
  TCatalog extends ProductCatalog = InMemoryProductCatalog,
  TQueues extends ExternalQueues = Record<never, never>,
> {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly orders: TOrders;
  readonly catalog: TCatalog;
  readonly payments: ScriptedPaymentGateway;
  readonly idempotency: IdempotencyStore;
  readonly bus: InMemoryEventBus;
  /** The SNS alert topic (malformed messages, rejected files). */
  readonly alerts: InMemoryTopic;
  /** The adapter behind each port of the order flows. */
  readonly adapters: Omit<PortAdapters, "objectStore" | "fileHistory" | "fileExtractionQueue">;
  /**
   * The composition root of the flows, built as a handler's is: these
   * adapters, the use cases and the order flows' module. Later flows load
   * theirs into it (`addFileFlows`).
   */
  readonly container: Container;
  readonly api: OrderApi;
  /** The notification operations of the HTTP API. */
  readonly notificationApi: NotificationApi;
  /** The business-metrics operation of the HTTP API. */
  readonly metricsApi: MetricsApi;
  /** The business metrics (fed by the metrics route's consumer). */
  readonly metrics: InMemoryMetricsStore;
  /** What the HTTP API serves: `handleHttpRequest(flow.http, request)`. */
  readonly http: HttpApi;
  /** The stored notifications. */
  readonly notifications: InMemoryNotificationStore;
  /** The notifications topic: the API and the lifecycle notifier publish to it, with a `priority` attribute. */
  readonly notificationTopic: InMemoryTopic;
  /**
   * The queue of each notification priority, subscribed to the topic with a
   * filter policy on `priority`; the drain empties high before medium before low.
   */
  readonly notificationQueues: Readonly<Record<NotificationPriority, PipelineQueue>>;
  /** The dead-letter queue of each priority's topic subscription (where SNS puts what it could not deliver). */
  readonly subscriptionDeadLetterQueues: Readonly<Record<NotificationPriority, InMemoryQueue>>;
  readonly flows: PipelineFlows<TQueues>;
  /**
   * The dead-letter queue of each route's bus rule (`orderflow-<route>-rule-dlq`):
   * where the bus puts an event it could not deliver to the route's queue, after
   * its retries. A redrive sends the event on to that queue.
   */
  readonly ruleDeadLetterQueues: Readonly<Record<EventRouteName, InMemoryQueue>>;
  /** The order workflow's executions, with `orchestration: "workflow"`. */
  readonly workflows?: LocalWorkflowExecutions;

  private readonly pipelines: DrainedQueue[] = [];
  /** The driver the drain loop reads each pipeline's queue with ({@link InMemoryOrderflowOptions.decorate}). */
  private readonly drivers = new Map<DrainedQueue, QueueDriver>();
  private readonly decorate: NonNullable<InMemoryOrderflowOptions["decorate"]>;
  private readonly batchSize: number;
  private readonly maxReceiveCount: number;
  private readonly queueOptions: Pick<
    InMemoryOrderflowOptions,
    "duplicateDeliveryRate" | "reorder" | "random"
  >;

  constructor(options: InMemoryOrderflowOptions<TOrders, TCatalog, TQueues> = {}) {
    this.payments = options.payments ?? new ScriptedPaymentGateway();
    // The family's adapters, made where every composition root makes them; injected ones replace them.
    const memory = createMemoryAdapters({
      products: options.products,
      payments: this.payments,
      clock: options.clock ?? new ManualClock(new Date("2026-01-01T00:00:00.000Z")),
      ids: options.ids ?? new SequentialIdGenerator(),
      logger: options.logger,
    });
    this.clock = memory.clock;
    this.ids = memory.ids;
    this.logger = memory.logger;
    // Without an injected adapter the type parameter is its default, the in-memory class.
    this.orders = options.orders ?? (memory.orders as OrderRepository as TOrders);
    this.catalog = options.catalog ?? (memory.catalog as ProductCatalog as TCatalog);
    this.idempotency = options.idempotency ?? memory.idempotency;
    this.batchSize = options.batchSize ?? 10;
    this.maxReceiveCount = options.maxReceiveCount ?? 3;
    this.queueOptions = {
      duplicateDeliveryRate: options.duplicateDeliveryRate,
      reorder: options.reorder,
      random: options.random,
    };
    this.bus = memory.bus;
    this.alerts = memory.alerts;
    this.notifications = memory.notifications;
    this.notificationTopic = memory.notificationPublisher.topic;
    this.metrics = memory.metrics;

    const external: ExternalQueues = options.queues ?? {};
    const intake = external.intake ?? this.createQueue("orderflow-intake.fifo", true);
    const decorate = options.decorate ?? ((_name, port) => port);
    this.decorate = decorate;
    const adapters = {
      orders: this.orders,
      bus: options.eventBus ?? this.bus,
      catalog: this.catalog,
      payments: this.payments,
      alerts: this.alerts,
      idempotency: this.idempotency,
      intakeQueue: intake.queue,
      notifications: memory.notifications,
      notificationPublisher: memory.notificationPublisher,
      notificationChannel: memory.notificationChannel,
      storeSettings: memory.storeSettings,
      metrics: memory.metrics,
      taskTokens: memory.taskTokens,
      clock: this.clock,
      ids: this.ids,
      logger: this.logger,
    };
    const decorated = Object.fromEntries(
      Object.entries(adapters).map(([port, adapter]) => [port, decorate(port, adapter)]),
    ) as typeof adapters;
    // With the workflow, validated orders start executions of the definition here, over the same adapters.
    const orchestration = options.orchestration ?? "queue";
    if (orchestration === "workflow") {
      this.workflows = new LocalWorkflowExecutions({
        steps: new WorkflowSteps({ ...decorated, settings: decorated.storeSettings }),
        orders: decorated.orders,
        taskTokens: decorated.taskTokens,
        clock: this.clock,
        fulfilmentTimeoutMs: options.fulfilmentTimeoutMs ?? DEFAULT_FULFILMENT_TIMEOUT_SECONDS * 1000,
        logger: this.logger,
      });
    }
    this.adapters = { ...decorated, workflows: decorate("workflows", this.workflows ?? memory.workflows) };
    this.container = createContainer([
      adaptersModule(this.adapters),
      useCasesModule({ limits: options.limits }),
      orderFlowsModule(),
      notificationFlowsModule(),
      metricsFlowsModule(),
      workflowFlowsModule(),
    ]);
    this.api = resolve(this.container, ORDER_API);
    this.notificationApi = resolve(this.container, NOTIFICATION_API);
    this.metricsApi = resolve(this.container, METRICS_API);
    this.http = {
      orders: this.api,
      notifications: this.notificationApi,
      store: resolve(this.container, STORE_API),
      metrics: this.metricsApi,
    };

    const duplicates = { rate: options.duplicateDeliveryRate ?? 0, random: options.random ?? Math.random };
    const ruleDeadLetterQueues: Partial<Record<EventRouteName, InMemoryQueue>> = {};
    const routed = (route: EventRouteName, consumer: QueueConsumer) => {
      const injected = external[route];
      const queues =
        injected ??
        this.createQueue(
          `orderflow-${route}`,
          false,
          route === "processing" ? options.paymentDelaySeconds : 0,
        );
      const target = decorate(
        `target:${route}`,
        injected ? commandQueueTarget(injected.queue, duplicates) : (queues.queue as InMemoryQueue),
      );
      // The route as an EventBridge pattern, as the template's bus rules express it, with its dead-letter queue.
      const pattern = { source: [EVENT_SOURCE], "detail-type": EVENT_ROUTES[route] };
      const deadLetterQueue = new InMemoryQueue({
        name: deadLetterQueueName(`orderflow-${routeRuleName(route)}`, false),
        clock: this.clock,
      });
      ruleDeadLetterQueues[route] = deadLetterQueue;
      this.bus.addRule({ name: route, pattern, target, deadLetterQueue });
      return this.attach(queues, consumer, route);
    };
    // Each flow's queue is drained by the consumer of the handler it triggers (src/entrypoints/handlers.ts).
    // Each entry is an ExternalPipelineQueue exactly when its flow was injected, as PipelineFlows says.
    this.flows = Object.fromEntries(
      FLOW_NAMES.map((flow) => {
        const consumer = resolve(this.container, consumerToken(consumerOfQueue(flow, orchestration)));
        return [flow, flow === "intake" ? this.attach(intake, consumer, flow) : routed(flow, consumer)];
      }),
    ) as PipelineFlows<TQueues>;
    this.ruleDeadLetterQueues = ruleDeadLetterQueues as Record<EventRouteName, InMemoryQueue>;

    const notifications = addNotificationQueues(
      this,
      this.notificationTopic,
      resolve(this.container, consumerToken(consumerOfQueue(NOTIFICATION_QUEUES.high, orchestration))),
    );
    this.notificationQueues = notifications.queues;
    this.subscriptionDeadLetterQueues = notifications.subscriptionDeadLetterQueues;
  }

  /**
   * Adds a queue (with its dead-letter queue) drained by `consumer`; how later
   * flows (batch files, notifications) join the pipeline. `yieldsTo`: queues
   * it waits for in each round of the drain (priorities).
   */
  addFlow(
    name: string,
    consumer: QueueConsumer,
    options: { readonly fifo?: boolean; readonly yieldsTo?: readonly DrainedQueue[] } = {},
  ): PipelineQueue {
    const queues = this.createQueue(name, options.fifo ?? name.endsWith(".fifo"));
    return this.attach(queues, consumer, name, options.yieldsTo);
  }

  /**
   * Runs every queue's consumer until no message is left, as event source
   * mappings would: batches of up to `batchSize`, successes deleted, failures
   * made visible again for a retry (the visibility timeout is deemed to have
   * passed), and moved to the dead-letter queue after `maxReceiveCount` receives.
   * With a {@link ManualClock}, delayed messages are waited for by advancing it.
   * A receive that fails is polled again; a delete or a visibility change that
   * fails leaves its messages in flight, to come back after their visibility
   * timeout (as on AWS). A queue whose receives keep failing stops the drain.
   */
  async drain(options: DrainOptions = {}): Promise<DrainReport> {
    const maxBatches = options.maxBatches ?? 1_000_000;
    const only = options.only ? new Set(options.only.map((flow) => this.pipelineOf(flow))) : undefined;
    const pipelines = only ? this.pipelines.filter((p) => only.has(p)) : this.pipelines;
    let batches = 0;
    let records = 0;
    let failures = 0;
    // Per queue: a queue whose receives keep failing must stop the drain even while others succeed.
    const failedReceives = new Map<PipelineQueue | DrainedQueue, number>();
    for (;;) {
      let progressed = false;
      const served = new Set<DrainedQueue>();
      for (const pipeline of pipelines) {
        if (pipeline.yieldsTo?.some((urgent) => served.has(urgent))) continue;
        const driver = this.drivers.get(pipeline) ?? pipeline.driver;
        let received: readonly DrivenRecord[];
        try {
          received = await driver.receive(this.batchSize);
          failedReceives.delete(pipeline);
        } catch (error) {
          const failed = (failedReceives.get(pipeline) ?? 0) + 1;
          if (failed > MAX_CONSECUTIVE_FAILED_RECEIVES) throw error;
          failedReceives.set(pipeline, failed);
          this.logger.warn("receive failed; polling again", { queue: driver.name, error: String(error) });
          progressed = true;
          continue;
        }
        if (received.length === 0) continue;
        progressed = true;
        served.add(pipeline);
        batches++;
        records += received.length;
        // A consumer that throws fails its whole batch, as a Lambda function error does.
        const result = await pipeline.consumer(received).catch((error: unknown) => {
          this.logger.error("consumer failed the whole batch", { queue: driver.name, error: String(error) });
          return { batchItemFailures: received.map((record) => ({ itemIdentifier: record.messageId })) };
        });
        const failed = new Set(result.batchItemFailures.map((failure) => failure.itemIdentifier));
        failures += failed.size;
        await this.settle(
          driver,
          "ack",
          failed.size === 0 ? received : received.filter((r) => !failed.has(r.messageId)),
        );
        if (failed.size > 0)
          await this.settle(
            driver,
            "retry",
            received.filter((r) => failed.has(r.messageId)),
          );
        if (batches >= maxBatches) return this.report(batches, records, failures);
      }
      // Executions of the workflow work in the background: wait until each parks or ends, then look again.
      if (!progressed && !this.advanceToNextMessage(pipelines) && !(await this.workflows?.settle()))
        return this.report(batches, records, failures);
    }
  }

  /** Deletes (`ack`) or releases (`retry`) records; when that fails they stay in flight until their visibility timeout. */
  private async settle(driver: QueueDriver, how: "ack" | "retry", records: readonly DrivenRecord[]) {
    if (records.length === 0) return;
    try {
      await driver[how](records);
    } catch (error) {
      this.logger.warn(
        `${how === "ack" ? "delete" : "visibility change"} failed; the messages come back after their visibility timeout`,
        {
          queue: driver.name,
          messages: records.length,
          error: String(error),
        },
      );
    }
  }

  private pipelineOf(flow: string): DrainedQueue {
    const pipeline =
      (this.flows as Record<string, DrainedQueue | undefined>)[flow] ??
      this.pipelines.find((p) => p.driver.name === flow);
    if (!pipeline) throw new Error(`no flow or queue named ${flow}`);
    return pipeline;
  }

  /** Every event published on the bus so far (optionally of one type), in order. */
  events(type?: OrderflowEvent["type"]): OrderflowEvent[] {
    const events = this.bus.events() as OrderflowEvent[];
    return type === undefined ? events : events.filter((event) => event.type === type);
  }

  /** Every in-memory dead-letter queue, by queue name: each flow's queue's, then each bus rule's. */
  deadLetterQueues(): Record<string, InMemoryQueue> {
    const queues = this.pipelines
      .filter(
        (p): p is PipelineQueue => (p as Partial<PipelineQueue>).deadLetterQueue instanceof InMemoryQueue,
      )
      .map((p) => p.deadLetterQueue)
      .concat(Object.values(this.ruleDeadLetterQueues), Object.values(this.subscriptionDeadLetterQueues));
    return Object.fromEntries(queues.map((queue) => [queue.name, queue]));
  }

  private createQueue(name: string, fifo: boolean, delaySeconds = 0): Omit<PipelineQueue, "consumer"> {
    const deadLetterQueue = new InMemoryQueue({
      name: deadLetterQueueName(name, fifo),
      fifo,
      clock: this.clock,
    });
    const queue = new InMemoryQueue({
      name,
      fifo,
      clock: this.clock,
      maxReceiveCount: this.maxReceiveCount,
      deadLetterQueue,
      delaySeconds,
      ...(fifo ? {} : this.queueOptions),
    });
    return {
      queue,
      deadLetterQueue,
      driver: new InMemoryQueueDriver(queue),
      deadLetterDriver: new InMemoryQueueDriver(deadLetterQueue),
    };
  }

  private attach<T extends Omit<DrainedQueue, "consumer">>(
    queues: T,
    consumer: QueueConsumer,
    flow: string,
    yieldsTo: readonly DrainedQueue[] = [],
  ): T & DrainedQueue {
    const pipeline = { ...queues, consumer, ...(yieldsTo.length > 0 ? { yieldsTo } : {}) };
    this.pipelines.push(pipeline);
    this.drivers.set(pipeline, this.decorate(`driver:${flow}`, queues.driver));
    return pipeline;
  }

  /** With a manual clock, jumps to the moment the next delayed or invisible message becomes visible. */
  private advanceToNextMessage(pipelines: readonly DrainedQueue[]): boolean {
    if (!(this.clock instanceof ManualClock)) return false;
    const next = pipelines
      .map((p) => p.driver.nextVisibleAt?.()?.getTime())
      .filter((t): t is number => t !== undefined)
      .sort((a, b) => a - b)[0];
    // A message due now that was not received cannot be helped by waiting: stop rather than spin.
    if (next === undefined || next <= this.clock.now().getTime()) return false;
    this.clock.set(new Date(next));
    return true;
  }

  private async report(batches: number, records: number, failures: number): Promise<DrainReport> {
    const deadLettered: Record<string, number> = {};
    for (const p of this.pipelines) deadLettered[p.deadLetterDriver.name] = await p.deadLetterDriver.size();
    for (const queue of [
      ...Object.values(this.ruleDeadLetterQueues),
      ...Object.values(this.subscriptionDeadLetterQueues),
    ])
      deadLettered[queue.name] = queue.size;
    return { batches, records, failures, deadLettered };
  }
}

/** `<queue>-dlq`, before the `.fifo` suffix a FIFO queue's name must end with. */
function deadLetterQueueName(queue: string, fifo: boolean): string {
  return fifo ? `${queue.replace(/\.fifo$/, "")}-dlq.fifo` : `${queue}-dlq`;
}

/**
 * A bus rule target that sends each event to a {@link CommandQueue} as
 * EventBridge sends to an SQS target (the envelope JSON as body; on a FIFO
 * queue, group = order id and deduplication id = event id), a share of them
 * twice since EventBridge delivers at least once.
 */
function commandQueueTarget(
  queue: CommandQueue,
  duplicates: { readonly rate: number; readonly random: () => number },
): (envelope: BusEnvelope<OrderflowEvent>) => Promise<void> {
  return async (envelope) => {
    const message = {
      id: envelope.detail.id,
      body: JSON.stringify(envelope),
      groupId: envelope.detail.orderId,
      deduplicationId: envelope.detail.id,
    };
    await queue.send(
      duplicates.rate > 0 && duplicates.random() < duplicates.rate ? [message, message] : [message],
    );
  };
}

/** Wires the whole pipeline in memory; see {@link InMemoryOrderflow}. */
export function createInMemoryOrderflow<
  TOrders extends OrderRepository = InMemoryOrderRepository,
  TCatalog extends ProductCatalog = InMemoryProductCatalog,
  TQueues extends ExternalQueues = Record<never, never>,
>(
  options: InMemoryOrderflowOptions<TOrders, TCatalog, TQueues> = {},
): InMemoryOrderflow<TOrders, TCatalog, TQueues> {
  return new InMemoryOrderflow(options);
}
