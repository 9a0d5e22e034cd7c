import type { Container } from "inversify";
import { migrate } from "../../adapters/postgres/migrations.js";
import { anyVisible, type PostgresQueue } from "../../adapters/postgres/postgres-queue.js";
import { pgClient, type SqlClient } from "../../adapters/postgres/sql-client.js";
import type { BusinessLimits, Product } from "../../domain/business-rules.js";
import { OrderStatus } from "../../domain/lifecycle.js";
import { NOTIFICATION_PRIORITIES } from "../../domain/notification.js";
import { DEFAULT_FILE_PREFIXES, type FileFlowOptions, unquote } from "../../domain/use-cases/file-flow.js";
import { WorkflowSteps } from "../../domain/use-cases/workflow-steps.js";
import { EVENT_ROUTES, type EventRouteName, NOTIFICATION_QUEUES } from "../../ports/routing.js";
import type { ExtractionConsumer } from "../consumers/file-consumers.js";
import type { QueueConsumer } from "../consumers/queue-consumer.js";
import type { DrivenRecord } from "../consumers/queue-driver.js";
import { s3PutEvent } from "../consumers/s3-events.js";
import { adaptersModule } from "../container/adapters-module.js";
import { createContainer, resolve } from "../container/create-container.js";
import { fileFlowsModule } from "../container/file-flows-module.js";
import { metricsFlowsModule } from "../container/metrics-flows-module.js";
import { notificationFlowsModule } from "../container/notification-flows-module.js";
import { orderFlowsModule } from "../container/order-flows-module.js";
import { consumerToken, METRICS_API, NOTIFICATION_API, ORDER_API, STORE_API } from "../container/tokens.js";
import { useCasesModule } from "../container/use-cases-module.js";
import { workflowFlowsModule } from "../container/workflow-flows-module.js";
import { consumerOfQueue, type Orchestration } from "../handlers.js";
import type { HttpApi } from "../http/http-core.js";
import { type HttpServer, type HttpServerOptions, startHttpServer } from "../http/node-http-server.js";
import type { OrderApi } from "../http/order-api.js";
import { prepareOrderWorkflow } from "../workflow/local-workflow.js";
import { LocalWorkflowExecutions } from "../workflow/local-workflow-executions.js";
import { DEFAULT_FULFILMENT_TIMEOUT_SECONDS } from "../workflow/order-workflow.js";
import {
  createPostgresAdapters,
  POSTGRES_QUEUE_NAMES,
  type PostgresAdapterOptions,
  type PostgresAdapters,
  postgresQueue,
} from "./postgres-adapters.js";
import { PostgresQueueDriver } from "./postgres-queue-driver.js";

