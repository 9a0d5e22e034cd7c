/**
 * The store (the shop that fulfils orders): whether it is open, and how many
 * confirmed orders it can have awaiting fulfilment at once. The workflow
 * checks both before it takes an order's payment; operators change them.
 */
export interface StoreSettings {
  readonly open: boolean;
  /** Most orders awaiting fulfilment (CONFIRMED) at once; 0 takes none. */
  readonly capacity: number;
}

/** What a store that nobody has configured does: open, with room for 50 orders awaiting fulfilment. */
export const DEFAULT_STORE_SETTINGS: StoreSettings = Object.freeze({ open: true, capacity: 50 });

/** The largest capacity an operator may set. */
export const MAX_STORE_CAPACITY = 100_000;

/** Why the store takes no further order now. */
export type StoreRefusal = "STORE_CLOSED" | "STORE_AT_CAPACITY";

/** The store's answer to one more order, given how many await fulfilment; undefined when it takes it. */
export function storeRefusal(settings: StoreSettings, awaitingFulfilment: number): StoreRefusal | undefined {
  if (!settings.open) return "STORE_CLOSED";
  if (awaitingFulfilment >= settings.capacity) return "STORE_AT_CAPACITY";
  return undefined;
}
