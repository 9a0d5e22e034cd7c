import { type BusinessLimits, checkBusinessRules, DEFAULT_BUSINESS_LIMITS } from "../business-rules.js";
import type { Issue } from "../errors.js";
import type { ModifyOutcome, OrderChanges, OrderSnapshot } from "../order.js";
import type { ProductCatalog } from "../ports.js";
import { type CommandMeta, changeOrder, contextFor, type UnitOfWorkDeps } from "./unit-of-work.js";

export interface ModifyOrderDeps extends UnitOfWorkDeps {
  readonly catalog: Pick<ProductCatalog, "getProducts">;
  readonly limits?: BusinessLimits | undefined;
}

export interface ModifyOrderCommand extends CommandMeta {
  readonly orderId: string;
  /** Structurally valid changes (see `ModifyOrderSchema`). */
  readonly changes: OrderChanges;
  /** When the client made the request (ISO 8601): an older request arriving after a newer one is refused. */
  readonly requestedAt?: string | undefined;
}

export type ModifyOrderOutcome = ModifyOutcome | "DUPLICATE" | "NOT_FOUND";

/**
 * Applies a modify request: re-validates the changed items against the catalog
 * and either modifies the order (`OrderModified` with old, new and changed) or
 * records the refusal with every reason (`ModificationRejected`), including
 * "payment has started".
 */
export class ModifyOrder {
  constructor(private readonly deps: ModifyOrderDeps) {}

  async execute(
    command: ModifyOrderCommand,
  ): Promise<{ outcome: ModifyOrderOutcome; order?: OrderSnapshot }> {
    const change = await changeOrder(
      this.deps,
      command.orderId,
      async (order): Promise<ModifyOrderOutcome> => {
        if (order.hasProcessed(command.commandId)) return "DUPLICATE";
        let issues: Issue[] = [];
        if (command.changes.items && order.can("modify")) {
          const skus = [...new Set(command.changes.items.map((item) => item.sku))];
          const products = await this.deps.catalog.getProducts(skus);
          issues = checkBusinessRules(
            { currency: order.currency, items: command.changes.items },
            products,
            this.deps.limits ?? DEFAULT_BUSINESS_LIMITS,
          );
        }
        return order.modify(
          command.changes,
          issues,
          contextFor(command, this.deps.clock),
          command.requestedAt,
        );
      },
    );
    if (!change.found) return { outcome: "NOT_FOUND" };
    return { outcome: change.result, order: change.order.snapshot() };
  }
}