export interface PostgresOrderflowOptions extends PostgresAdapterOptions {
  /** A PostgreSQL connection URL (`postgres://user@host:5432/db`, node-postgres), or a client (e.g. `pgliteClient`). */
  readonly connection: string | SqlClient;
  /** The schema of orderflow's tables (created and migrated on start); the connection's default otherwise. */
  readonly schema?: string | undefined;
  /** Seeded into the catalog on start (products already there are updated). */
  readonly products?: readonly Product[] | undefined;
  readonly limits?: BusinessLimits | undefined;
  /** Limits and prefixes of the batch-file flows (validate-file, extract-orders). */
  readonly files?: FileFlowOptions | undefined;
  /** Records per consumer call, as an event source mapping's batch size (default 10). */
  readonly batchSize?: number | undefined;
  /** Workers this process runs side by side, each taking batches from any queue (default 2). */
  readonly workers?: number | undefined;
  /**
   * How long a worker that found nothing waits before it looks at the queues
   * again (default 50 ms); each further empty look doubles the wait, up to
   * `maxPollIntervalMs`, and {@link PostgresOrderflow.wake} ends it at once.
   */
  readonly pollIntervalMs?: number | undefined;
  /** The longest wait of an idle worker (default 1 s): what an idle process costs, and how late it sees another process's messages. */
  readonly maxPollIntervalMs?: number | undefined;
  /**
   * Who takes a validated order through payment to fulfilment: the processing
   * queue's consumer (`queue`, the default), or the order workflow (`workflow`:
   * the deployed definition run in this process, one execution per order).
   * An execution lives in the process that started it, so the workflow wants
   * one worker process, and a restart ends the executions in flight (their
   * orders stay where they were; the next change of each carries on).
   */
  readonly orchestration?: Orchestration | undefined;
  /**
   * How long a validated order waits before its payment starts: the delivery
   * delay of the processing queue, a window in which the customer can still
   * modify or cancel it. Default 0.
   */
  readonly paymentDelaySeconds?: number | undefined;
  /** With the workflow: how long (ms) an order awaits fulfilment before it is cancelled (default 24 h). */
  readonly fulfilmentTimeoutMs?: number | undefined;
  /** How often the workers run {@link PostgresOrderflow.maintain} (default 10 minutes; 0: never). */
  readonly maintenanceIntervalMs?: number | undefined;
  /**
   * How long the ids of routed and counted events are remembered (default 14
   * days, the longest SQS keeps a message): a copy arriving later than this
   * would be routed or counted again.
   */
  readonly eventIdRetentionMs?: number | undefined;
  /**
   * Wraps what the flows call (as the in-memory orderflow's option does): each
   * adapter bound for the use cases, by its port name (`bus`, `orders`, …).
   * {@link PostgresOrderflow.adapters} stays unwrapped.
   */
  readonly decorate?: (<T extends object>(name: string, port: T) => T) | undefined;
}

/** What {@link PostgresOrderflow.maintain} removed. */
export interface Maintenance {
  readonly routedEventIds: number;
  readonly countedEventIds: number;
  readonly deduplicationIds: number;
  readonly idempotencyKeys: number;
  readonly taskTokens: number;
}

const DEFAULT_EVENT_ID_RETENTION_MS = 14 * 86_400_000;

/** The statuses of an order whose workflow has not ended: validated, through payment, awaiting fulfilment. */
const WORKFLOW_STATUSES = [
  OrderStatus.VALIDATED,
  OrderStatus.PAYMENT_PENDING,
  OrderStatus.PAID,
  OrderStatus.CONFIRMED,
] as const;

/** A queue of the flows with its dead-letter queue and the consumer its handler runs. */
export interface PostgresFlowQueue {
  readonly queue: PostgresQueue;
  readonly deadLetterQueue: PostgresQueue;
  readonly driver: PostgresQueueDriver;
  readonly consumer: QueueConsumer;
  /** Queues read first: this one is read only when none of them handed out a message (priorities). */
  readonly yieldsTo: readonly PostgresFlowQueue[];
}

/** What one pass over the queues did. */
interface Pass {
  readonly records: number;
  readonly failures: number;
}

/**
 * orderflow as a long-running service on PostgreSQL: the HTTP API (its
 * operations as {@link http}, served by {@link listen}) and every flow's consumer, over the PostgreSQL
 * family's adapters on one connection. Workers ({@link start}) take batches
 * from the flows' queues as Lambda's event source mappings take them from SQS:
 * a batch to the queue's consumer, the handled records deleted, the failed
 * ones made visible again (at once; on the intake FIFO queue after their
 * visibility timeout, as SQS does) and, after `maxReceiveCount` receives,
 * moved to the queue's dead-letter queue. Since receiving locks with `SKIP LOCKED`, any
 * number of processes may run workers on one database: each message goes to
 * one of them at a time. Validated orders are paid and confirmed by the
 * processing queue's consumer, or by the order workflow run in this process
 * (see {@link PostgresOrderflowOptions.orchestration}).
 */
