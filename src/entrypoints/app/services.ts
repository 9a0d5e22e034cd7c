import type { BusinessLimits } from "../../domain/business-rules.js";
import type { AlertPublisher } from "../../ports/alert-publisher.js";
import type { Clock } from "../../ports/clock.js";
import type { CommandQueue } from "../../ports/command-queue.js";
import type { EventBus } from "../../ports/event-bus.js";
import type { IdGenerator } from "../../ports/id-generator.js";
import type { IdempotencyStore } from "../../ports/idempotency-store.js";
import type { Logger } from "../../ports/logger.js";
import type { OrderRepository } from "../../ports/order-repository.js";
import type { PaymentGateway } from "../../ports/payment-gateway.js";
import type { ProductCatalog } from "../../ports/product-catalog.js";

/** Every port the order flows use, whatever family of adapters implements them. */
export interface OrderServices {
  readonly orders: OrderRepository;
  readonly bus: EventBus;
  readonly catalog: ProductCatalog;
  readonly payments: PaymentGateway;
  readonly alerts: AlertPublisher;
  readonly idempotency: IdempotencyStore;
  readonly intakeQueue: CommandQueue;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly limits?: BusinessLimits | undefined;
}
