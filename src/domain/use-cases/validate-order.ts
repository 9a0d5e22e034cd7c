import { type BusinessLimits, checkBusinessRules, DEFAULT_BUSINESS_LIMITS } from "../business-rules.js";
import { OrderStatus } from "../lifecycle.js";
import type { OrderSnapshot } from "../order.js";
import type { ProductCatalog } from "../ports.js";
import { type CommandMeta, changeOrder, contextFor, type UnitOfWorkDeps } from "./unit-of-work.js";

export interface ValidateOrderDeps extends UnitOfWorkDeps {
  readonly catalog: Pick<ProductCatalog, "getProducts">;
  readonly limits?: BusinessLimits | undefined;
}

export interface ValidateOrderCommand extends CommandMeta {
  readonly orderId: string;
}

export type ValidateOrderOutcome = "VALIDATED" | "REJECTED" | "SKIPPED" | "NOT_FOUND";

/**
 * Business validation of a received order against the catalog: every violation
 * is collected and, if any, the order is rejected with all of them. An order
 * that is no longer `RECEIVED` (already validated, cancelled meanwhile) is
 * left alone, which makes a redelivered command a no-op.
 */
export class ValidateOrder {
  constructor(private readonly deps: ValidateOrderDeps) {}

  async execute(
    command: ValidateOrderCommand,
  ): Promise<{ outcome: ValidateOrderOutcome; order?: OrderSnapshot }> {
    const change = await changeOrder(
      this.deps,
      command.orderId,
      async (order): Promise<ValidateOrderOutcome> => {
        // The command names the placement: validation has its own id, derived from it.
        const ctx = contextFor(command, this.deps.clock, "validate");
        if (order.status !== OrderStatus.RECEIVED || order.hasProcessed(ctx.commandId)) return "SKIPPED";
        const products = await this.deps.catalog.getProducts([
          ...new Set(order.items.map((item) => item.sku)),
        ]);
        const issues = checkBusinessRules(order, products, this.deps.limits ?? DEFAULT_BUSINESS_LIMITS);
        order.validate(issues, ctx);
        return issues.length === 0 ? "VALIDATED" : "REJECTED";
      },
    );
    if (!change.found) return { outcome: "NOT_FOUND" };
    return { outcome: change.result, order: change.order.snapshot() };
  }
}
