import type {
  ChangeStoreSettings,
  GetStoreStatus,
  StoreStatus,
} from "../../domain/use-cases/store-status.js";
import { requireOperator } from "./authorization.js";
import type { Caller } from "./http-types.js";

/**
 * The store operations of the public HTTP API, free of HTTP: anyone may see
 * whether the store is open; opening, closing and sizing it take the
 * operators group (on AWS; locally there is no authentication).
 */
export class StoreApi {
  constructor(
    private readonly deps: { readonly getStatus: GetStoreStatus; readonly change: ChangeStoreSettings },
  ) {}

  status(): Promise<StoreStatus> {
    return this.deps.getStatus.execute();
  }

  async change(body: unknown, caller?: Caller): Promise<StoreStatus> {
    requireOperator(caller, "open, close or size the store");
    return this.deps.change.execute(body);
  }
}
