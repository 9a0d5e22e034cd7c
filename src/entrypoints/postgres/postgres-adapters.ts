import { NullLogger } from "../../adapters/memory/in-memory-logger.js";
import { InMemoryOrderWorkflows } from "../../adapters/memory/in-memory-order-workflows.js";
import { ScriptedPaymentGateway } from "../../adapters/memory/scripted-payment-gateway.js";
import { FolderObjectStore } from "../../adapters/postgres/folder-object-store.js";
import { PostgresAlertPublisher } from "../../adapters/postgres/postgres-alert-publisher.js";
import { PostgresEventBus } from "../../adapters/postgres/postgres-event-bus.js";
import { PostgresFileHistory } from "../../adapters/postgres/postgres-file-history.js";
import { PostgresIdempotencyStore } from "../../adapters/postgres/postgres-idempotency-store.js";
import { PostgresMetricsStore } from "../../adapters/postgres/postgres-metrics-store.js";
import { PostgresNotificationPublisher } from "../../adapters/postgres/postgres-notification-publisher.js";
import { PostgresNotificationStore } from "../../adapters/postgres/postgres-notification-store.js";
import { PostgresOrderRepository } from "../../adapters/postgres/postgres-order-repository.js";
import { PostgresProductCatalog } from "../../adapters/postgres/postgres-product-catalog.js";
import { PostgresQueue } from "../../adapters/postgres/postgres-queue.js";
import { PostgresStoreSettings } from "../../adapters/postgres/postgres-store-settings.js";
import { PostgresTaskTokenStore } from "../../adapters/postgres/postgres-task-token-store.js";
import type { SqlClient } from "../../adapters/postgres/sql-client.js";
import { LogNotificationChannel } from "../../adapters/system/log-notification-channel.js";
import { RandomIdGenerator } from "../../adapters/system/random-id-generator.js";
import { SystemClock } from "../../adapters/system/system-clock.js";
import type { Clock } from "../../ports/clock.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { Logger } from "../../ports/logger.js";
import type { PaymentGateway } from "../../ports/payment-gateway.js";
import type { PortAdapters } from "../container/adapters-module.js";

/** The queue names of the family: the flows' (each bus route feeds the queue of its name) and the file flows'. */
export const POSTGRES_QUEUE_NAMES = {
  intake: "intake",
  fileIntake: "file-intake",
  fileExtraction: "file-extraction",
} as const;

/** How the family's queues behave (as an SQS queue's attributes and redrive policy). */
export interface PostgresQueueSettings {
  /** Receives before a message moves to its dead-letter queue `<name>-dlq` (default 5). */
  readonly maxReceiveCount?: number | undefined;
  /** How long a received message stays hidden from other workers (default 30 s). */
  readonly visibilityTimeoutSeconds?: number | undefined;
}

export interface PostgresAdapterOptions extends PostgresQueueSettings {
  /** Default: a `ScriptedPaymentGateway` whose charges all succeed (bring your gateway's adapter). */
  readonly payments?: PaymentGateway | undefined;
  /** Where batch files are kept (a {@link FolderObjectStore}); default `./orderflow-files`. */
  readonly filesDir?: string | undefined;
  readonly clock?: Clock | undefined;
  readonly ids?: IdGenerator | undefined;
  readonly logger?: Logger | undefined;
}

/**
 * A queue of the family with its dead-letter queue (`<name>-dlq`), by the
 * settings every queue of one deployment shares.
 */
export function postgresQueue(
  client: SqlClient,
  name: string,
  options: PostgresQueueSettings & {
    readonly clock: Clock;
    readonly fifo?: boolean;
    /** The queue's delivery delay (see {@link PostgresQueue.delaySeconds}). */
    readonly delaySeconds?: number | undefined;
  },
): { readonly queue: PostgresQueue; readonly deadLetterQueue: PostgresQueue } {
  const fifo = options.fifo ?? false;
  const deadLetterQueue = new PostgresQueue(client, { name: `${name}-dlq`, fifo, clock: options.clock });
  const queue = new PostgresQueue(client, {
    name,
    fifo,
    clock: options.clock,
    maxReceiveCount: options.maxReceiveCount ?? 5,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    deadLetterQueue: deadLetterQueue.name,
    delaySeconds: options.delaySeconds,
  });
  return { queue, deadLetterQueue };
}

/**
 * An adapter of the PostgreSQL family behind every port, all on one client:
 * what a composition root binds (see {@link PostgresOrderflow}). The order
 * repository routes its events through the bus in the statement that saves
 * the order. Kept by their concrete types, so the caller can seed and read
 * them (the catalog's `putProducts`, the alerts' `recent`).
 */
export function createPostgresAdapters(client: SqlClient, options: PostgresAdapterOptions = {}) {
  const clock = options.clock ?? new SystemClock();
  const logger = options.logger ?? new NullLogger();
  const bus = new PostgresEventBus(client, { clock });
  return {
    orders: new PostgresOrderRepository(client, { bus }),
    idempotency: new PostgresIdempotencyStore(client),
    catalog: new PostgresProductCatalog(client),
    bus,
    intakeQueue: postgresQueue(client, POSTGRES_QUEUE_NAMES.intake, { ...options, clock, fifo: true }).queue,
    alerts: new PostgresAlertPublisher(client, clock),
    payments: options.payments ?? new ScriptedPaymentGateway(),
    fileHistory: new PostgresFileHistory(client),
    objectStore: new FolderObjectStore({ root: options.filesDir ?? "orderflow-files" }),
    fileExtractionQueue: postgresQueue(client, POSTGRES_QUEUE_NAMES.fileExtraction, { ...options, clock })
      .queue,
    notifications: new PostgresNotificationStore(client),
    notificationPublisher: new PostgresNotificationPublisher(client, clock),
    notificationChannel: new LogNotificationChannel(logger),
    storeSettings: new PostgresStoreSettings(client),
    metrics: new PostgresMetricsStore(client),
    taskTokens: new PostgresTaskTokenStore(client, clock),
    // Records starts and waits; the orderflow runs the workflow itself (orchestration: "workflow").
    workflows: new InMemoryOrderWorkflows(),
    clock,
    ids: options.ids ?? new RandomIdGenerator(),
    logger,
  } satisfies PortAdapters;
}

export type PostgresAdapters = ReturnType<typeof createPostgresAdapters>;
