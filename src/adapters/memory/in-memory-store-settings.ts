import { DEFAULT_STORE_SETTINGS, type StoreSettings } from "../../domain/store-settings.js";
import type { StoreSettingsRepository } from "../../ports/store-settings-repository.js";

/** The store's settings in memory (the defaults until changed). */
export class InMemoryStoreSettings implements StoreSettingsRepository {
  #settings: StoreSettings;

  constructor(initial: StoreSettings = DEFAULT_STORE_SETTINGS) {
    this.#settings = Object.freeze({ ...initial });
  }

  async get(): Promise<StoreSettings> {
    return this.#settings;
  }

  async update(change: Partial<StoreSettings>): Promise<StoreSettings> {
    const defined = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
    this.#settings = Object.freeze({ ...this.#settings, ...defined });
    return this.#settings;
  }
}
