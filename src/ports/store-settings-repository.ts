import type { StoreSettingsRepository } from "../domain/ports.js";
import { token } from "./token.js";

export type { StoreSettingsRepository } from "../domain/ports.js";
export type { StoreSettings } from "../domain/store-settings.js";

export const STORE_SETTINGS = token<StoreSettingsRepository>("StoreSettingsRepository");
