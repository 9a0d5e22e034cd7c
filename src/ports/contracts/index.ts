/**
 * One contract test suite per port (vitest). Run them against your own adapter
 * to prove it behaves like orderflow's: `describeOrderRepositoryContract("Mine", () => ({ repository }))`.
 */
export * from "./alert-publisher.contract.js";
export * from "./clock-and-id-generator.contract.js";
export * from "./command-queue.contract.js";
export * from "./event-bus.contract.js";
export * from "./file-history.contract.js";
export type { Teardown } from "./helpers.js";
export * from "./idempotency-store.contract.js";
export * from "./object-store.contract.js";
export * from "./order-mother.js";
export * from "./order-repository.contract.js";
export * from "./payment-gateway.contract.js";
export * from "./product-catalog.contract.js";
