import type { ContainerModule } from "inversify";
import type { CancelOrder } from "../../domain/use-cases/cancel-order.js";
import type { GetOrder } from "../../domain/use-cases/get-order.js";
import type { ModifyOrder } from "../../domain/use-cases/modify-order.js";
import type { PlaceOrder } from "../../domain/use-cases/place-order.js";
import type { ProcessOrder } from "../../domain/use-cases/process-order.js";
import type { RefundOrder } from "../../domain/use-cases/refund-order.js";
import type { RequestOrderChange } from "../../domain/use-cases/request-change.js";
import type { FulfilOrder } from "../../domain/use-cases/simple-transitions.js";
import { ChangeStoreSettings, GetStoreStatus } from "../../domain/use-cases/store-status.js";
import type { ValidateOrder } from "../../domain/use-cases/validate-order.js";
import { ALERT_PUBLISHER, type AlertPublisher } from "../../ports/alert-publisher.js";
import { CLOCK, type Clock } from "../../ports/clock.js";
import { ID_GENERATOR, type IdGenerator } from "../../ports/id-generator.js";
import { IDEMPOTENCY_STORE, type IdempotencyStore } from "../../ports/idempotency-store.js";
import { LOGGER, type Logger } from "../../ports/logger.js";
import { ORDER_REPOSITORY, type OrderRepository } from "../../ports/order-repository.js";
import { PRODUCT_CATALOG, type ProductCatalog } from "../../ports/product-catalog.js";
import { STORE_SETTINGS, type StoreSettingsRepository } from "../../ports/store-settings-repository.js";
import {
  cancelOrderConsumer,
  modifyOrderConsumer,
  processOrderConsumer,
  refundOrderConsumer,
  validateOrderConsumer,
} from "../consumers/order-consumers.js";
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

/** The consumer of each order queue, over its use case. */
export const validateOrderConsumerBinding: FlowBinding = (bind) =>
  bind(consumerToken("validateOrder")).toResolvedValue(
    (validate: ValidateOrder, logger: Logger, alerts: AlertPublisher) =>
      validateOrderConsumer(validate, { logger, alerts }),
    [VALIDATE_ORDER, ...CONSUMER_DEPS],
  );
export const processOrderConsumerBinding: FlowBinding = (bind) =>
  bind(consumerToken("processOrder")).toResolvedValue(
    (process: ProcessOrder, logger: Logger, alerts: AlertPublisher) =>
      processOrderConsumer(process, { logger, alerts }),
    [PROCESS_ORDER, ...CONSUMER_DEPS],
  );
export const cancelOrderConsumerBinding: FlowBinding = (bind) =>
  bind(consumerToken("cancelOrder")).toResolvedValue(
    (cancel: CancelOrder, logger: Logger, alerts: AlertPublisher) =>
      cancelOrderConsumer(cancel, { logger, alerts }),
    [CANCEL_ORDER, ...CONSUMER_DEPS],
  );
export const refundOrderConsumerBinding: FlowBinding = (bind) =>
  bind(consumerToken("refundOrder")).toResolvedValue(
    (refund: RefundOrder, logger: Logger, alerts: AlertPublisher) =>
      refundOrderConsumer(refund, { logger, alerts }),
    [REFUND_ORDER, ...CONSUMER_DEPS],
  );
export const modifyOrderConsumerBinding: FlowBinding = (bind) =>
  bind(consumerToken("modifyOrder")).toResolvedValue(
    (modify: ModifyOrder, logger: Logger, alerts: AlertPublisher) =>
      modifyOrderConsumer(modify, { logger, alerts }),
    [MODIFY_ORDER, ...CONSUMER_DEPS],
  );

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
