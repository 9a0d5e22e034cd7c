/** The in-memory adapters of the stores, payments, clocks, ids and logging (messaging lives in its own files). */

export { MANUAL_CLOCK_START, ManualClock } from "./clocks.js";
export { SequentialIdGenerator } from "./id-generators.js";
export { InMemoryFileHistory } from "./in-memory-file-history.js";
export { InMemoryIdempotencyStore } from "./in-memory-idempotency-store.js";
export type { LogEntry, LogLevel } from "./in-memory-logger.js";
export { InMemoryLogger, NullLogger } from "./in-memory-logger.js";
export type { InMemoryObjectStoreOptions } from "./in-memory-object-store.js";
export { InMemoryObjectStore, OBJECT_CHUNK_BYTES } from "./in-memory-object-store.js";
export { InMemoryOrderRepository } from "./in-memory-order-repository.js";
export { DEMO_CATALOG, InMemoryProductCatalog } from "./in-memory-product-catalog.js";
export type {
  RecordedCharge,
  RecordedRefund,
  ScriptedOutcome,
  ScriptedPaymentGatewayOptions,
} from "./scripted-payment-gateway.js";
export { DEFAULT_DECLINE_REASON, ScriptedPaymentGateway } from "./scripted-payment-gateway.js";
