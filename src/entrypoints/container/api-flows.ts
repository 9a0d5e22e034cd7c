import type { Token } from "../../ports/token.js";
import type { HttpApi, HttpApiGroup } from "../http/http-core.js";
import { bindingsModule, type ConsumerFlows } from "./consumer-flows.js";
import { metricsApiBinding } from "./metrics-flows-module.js";
import { notificationApiBinding } from "./notification-flows-module.js";
import { orderApiBinding, storeApiBinding } from "./order-flows-module.js";
import { METRICS_API, NOTIFICATION_API, ORDER_API, STORE_API } from "./tokens.js";
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

/** The token of each group of the API's operations, so that the api resolves a group when a request first needs it. */
export const API_GROUP_TOKENS: { readonly [G in HttpApiGroup]: Token<HttpApi[G]> } = {
  orders: ORDER_API,
  notifications: NOTIFICATION_API,
  store: STORE_API,
  metrics: METRICS_API,
};
