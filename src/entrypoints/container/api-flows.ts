import { bindingsModule, type ConsumerFlows } from "./consumer-flows.js";
import { metricsApiBinding } from "./metrics-flows-module.js";
import { notificationApiBinding } from "./notification-flows-module.js";
import { orderApiBinding, storeApiBinding } from "./order-flows-module.js";
import {
  fulfilOrderBinding,
  getOrderBinding,
  placeOrderBinding,
  requestOrderChangeBinding,
} from "./use-cases-module.js";

/**
 * The flows of the api handler: its operations (orders, the store, customer
 * notifications, business metrics) and the use cases they call; no queue
 * consumer.
 */
export const API_FLOWS: ConsumerFlows = {
  modules: (options) => [
    bindingsModule(
      [
        placeOrderBinding,
        getOrderBinding,
        requestOrderChangeBinding,
        fulfilOrderBinding,
        orderApiBinding,
        storeApiBinding,
        notificationApiBinding,
        metricsApiBinding,
      ],
      options,
    ),
  ],
};
