import type { ContainerModule } from "inversify";
import { DemoPaymentGateway } from "../../adapters/demo/demo-payment-gateway.js";
import { InMemoryEventBus } from "../../adapters/memory/in-memory-event-bus.js";
import { InMemoryFileHistory } from "../../adapters/memory/in-memory-file-history.js";
import { InMemoryIdempotencyStore } from "../../adapters/memory/in-memory-idempotency-store.js";
import { InMemoryLogger } from "../../adapters/memory/in-memory-logger.js";
import { InMemoryMetricsStore } from "../../adapters/memory/in-memory-metrics-store.js";
import { InMemoryNotificationPublisher } from "../../adapters/memory/in-memory-notification-publisher.js";
import { InMemoryNotificationStore } from "../../adapters/memory/in-memory-notification-store.js";
import { InMemoryObjectStore } from "../../adapters/memory/in-memory-object-store.js";
import { InMemoryOrderRepository } from "../../adapters/memory/in-memory-order-repository.js";
import { InMemoryOrderWorkflows } from "../../adapters/memory/in-memory-order-workflows.js";
import { DEMO_CATALOG, InMemoryProductCatalog } from "../../adapters/memory/in-memory-product-catalog.js";
import { InMemoryQueue } from "../../adapters/memory/in-memory-queue.js";
import { InMemoryStoreSettings } from "../../adapters/memory/in-memory-store-settings.js";
import { InMemoryTaskTokenStore } from "../../adapters/memory/in-memory-task-token-store.js";
import { InMemoryTopic } from "../../adapters/memory/in-memory-topic.js";
import { ScriptedPaymentGateway } from "../../adapters/memory/scripted-payment-gateway.js";
import { LogNotificationChannel } from "../../adapters/system/log-notification-channel.js";
import { RandomIdGenerator } from "../../adapters/system/random-id-generator.js";
import { SystemClock } from "../../adapters/system/system-clock.js";
import type { Product } from "../../domain/business-rules.js";
import type { Clock } from "../../ports/clock.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { Logger } from "../../ports/logger.js";
import type { PaymentGateway } from "../../ports/payment-gateway.js";
import type { OrderflowConfig } from "../config.js";
import { PinoLogger } from "../logging.js";
import { adaptersModule, type PortAdapters } from "./adapters-module.js";

/** The in-memory adapters behind every port, kept by their concrete types so tests can seed and inspect them. */
export type MemoryAdapters = ReturnType<typeof createMemoryAdapters>;
export interface MemoryAdapterOptions {
  /** Default: {@link DEMO_CATALOG}. */
  readonly products?: readonly Product[] | undefined;
  /** Default: a {@link ScriptedPaymentGateway} whose charges succeed. */
  readonly payments?: PaymentGateway | undefined;
  /** Default: the system clock. */
  readonly clock?: Clock | undefined;
  /** Default: random UUIDs. */
  readonly ids?: IdGenerator | undefined;
  /** Default: an {@link InMemoryLogger}. */
  readonly logger?: Logger | undefined;
}

/** A fresh set of in-memory adapters (nothing shared with any other set). */
export function createMemoryAdapters(options: MemoryAdapterOptions = {}) {
  const clock = options.clock ?? new SystemClock();
  const logger = options.logger ?? new InMemoryLogger();
  return {
    orders: new InMemoryOrderRepository(),
    idempotency: new InMemoryIdempotencyStore(),
    catalog: new InMemoryProductCatalog(options.products ?? DEMO_CATALOG),
    bus: new InMemoryEventBus({ name: "orderflow", clock }),
    intakeQueue: new InMemoryQueue({ name: "orderflow-intake.fifo", clock }),
    alerts: new InMemoryTopic({ name: "orderflow-alerts", clock }),
    payments: options.payments ?? new ScriptedPaymentGateway(),
    fileHistory: new InMemoryFileHistory(),
    objectStore: new InMemoryObjectStore({ clock }),
    fileExtractionQueue: new InMemoryQueue({ name: "orderflow-file-extraction", clock }),
    notifications: new InMemoryNotificationStore(),
    // The topic's subscriptions (one queue per priority) are the pipeline's to make: see InMemoryOrderflow.
    notificationPublisher: new InMemoryNotificationPublisher(
      new InMemoryTopic({ name: "orderflow-notifications", clock }),
    ),
    notificationChannel: new LogNotificationChannel(logger),
    storeSettings: new InMemoryStoreSettings(),
    metrics: new InMemoryMetricsStore(),
    taskTokens: new InMemoryTaskTokenStore(clock),
    // Records starts and waits; the in-memory pipeline runs the workflow itself (orchestration: "workflow").
    workflows: new InMemoryOrderWorkflows(),
    clock,
    ids: options.ids ?? new RandomIdGenerator(),
    logger,
  } satisfies PortAdapters;
}

/**
 * Binds every port to an in-memory adapter: the whole system without AWS, for
 * tests and demos. Pass adapters made by {@link createMemoryAdapters} to keep
 * hold of them; by default a fresh set is made when the module is loaded.
 */
export function memoryModule(adapters: MemoryAdapters = createMemoryAdapters()): ContainerModule {
  return adaptersModule(adapters);
}

/**
 * A Lambda handler's adapters in memory (its `adapters` option, with
 * `ORDERFLOW_ADAPTERS=memory`): a fresh set, logging with pino at `LOG_LEVEL`,
 * paying with the demo gateway when `PAYMENT_MODE` is set.
 */
export function memoryAdapters(config: OrderflowConfig): readonly ContainerModule[] {
  const logger = PinoLogger.create({ level: config.LOG_LEVEL });
  const payments = config.PAYMENT_MODE ? new DemoPaymentGateway(config.PAYMENT_MODE) : undefined;
  return [memoryModule(createMemoryAdapters({ logger, payments }))];
}
