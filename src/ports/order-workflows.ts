import type { OrderWorkflows } from "../domain/ports.js";
import { token } from "./token.js";

export type { OrderWorkflows } from "../domain/ports.js";

export const ORDER_WORKFLOWS = token<OrderWorkflows>("OrderWorkflows");
