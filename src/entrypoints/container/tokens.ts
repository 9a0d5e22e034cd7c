import { token } from "../../ports/token.js";
import type { OrderConsumers } from "../app/consumers.js";
import type { OrderApi } from "../app/order-api.js";
import type { OrderServices } from "../app/services.js";

/** Every port the order flows use, as one object (see {@link OrderServices}). */
export const ORDER_SERVICES = token<OrderServices>("OrderServices");
/** The operations of the public HTTP API. */
export const ORDER_API = token<OrderApi>("OrderApi");
/** The queue consumers of the four order flows. */
export const ORDER_CONSUMERS = token<OrderConsumers>("OrderConsumers");
