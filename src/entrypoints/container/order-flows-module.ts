import type { ContainerModule } from "inversify";
import type { GetOrder } from "../../domain/use-cases/get-order.js";
import type { PlaceOrder } from "../../domain/use-cases/place-order.js";
import type { RequestOrderChange } from "../../domain/use-cases/request-change.js";
import type { FulfilOrder } from "../../domain/use-cases/simple-transitions.js";
import { ChangeStoreSettings, GetStoreStatus } from "../../domain/use-cases/store-status.js";
import { ALERT_PUBLISHER, type AlertPublisher } from "../../ports/alert-publisher.js";
import { CLOCK, type Clock } from "../../ports/clock.js";
import { ID_GENERATOR, type IdGenerator } from "../../ports/id-generator.js";
import { IDEMPOTENCY_STORE, type IdempotencyStore } from "../../ports/idempotency-store.js";
import { LOGGER, type Logger } from "../../ports/logger.js";
import { ORDER_REPOSITORY, type OrderRepository } from "../../ports/order-repository.js";
import { PRODUCT_CATALOG, type ProductCatalog } from "../../ports/product-catalog.js";
import { STORE_SETTINGS, type StoreSettingsRepository } from "../../ports/store-settings-repository.js";
import type { Token } from "../../ports/token.js";
import {
  cancelOrderConsumer,
  modifyOrderConsumer,
  processOrderConsumer,
  refundOrderConsumer,
  validateOrderConsumer,
} from "../consumers/order-consumers.js";
import type { ConsumerDeps, QueueConsumer } from "../consumers/queue-consumer.js";
import type { ConsumerName } from "../handlers.js";
import { OrderApi } from "../http/order-api.js";
import { StoreApi } from "../http/store-api.js";
import { bindingsModule, type ConsumerFlows, type FlowBinding } from "./consumer-flows.js";
import {
  CANCEL_ORDER,
  CHANGE_STORE_SETTINGS,
  consumerToken,
  FULFIL_ORDER,
  GET_ORDER,
  GET_STORE_STATUS,
  MODIFY_ORDER,
  ORDER_API,
  PLACE_ORDER,
  PROCESS_ORDER,
  REFUND_ORDER,
  REQUEST_ORDER_CHANGE,
  STORE_API,
  VALIDATE_ORDER,
} from "./tokens.js";
import {
  cancelOrderBinding,
  modifyOrderBinding,
  processOrderBinding,
  refundOrderBinding,
  useCasesModule,
  validateOrderBinding,
} from "./use-cases-module.js";

/** What every consumer uses besides its use case. */
const CONSUMER_DEPS = [LOGGER, ALERT_PUBLISHER] as const;

/** The API's order operations, over their use cases. */
export const orderApiBinding: FlowBinding = (bind) =>
  bind(ORDER_API).toResolvedValue(
    (
      placeOrder: PlaceOrder,
      getOrder: GetOrder,
      requestChange: RequestOrderChange,
      fulfilOrder: FulfilOrder,
      catalog: ProductCatalog,
      idempotency: IdempotencyStore,
      clock: Clock,
      ids: IdGenerator,
    ) => new OrderApi({ placeOrder, getOrder, requestChange, fulfilOrder, catalog, idempotency, clock, ids }),
    [
      PLACE_ORDER,
      GET_ORDER,
      REQUEST_ORDER_CHANGE,
      FULFIL_ORDER,
      PRODUCT_CATALOG,
      IDEMPOTENCY_STORE,
      CLOCK,
      ID_GENERATOR,
    ],
  );

/** The API's store operations (status and settings), with their use cases. */
export const storeApiBinding: FlowBinding = (bind) => {
  bind(GET_STORE_STATUS).toResolvedValue(
    (settings: StoreSettingsRepository, orders: OrderRepository) => new GetStoreStatus({ settings, orders }),
    [STORE_SETTINGS, ORDER_REPOSITORY],
  );
  bind(CHANGE_STORE_SETTINGS).toResolvedValue(
    (settings: StoreSettingsRepository, orders: OrderRepository) =>
      new ChangeStoreSettings({ settings, orders }),
    [STORE_SETTINGS, ORDER_REPOSITORY],
  );
  bind(STORE_API).toResolvedValue(
    (getStatus: GetStoreStatus, change: ChangeStoreSettings) => new StoreApi({ getStatus, change }),
    [GET_STORE_STATUS, CHANGE_STORE_SETTINGS],
  );
};

/** The consumer `name` of an order queue, over its use case. */
const consumerBinding =
  <U>(
    name: ConsumerName,
    useCase: Token<U>,
    consumer: (useCase: U, deps: ConsumerDeps) => QueueConsumer,
  ): FlowBinding =>
  (bind) =>
    bind(consumerToken(name)).toResolvedValue(
      (bound: U, logger: Logger, alerts: AlertPublisher) => consumer(bound, { logger, alerts }),
      [useCase, ...CONSUMER_DEPS],
    );

export const validateOrderConsumerBinding = consumerBinding(
  "validateOrder",
  VALIDATE_ORDER,
  validateOrderConsumer,
);
export const processOrderConsumerBinding = consumerBinding(
  "processOrder",
  PROCESS_ORDER,
  processOrderConsumer,
);
export const cancelOrderConsumerBinding = consumerBinding("cancelOrder", CANCEL_ORDER, cancelOrderConsumer);
export const refundOrderConsumerBinding = consumerBinding("refundOrder", REFUND_ORDER, refundOrderConsumer);
export const modifyOrderConsumerBinding = consumerBinding("modifyOrder", MODIFY_ORDER, modifyOrderConsumer);

/**
 * Binds the entrypoints of the order flows over the use cases: the API
 * operations, and each queue's consumer.
 */
export function orderFlowsModule(): ContainerModule {
  return bindingsModule([
    orderApiBinding,
    storeApiBinding,
    validateOrderConsumerBinding,
    processOrderConsumerBinding,
    cancelOrderConsumerBinding,
    refundOrderConsumerBinding,
    modifyOrderConsumerBinding,
  ]);
}

/** The order flows (the API and the order consumers), with every use case: a process that runs them all. */
export const ORDER_FLOWS: ConsumerFlows = {
  modules: (options) => [useCasesModule({ limits: options.limits }), orderFlowsModule()],
};

/** The flows of the validate-order handler: its consumer and the use case it calls. */
export const VALIDATE_ORDER_FLOWS: ConsumerFlows = {
  modules: (options) => [bindingsModule([validateOrderBinding, validateOrderConsumerBinding], options)],
};
/** The flows of the process-order handler. */
export const PROCESS_ORDER_FLOWS: ConsumerFlows = {
  modules: (options) => [bindingsModule([processOrderBinding, processOrderConsumerBinding], options)],
};
/** The flows of the cancel-order handler. */
export const CANCEL_ORDER_FLOWS: ConsumerFlows = {
  modules: (options) => [bindingsModule([cancelOrderBinding, cancelOrderConsumerBinding], options)],
};
/** The flows of the refund-order handler. */
export const REFUND_ORDER_FLOWS: ConsumerFlows = {
  modules: (options) => [bindingsModule([refundOrderBinding, refundOrderConsumerBinding], options)],
};
/** The flows of the modify-order handler. */
export const MODIFY_ORDER_FLOWS: ConsumerFlows = {
  modules: (options) => [bindingsModule([modifyOrderBinding, modifyOrderConsumerBinding], options)],
};
