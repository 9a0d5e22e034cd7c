export * from "./business-rules.js";
export * from "./errors.js";
export * from "./events.js";
export * from "./fingerprint.js";
export * from "./lifecycle.js";
export * from "./money.js";
export * from "./order.js";
export * from "./schemas.js";
