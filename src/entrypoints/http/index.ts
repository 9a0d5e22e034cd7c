/** The public HTTP contract, independent of what carries requests, and its API Gateway adapters. */
export * from "./api-gateway.js";
export type * from "./api-gateway-events.js";
export * from "./http-core.js";
export * from "./http-errors.js";
export type * from "./http-types.js";
