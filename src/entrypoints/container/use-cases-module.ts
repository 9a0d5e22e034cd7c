import { ContainerModule } from "inversify";
import type { BusinessLimits } from "../../domain/business-rules.js";
import { CancelOrder } from "../../domain/use-cases/cancel-order.js";
import { GetOrder } from "../../domain/use-cases/get-order.js";
import { ModifyOrder } from "../../domain/use-cases/modify-order.js";
import { PlaceOrder } from "../../domain/use-cases/place-order.js";
import { ProcessOrder } from "../../domain/use-cases/process-order.js";
import { RefundOrder } from "../../domain/use-cases/refund-order.js";
import { RequestOrderChange } from "../../domain/use-cases/request-change.js";
import { FulfilOrder } from "../../domain/use-cases/simple-transitions.js";
import { ValidateOrder } from "../../domain/use-cases/validate-order.js";
import { CLOCK, type Clock } from "../../ports/clock.js";
import { type CommandQueue, INTAKE_QUEUE } from "../../ports/command-queue.js";
import { EVENT_BUS, type EventBus } from "../../ports/event-bus.js";
import { ORDER_REPOSITORY, type OrderRepository } from "../../ports/order-repository.js";
import { PAYMENT_GATEWAY, type PaymentGateway } from "../../ports/payment-gateway.js";
import { PRODUCT_CATALOG, type ProductCatalog } from "../../ports/product-catalog.js";
import {
  CANCEL_ORDER,
  FULFIL_ORDER,
  GET_ORDER,
  MODIFY_ORDER,
  PLACE_ORDER,
  PROCESS_ORDER,
  REFUND_ORDER,
  REQUEST_ORDER_CHANGE,
  VALIDATE_ORDER,
} from "./tokens.js";

export interface UseCasesOptions {
  readonly limits?: BusinessLimits | undefined;
}

/** What every change of an order uses: the repository, the bus its events go to, the clock. */
const UNIT_OF_WORK = [ORDER_REPOSITORY, EVENT_BUS, CLOCK] as const;

/**
 * Binds every use case of the order flows once, over the port tokens (the
 * batch-file use cases, which only the file flows call, are bound by their
 * module: an order handler's bundle then holds no file code). The use cases carry no
 * decorators: they are bound with factories. Nothing is made before it is
 * resolved, so a handler makes only the use case its consumer calls and the
 * adapters of that use case's ports.
 */
export function useCasesModule(options: UseCasesOptions = {}): ContainerModule {
  const { limits } = options;
  return new ContainerModule(({ bind }) => {
    bind(PLACE_ORDER).toResolvedValue(
      (orders: OrderRepository, intakeQueue: CommandQueue, clock: Clock) =>
        new PlaceOrder({ orders, intakeQueue, clock }),
      [ORDER_REPOSITORY, INTAKE_QUEUE, CLOCK],
    );
    bind(GET_ORDER).toResolvedValue(
      (orders: OrderRepository) => new GetOrder({ orders }),
      [ORDER_REPOSITORY],
    );
    bind(REQUEST_ORDER_CHANGE).toResolvedValue(
      (orders: OrderRepository, bus: EventBus, clock: Clock) =>
        new RequestOrderChange({ orders, bus, clock }),
      [...UNIT_OF_WORK],
    );
    bind(VALIDATE_ORDER).toResolvedValue(
      (orders: OrderRepository, bus: EventBus, clock: Clock, catalog: ProductCatalog) =>
        new ValidateOrder({ orders, bus, clock, catalog, limits }),
      [...UNIT_OF_WORK, PRODUCT_CATALOG],
    );
    bind(PROCESS_ORDER).toResolvedValue(
      (orders: OrderRepository, bus: EventBus, clock: Clock, payments: PaymentGateway) =>
        new ProcessOrder({ orders, bus, clock, payments }),
      [...UNIT_OF_WORK, PAYMENT_GATEWAY],
    );
    bind(CANCEL_ORDER).toResolvedValue(
      (orders: OrderRepository, bus: EventBus, clock: Clock) => new CancelOrder({ orders, bus, clock }),
      [...UNIT_OF_WORK],
    );
    bind(FULFIL_ORDER).toResolvedValue(
      (orders: OrderRepository, bus: EventBus, clock: Clock) => new FulfilOrder({ orders, bus, clock }),
      [...UNIT_OF_WORK],
    );
    bind(REFUND_ORDER).toResolvedValue(
      (orders: OrderRepository, bus: EventBus, clock: Clock, payments: PaymentGateway) =>
        new RefundOrder({ orders, bus, clock, payments }),
      [...UNIT_OF_WORK, PAYMENT_GATEWAY],
    );
    bind(MODIFY_ORDER).toResolvedValue(
      (orders: OrderRepository, bus: EventBus, clock: Clock, catalog: ProductCatalog) =>
        new ModifyOrder({ orders, bus, clock, catalog, limits }),
      [...UNIT_OF_WORK, PRODUCT_CATALOG],
    );
  });
}
