import { DEFAULT_STORE_SETTINGS } from "../../domain/store-settings.js";
import type { StoreSettings, StoreSettingsRepository } from "../../ports/store-settings-repository.js";
import type { SqlClient } from "./sql-client.js";

interface SettingsRow {
  readonly open: boolean | null;
  readonly capacity: number | null;
}

/**
 * {@link StoreSettingsRepository} on the `store_settings` table (migration 4):
 * at most one row (id 1), each field NULL until an operator sets it, read over
 * `DEFAULT_STORE_SETTINGS`, so a field nobody set follows the defaults of the
 * running release.
 *
 * **Each change sets only its fields.** `update` is one upsert whose SET
 * keeps the stored value of every field the change leaves out
 * (`COALESCE(EXCLUDED.open, store_settings.open)`): two concurrent changes of
 * different fields queue on the row's lock, and the second applies its field
 * to the first's result, so both win. It answers the row it wrote
 * (`RETURNING`), with no second read.
 */
export class PostgresStoreSettings implements StoreSettingsRepository {
  constructor(private readonly client: SqlClient) {}

  async get(): Promise<StoreSettings> {
    const { rows } = await this.client.query<SettingsRow>(
      "SELECT open, capacity FROM store_settings WHERE id = 1",
    );
    return toSettings(rows[0]);
  }

  async update(change: Partial<StoreSettings>): Promise<StoreSettings> {
    const { rows } = await this.client.query<SettingsRow>(
      `INSERT INTO store_settings (id, open, capacity) VALUES (1, $1::boolean, $2::integer)
       ON CONFLICT (id) DO UPDATE
         SET open = COALESCE(EXCLUDED.open, store_settings.open),
             capacity = COALESCE(EXCLUDED.capacity, store_settings.capacity)
       RETURNING open, capacity`,
      [change.open ?? null, change.capacity ?? null],
    );
    return toSettings(rows[0]);
  }
}

function toSettings(row: SettingsRow | undefined): StoreSettings {
  return Object.freeze({
    open: row?.open ?? DEFAULT_STORE_SETTINGS.open,
    capacity: row?.capacity ?? DEFAULT_STORE_SETTINGS.capacity,
  });
}
