import type { OrderRepository } from "../domain/ports.js";
import { token } from "./token.js";

export type { OrderRepository, StoredOrder } from "../domain/ports.js";

export const ORDER_REPOSITORY = token<OrderRepository>("OrderRepository");