export class PostgresOrderflow {
  readonly http: HttpApi;
  readonly api: OrderApi;
  readonly container: Container;
  /** The queue of each flow: `intake`, each bus route, each notification priority, the two file queues. */
  readonly flows: Readonly<Record<string, PostgresFlowQueue>>;
  /** The order workflow's executions, with `orchestration: "workflow"`. */
  readonly workflows?: LocalWorkflowExecutions;

  #running: Promise<void>[] = [];
  /** Idle workers' wake-ups. */
  readonly #sleepers = new Set<() => void>();
  #woken = false;
  readonly #servers: HttpServer[] = [];
  #stopping = false;

  private constructor(
    readonly client: SqlClient,
    readonly adapters: PostgresAdapters,
    private readonly options: PostgresOrderflowOptions,
    private readonly ownsClient: boolean,
  ) {
    const decorate = options.decorate ?? ((_name, port) => port);
    const ports = Object.fromEntries(
      Object.entries(adapters).map(([port, adapter]) => [port, decorate(port, adapter)]),
    ) as PostgresAdapters;
    if (options.orchestration === "workflow") {
      this.workflows = new LocalWorkflowExecutions({
        steps: new WorkflowSteps({ ...ports, settings: ports.storeSettings }),
        orders: ports.orders,
        taskTokens: ports.taskTokens,
        clock: adapters.clock,
        fulfilmentTimeoutMs: options.fulfilmentTimeoutMs ?? DEFAULT_FULFILMENT_TIMEOUT_SECONDS * 1000,
        logger: adapters.logger,
      });
    }
    this.container = createContainer([
      adaptersModule({ ...ports, workflows: this.workflows ?? ports.workflows }),
      useCasesModule({ limits: options.limits }),
      orderFlowsModule(),
      notificationFlowsModule(),
      metricsFlowsModule(),
      workflowFlowsModule(),
      fileFlowsModule(options.files),
    ]);
    this.api = resolve(this.container, ORDER_API);
    this.http = {
      orders: this.api,
      notifications: resolve(this.container, NOTIFICATION_API),
      store: resolve(this.container, STORE_API),
      metrics: resolve(this.container, METRICS_API),
    };
    this.flows = this.#flowQueues();
  }

  /** Connects, brings the schema up to date (safe from every process at once), seeds the catalog. */
  static async create(options: PostgresOrderflowOptions): Promise<PostgresOrderflow> {
    const owned = typeof options.connection === "string";
    const client =
      typeof options.connection === "string"
        ? await pgClient({ connectionString: options.connection, schema: options.schema })
        : options.connection;
    try {
      await migrate(client, { schema: options.schema });
      const adapters = createPostgresAdapters(client, options);
      if (options.products) await adapters.catalog.putProducts(options.products);
      if (options.orchestration === "workflow") await prepareOrderWorkflow();
      return new PostgresOrderflow(client, adapters, options, owned);
    } catch (error) {
      if (owned) await client.close();
      throw error;
    }
  }

  /** Serves the HTTP API on node's server (loopback and port 3000 by default); {@link close} stops it. */
  async listen(options: Omit<HttpServerOptions, "logger"> = {}): Promise<HttpServer> {
    const logger = this.adapters.logger.child({ component: "http" });
    const server = await startHttpServer(this.http, { ...options, logger });
    this.#servers.push(server);
    return server;
  }

  /**
   * Stores a batch file under `incoming/` (in {@link PostgresAdapterOptions.filesDir})
   * and tells the file-intake queue, as an S3 event notification would; the
   * workers (or {@link drain}) validate it and place its orders.
   */
  async upload(
    name: string,
    body: Uint8Array | string | AsyncIterable<Uint8Array>,
  ): Promise<{ key: string; fileVersion: string }> {
    const incoming = this.options.files?.prefixes?.incoming ?? DEFAULT_FILE_PREFIXES.incoming;
    const key = name.startsWith(incoming) ? name : `${incoming}${name}`;
    const contentType = /\.(jsonl|ndjson|jsonlines)$/i.test(key)
      ? "application/x-ndjson"
      : "application/json";
    const stored = await this.adapters.objectStore.put(key, body, { contentType });
    const info = await this.adapters.objectStore.head(key);
    const notification = s3PutEvent({
      bucket: "orderflow-files",
      key,
      size: info?.size ?? 0,
      etag: stored.etag,
      versionId: stored.versionId,
      sequencer: this.adapters.clock.now().getTime().toString(16).toUpperCase().padStart(16, "0"),
      eventTime: this.adapters.clock.now(),
    });
    await this.flows[POSTGRES_QUEUE_NAMES.fileIntake]!.queue.send([{ body: notification }]);
    // The version its history record is kept under, as validate-file reads it from the notification.
    return { key, fileVersion: stored.versionId ?? unquote(stored.etag) };
  }

