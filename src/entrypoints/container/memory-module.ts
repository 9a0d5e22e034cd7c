import { ContainerModule } from "inversify";
import { InMemoryEventBus } from "../../adapters/memory/in-memory-event-bus.js";
import { InMemoryFileHistory } from "../../adapters/memory/in-memory-file-history.js";
import { InMemoryIdempotencyStore } from "../../adapters/memory/in-memory-idempotency-store.js";
import { InMemoryLogger } from "../../adapters/memory/in-memory-logger.js";
import { InMemoryObjectStore } from "../../adapters/memory/in-memory-object-store.js";
import { InMemoryOrderRepository } from "../../adapters/memory/in-memory-order-repository.js";
import { DEMO_CATALOG, InMemoryProductCatalog } from "../../adapters/memory/in-memory-product-catalog.js";
import { InMemoryQueue } from "../../adapters/memory/in-memory-queue.js";
import { InMemoryTopic } from "../../adapters/memory/in-memory-topic.js";
import { ScriptedPaymentGateway } from "../../adapters/memory/scripted-payment-gateway.js";
import { RandomIdGenerator } from "../../adapters/system/random-id-generator.js";
import { SystemClock } from "../../adapters/system/system-clock.js";
import type { Product } from "../../domain/business-rules.js";
import { ALERT_PUBLISHER } from "../../ports/alert-publisher.js";
import { CLOCK, type Clock } from "../../ports/clock.js";
import { FILE_EXTRACTION_QUEUE, INTAKE_QUEUE } from "../../ports/command-queue.js";
import { EVENT_BUS } from "../../ports/event-bus.js";
import { FILE_HISTORY } from "../../ports/file-history.js";
import { ID_GENERATOR, type IdGenerator } from "../../ports/id-generator.js";
import { IDEMPOTENCY_STORE } from "../../ports/idempotency-store.js";
import { LOGGER, type Logger } from "../../ports/logger.js";
import { OBJECT_STORE } from "../../ports/object-store.js";
import { ORDER_REPOSITORY } from "../../ports/order-repository.js";
import { PAYMENT_GATEWAY, type PaymentGateway } from "../../ports/payment-gateway.js";
import { PRODUCT_CATALOG } from "../../ports/product-catalog.js";

/** The in-memory adapters behind every port, kept by their concrete types so tests can seed and inspect them. */
export interface MemoryAdapters {
  readonly orders: InMemoryOrderRepository;
  readonly idempotency: InMemoryIdempotencyStore;
  readonly catalog: InMemoryProductCatalog;
  readonly bus: InMemoryEventBus;
  readonly intakeQueue: InMemoryQueue;
  /** The SNS alert topic: malformed messages end up here as alerts. */
  readonly alerts: InMemoryTopic;
  readonly payments: PaymentGateway;
  readonly fileHistory: InMemoryFileHistory;
  readonly objectStore: InMemoryObjectStore;
  readonly fileExtractionQueue: InMemoryQueue;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
}

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
export function createMemoryAdapters(options: MemoryAdapterOptions = {}): MemoryAdapters {
  const clock = options.clock ?? new SystemClock();
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
    clock,
    ids: options.ids ?? new RandomIdGenerator(),
    logger: options.logger ?? new InMemoryLogger(),
  };
}

/**
 * Binds every port to an in-memory adapter: the whole system without AWS, for
 * tests and demos. Pass adapters made by {@link createMemoryAdapters} to keep
 * hold of them; by default a fresh set is made when the module is loaded.
 */
export function memoryModule(adapters?: MemoryAdapters): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const a = adapters ?? createMemoryAdapters();
    bind(ORDER_REPOSITORY).toConstantValue(a.orders);
    bind(IDEMPOTENCY_STORE).toConstantValue(a.idempotency);
    bind(PRODUCT_CATALOG).toConstantValue(a.catalog);
    bind(EVENT_BUS).toConstantValue(a.bus);
    bind(INTAKE_QUEUE).toConstantValue(a.intakeQueue);
    bind(ALERT_PUBLISHER).toConstantValue(a.alerts);
    bind(PAYMENT_GATEWAY).toConstantValue(a.payments);
    bind(FILE_HISTORY).toConstantValue(a.fileHistory);
    bind(OBJECT_STORE).toConstantValue(a.objectStore);
    bind(FILE_EXTRACTION_QUEUE).toConstantValue(a.fileExtractionQueue);
    bind(CLOCK).toConstantValue(a.clock);
    bind(ID_GENERATOR).toConstantValue(a.ids);
    bind(LOGGER).toConstantValue(a.logger);
  });
}
