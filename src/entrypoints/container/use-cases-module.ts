import type { ContainerModule } from "inversify";
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
import { bindingsModule, type FlowBinding } from "./consumer-flows.js";
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

/*
 * Each use case of the order flows, bound over the port tokens. The use cases
 * carry no decorators: they are bound with factories. A handler's flows name
 * the use cases they call (so its bundle holds no other); `useCasesModule`
 * binds them all.
 */

export const placeOrderBinding: FlowBinding = (bind) =>
  bind(PLACE_ORDER).toResolvedValue(
    (orders: OrderRepository, intakeQueue: CommandQueue, clock: Clock) =>
      new PlaceOrder({ orders, intakeQueue, clock }),
    [ORDER_REPOSITORY, INTAKE_QUEUE, CLOCK],
  );
export const getOrderBinding: FlowBinding = (bind) =>
  bind(GET_ORDER).toResolvedValue((orders: OrderRepository) => new GetOrder({ orders }), [ORDER_REPOSITORY]);
export const requestOrderChangeBinding: FlowBinding = (bind) =>
  bind(REQUEST_ORDER_CHANGE).toResolvedValue(
    (orders: OrderRepository, bus: EventBus, clock: Clock) => new RequestOrderChange({ orders, bus, clock }),
    [...UNIT_OF_WORK],
  );
export const validateOrderBinding: FlowBinding = (bind, { limits }) =>
  bind(VALIDATE_ORDER).toResolvedValue(
    (orders: OrderRepository, bus: EventBus, clock: Clock, catalog: ProductCatalog) =>
      new ValidateOrder({ orders, bus, clock, catalog, limits }),
    [...UNIT_OF_WORK, PRODUCT_CATALOG],
  );
export const processOrderBinding: FlowBinding = (bind) =>
  bind(PROCESS_ORDER).toResolvedValue(
    (orders: OrderRepository, bus: EventBus, clock: Clock, payments: PaymentGateway) =>
      new ProcessOrder({ orders, bus, clock, payments }),
    [...UNIT_OF_WORK, PAYMENT_GATEWAY],
  );
export const cancelOrderBinding: FlowBinding = (bind) =>
  bind(CANCEL_ORDER).toResolvedValue(
    (orders: OrderRepository, bus: EventBus, clock: Clock) => new CancelOrder({ orders, bus, clock }),
    [...UNIT_OF_WORK],
  );
export const fulfilOrderBinding: FlowBinding = (bind) =>
  bind(FULFIL_ORDER).toResolvedValue(
    (orders: OrderRepository, bus: EventBus, clock: Clock) => new FulfilOrder({ orders, bus, clock }),
    [...UNIT_OF_WORK],
  );
export const refundOrderBinding: FlowBinding = (bind) =>
  bind(REFUND_ORDER).toResolvedValue(
    (orders: OrderRepository, bus: EventBus, clock: Clock, payments: PaymentGateway) =>
      new RefundOrder({ orders, bus, clock, payments }),
    [...UNIT_OF_WORK, PAYMENT_GATEWAY],
  );
export const modifyOrderBinding: FlowBinding = (bind, { limits }) =>
  bind(MODIFY_ORDER).toResolvedValue(
    (orders: OrderRepository, bus: EventBus, clock: Clock, catalog: ProductCatalog) =>
      new ModifyOrder({ orders, bus, clock, catalog, limits }),
    [...UNIT_OF_WORK, PRODUCT_CATALOG],
  );

/**
 * Binds every use case of the order flows once (the batch-file use cases,
 * which only the file flows call, are bound by their module). Nothing is made
 * before it is resolved, so a container makes only the use cases it resolves
 * and the adapters of their ports.
 */
export function useCasesModule(options: UseCasesOptions = {}): ContainerModule {
  return bindingsModule(
    [
      placeOrderBinding,
      getOrderBinding,
      requestOrderChangeBinding,
      validateOrderBinding,
      processOrderBinding,
      cancelOrderBinding,
      fulfilOrderBinding,
      refundOrderBinding,
      modifyOrderBinding,
    ],
    { limits: options.limits },
  );
}