  /**
   * Removes what has outlived its use: ids of events routed and counted
   * longer ago than the retention, FIFO deduplication ids past their window,
   * expired idempotency keys and task tokens never taken. Idempotent and safe
   * from several processes at once; the workers run it every
   * `maintenanceIntervalMs`.
   */
  async maintain(): Promise<Maintenance> {
    const now = this.adapters.clock.now();
    const before = new Date(
      now.getTime() - (this.options.eventIdRetentionMs ?? DEFAULT_EVENT_ID_RETENTION_MS),
    );
    return {
      routedEventIds: await this.adapters.bus.prune(before),
      countedEventIds: await this.adapters.metrics.forgetEventsBefore(before),
      deduplicationIds: await this.adapters.intakeQueue.deleteExpiredDeduplicationIds(),
      idempotencyKeys: await this.adapters.idempotency.deleteExpired(now),
      taskTokens: await this.adapters.taskTokens.deleteExpired(),
    };
  }

  /**
   * Starts this process's workers (and their maintenance); they run until
   * {@link stop}. With the workflow, first starts an execution again for every
   * order a workflow was taking through payment and fulfilment (VALIDATED to
   * CONFIRMED): the executions of a process that stopped ended with it, and
   * their steps, keyed by the order's status, carry on where it was (an order
   * validated just before the restart is not held for the payment delay).
   */
  start(): void {
    if (this.#running.length > 0) return;
    this.#stopping = false;
    const workers = this.options.workers ?? 2;
    if (this.workflows) this.#running.push(this.#resumeWorkflows(this.workflows));
    this.#running.push(...Array.from({ length: workers }, () => this.#work()));
    const interval = this.options.maintenanceIntervalMs ?? 10 * 60_000;
    if (interval > 0) this.#running.push(this.#maintainEvery(interval));
  }

  /** Lets each worker finish its batch, then stops them. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.wake();
    await Promise.all(this.#running);
    this.#running = [];
  }

  /** Stops serving, stops the workers, and closes the connection when this orderflow opened it. */
  async close(): Promise<void> {
    await Promise.all(this.#servers.splice(0).map((server) => server.close()));
    await this.stop();
    if (this.ownsClient) await this.client.close();
  }

  /**
   * Runs passes over the queues in this process until every flow's queue is
   * empty (messages in flight at other workers count as not empty), or
   * `timeoutMs` passed. For tests and one-off runs; a service calls {@link start}.
   * @returns the records handled and failed meanwhile.
   */
  async drain(options: { readonly timeoutMs?: number } = {}): Promise<Pass> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    let records = 0;
    let failures = 0;
    for (;;) {
      const pass = await this.#pass();
      records += pass.records;
      failures += pass.failures;
      if (pass.records > 0) continue;
      // Executions of the workflow work in the background: wait until each parks or ends, then look again.
      if (await this.workflows?.settle()) continue;
      if ((await this.#held()) === 0 || Date.now() > deadline) return { records, failures };
      await sleep(this.options.pollIntervalMs ?? 50);
    }
  }

  /** Messages in each dead-letter queue, by queue name. */
  async deadLettered(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const flow of Object.values(this.flows))
      counts[flow.deadLetterQueue.name] = await flow.deadLetterQueue.size();
    return counts;
  }

  /** Something was sent from this process: idle workers look at the queues now rather than after their wait. */
  wake(): void {
    this.#woken = true;
    for (const wake of [...this.#sleepers]) wake();
  }

  async #work(): Promise<void> {
    const first = this.options.pollIntervalMs ?? 50;
    const longest = Math.max(first, this.options.maxPollIntervalMs ?? 1_000);
    const names = Object.values(this.flows).map((flow) => flow.queue.name);
    let wait = first;
    while (!this.#stopping) {
      try {
        // Idle, one statement asks whether there is anything to receive, rather than one per queue.
        const look = wait === first || (await anyVisible(this.client, names, this.adapters.clock.now()));
        const { records } = look ? await this.#pass() : { records: 0 };
        if (records > 0) {
          wait = first;
          continue;
        }
        await this.#idle(wait);
        wait = Math.min(wait * 2, longest);
      } catch (error) {
        // The database is away: its messages stay in their queues; look again after a pause.
        this.adapters.logger.warn("worker pass failed; retrying", { error: String(error) });
        await sleep(1_000);
      }
    }
  }

  async #resumeWorkflows(workflows: LocalWorkflowExecutions): Promise<void> {
    const { orders, logger } = this.adapters;
    let resumed = 0;
    try {
      for (const status of WORKFLOW_STATUSES) {
        let nextToken: string | undefined;
        do {
          const page = await orders.listByStatus(status, { limit: 100, nextToken });
          for (const order of page.items) {
            if (this.#stopping) return;
            await workflows.start(order.orderId, `resume-${order.orderId}`);
            resumed++;
          }
          nextToken = page.nextToken;
        } while (nextToken !== undefined);
      }
      if (resumed > 0) logger.info("order workflows resumed", { orders: resumed });
    } catch (error) {
      logger.error("order workflows could not be resumed; restart to try again", { error: String(error) });
    }
  }

  /** Waits `ms`, or less when {@link wake} or {@link stop} is called. */
  #idle(ms: number): Promise<void> {
    // A wake while the worker was looking (not yet waiting) counts: it looks again at once.
    if (this.#woken) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((done) => {
      const finish = () => {
        clearTimeout(timer);
        this.#sleepers.delete(finish);
        done();
      };
      const timer = setTimeout(finish, ms);
      this.#sleepers.add(finish);
    });
  }

  async #maintainEvery(intervalMs: number): Promise<void> {
    let next = Date.now() + intervalMs;
    while (!this.#stopping) {
      if (Date.now() >= next) {
        next = Date.now() + intervalMs;
        try {
          const removed = await this.maintain();
          this.adapters.logger.info("maintenance done", { ...removed });
        } catch (error) {
          this.adapters.logger.warn("maintenance failed; it runs again later", { error: String(error) });
        }
      }
      await sleep(Math.min(1_000, intervalMs));
    }
  }

