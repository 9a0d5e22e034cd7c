import { OrderStatus } from "../lifecycle.js";
import type { OrderRepository, StoreSettingsRepository } from "../ports.js";
import { parseOrThrow, StoreSettingsChangeSchema } from "../schemas.js";
import type { StoreSettings } from "../store-settings.js";

/** What `GET /store` answers: the settings and how many orders await fulfilment. */
export interface StoreStatus extends StoreSettings {
  readonly awaitingFulfilment: number;
}

export interface StoreStatusDeps {
  readonly settings: StoreSettingsRepository;
  readonly orders: Pick<OrderRepository, "countByStatus">;
}

/** The store's status; `ChangeStoreSettings` for operators to open, close and size it. */
export class GetStoreStatus {
  constructor(private readonly deps: StoreStatusDeps) {}

  async execute(): Promise<StoreStatus> {
    const [settings, awaitingFulfilment] = await Promise.all([
      this.deps.settings.get(),
      this.deps.orders.countByStatus(OrderStatus.CONFIRMED),
    ]);
    return { open: settings.open, capacity: settings.capacity, awaitingFulfilment };
  }
}

export class ChangeStoreSettings {
  constructor(private readonly deps: StoreStatusDeps) {}

  /**
   * @param input `{ open?, capacity? }`, at least one.
   * @throws ValidationError (`VALIDATION_FAILED`) naming each bad field.
   */
  async execute(input: unknown): Promise<StoreStatus> {
    const change = parseOrThrow(StoreSettingsChangeSchema, input, "store settings");
    const settings = await this.deps.settings.update(change);
    const awaitingFulfilment = await this.deps.orders.countByStatus(OrderStatus.CONFIRMED);
    return { open: settings.open, capacity: settings.capacity, awaitingFulfilment };
  }
}
