/** The composition pieces: one module per adapter family, one for the use cases, and the container. */

export * from "../../adapters/demo/demo-payment-gateway.js";
export * from "./aws/index.js";
export * from "./create-container.js";
export * from "./memory-module.js";
export * from "./tokens.js";
export * from "./use-cases-module.js";