  /** One batch from each queue in turn (a queue yields to its more urgent ones that handed out a batch). */
  async #pass(): Promise<Pass> {
    let records = 0;
    let failures = 0;
    const served = new Set<PostgresFlowQueue>();
    for (const flow of Object.values(this.flows)) {
      if (this.#stopping) break;
      if (flow.yieldsTo.some((urgent) => served.has(urgent))) continue;
      const received = await flow.driver.receive(this.options.batchSize ?? 10);
      if (received.length === 0) continue;
      served.add(flow);
      records += received.length;
      const result = await this.#keptHidden(flow, received, () =>
        flow.consumer(received).catch(() => ({
          batchItemFailures: received.map((record) => ({ itemIdentifier: record.messageId })),
        })),
      );
      const failed = new Set(result.batchItemFailures.map((failure) => failure.itemIdentifier));
      failures += failed.size;
      await flow.driver.ack(received.filter((record) => !failed.has(record.messageId)));
      // A failed record of the intake FIFO queue comes back after its visibility timeout, as on SQS,
      // not at once: a validation request that found no order (its placement stopped between the
      // request and the record) must still be there when the placement is retried (the API's retry
      // after the key's 30 s, the file's re-extraction), as the queue drops the retry's own request as
      // a duplicate for five minutes. Retried at once, it was dead-lettered within two seconds.
      if (failed.size > 0 && !flow.queue.fifo)
        await flow.driver.retry(received.filter((record) => failed.has(record.messageId)));
    }
    return { records, failures };
  }

  /**
   * Runs `work` on a batch while keeping its messages hidden: every half
   * visibility timeout, it is renewed. A worker has no time limit (extracting
   * a large file takes minutes), and a message that came back meanwhile would
   * be received again, counted toward its dead-letter queue, while still being
   * worked on.
   */
  async #keptHidden<T>(flow: PostgresFlowQueue, batch: readonly DrivenRecord[], work: () => Promise<T>) {
    const seconds = flow.queue.visibilityTimeoutSeconds;
    if (seconds === 0) return work();
    const handles = batch.map((record) => record.receiptHandle);
    let renewing: Promise<unknown> = Promise.resolve();
    const renew = setInterval(() => {
      renewing = flow.queue.changeVisibilityBatch(handles, seconds).catch((error: unknown) => {
        this.adapters.logger.warn("could not keep a batch hidden; it may be received again", {
          queue: flow.queue.name,
          error: String(error),
        });
      });
    }, seconds * 500);
    try {
      return await work();
    } finally {
      clearInterval(renew);
      // A renewal still on its way must not hide again what the caller deletes or releases next.
      await renewing;
    }
  }

  async #held(): Promise<number> {
    let held = 0;
    for (const flow of Object.values(this.flows)) held += await flow.queue.size();
    return held;
  }

  #flowQueues(): Record<string, PostgresFlowQueue> {
    const { clock } = this.adapters;
    const flows: Record<string, PostgresFlowQueue> = {};
    const add = (
      name: string,
      consumerOf: string,
      yieldsTo: readonly PostgresFlowQueue[] = [],
      consume?: QueueConsumer,
    ) => {
      // A queue is its name in one table: this is the queue the adapters send to.
      const fifo = name === POSTGRES_QUEUE_NAMES.intake;
      const delaySeconds = name === "processing" ? this.options.paymentDelaySeconds : 0;
      const queues = postgresQueue(this.client, name, { ...this.options, clock, fifo, delaySeconds });
      const orchestration = this.options.orchestration ?? "queue";
      const consumer =
        consume ?? resolve(this.container, consumerToken(consumerOfQueue(consumerOf, orchestration)));
      flows[name] = { ...queues, driver: new PostgresQueueDriver(queues.queue), consumer, yieldsTo };
      return flows[name];
    };
    add(POSTGRES_QUEUE_NAMES.intake, "intake");
    for (const route of Object.keys(EVENT_ROUTES) as EventRouteName[]) add(route, route);
    const moreUrgent: PostgresFlowQueue[] = [];
    for (const priority of NOTIFICATION_PRIORITIES) {
      const name = NOTIFICATION_QUEUES[priority];
      moreUrgent.push(add(name, name, [...moreUrgent]));
    }
    add(POSTGRES_QUEUE_NAMES.fileIntake, POSTGRES_QUEUE_NAMES.fileIntake);
    // A worker is no Lambda invocation: extraction has all the time it needs, no continuation.
    const extract: ExtractionConsumer = resolve(this.container, consumerToken("extractOrders"));
    add(POSTGRES_QUEUE_NAMES.fileExtraction, POSTGRES_QUEUE_NAMES.fileExtraction, [], (records) =>
      extract(records, {}),
    );
    return flows;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** Connects and starts orderflow on PostgreSQL; see {@link PostgresOrderflow}. Call `start()` to run its workers. */
export function createPostgresOrderflow(options: PostgresOrderflowOptions): Promise<PostgresOrderflow> {
  return PostgresOrderflow.create(options);
}
