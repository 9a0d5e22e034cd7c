import type { Issue } from "../errors.js";
import type { OrderEvent } from "../events.js";
import type { AcceptedNotification } from "../notification.js";
import { isNotifiedOrderEvent, orderOutcomeNotification } from "../order-notifications.js";
import type { NotificationPublisher, OrderRepository } from "../ports.js";
import { AcceptedNotificationSchema, parseWith } from "../schemas.js";

export interface NotifyOrderCustomersDeps {
  readonly orders: Pick<OrderRepository, "get">;
  readonly publisher: NotificationPublisher;
}

/** What became of one event of a batch, by its index in the batch. */
export type NotifyOutcome =
  | { readonly outcome: "PUBLISHED"; readonly notification: AcceptedNotification }
  /** Not an outcome customers are told about. */
  | { readonly outcome: "IGNORED" }
  /** The event names an order that is not recorded: no customer to tell (a foreign or forged event). */
  | { readonly outcome: "ORDER_NOT_FOUND" }
  /** The notification it makes is one the consumers would refuse (an event of a foreign shape): why. */
  | { readonly outcome: "UNDELIVERABLE"; readonly issues: readonly Issue[] }
  /** Its order could not be loaded or its notification not published; trying again may help. */
  | { readonly outcome: "FAILED"; readonly error: unknown };

/**
 * The lifecycle notifier: tells each order's customer about its outcome
 * (`ORDER_OUTCOME_NOTIFICATIONS`), publishing a whole batch of events in one
 * call (a burst of outcomes costs one PublishBatch per ten). The notification
 * is derived from the event alone, so a redelivered event publishes the same
 * notification again and the consumers store and deliver it once.
 */
export class NotifyOrderCustomers {
  constructor(private readonly deps: NotifyOrderCustomersDeps) {}

  /** @returns one outcome per event, in order; never throws for one event's failure. */
  async execute(events: readonly OrderEvent[]): Promise<NotifyOutcome[]> {
    const outcomes: NotifyOutcome[] = await Promise.all(
      events.map(async (event): Promise<NotifyOutcome> => {
        if (!isNotifiedOrderEvent(event)) return { outcome: "IGNORED" };
        try {
          const stored = await this.deps.orders.get(event.orderId);
          if (!stored) return { outcome: "ORDER_NOT_FOUND" };
          const built = orderOutcomeNotification(event, stored.order.snapshot().customerId);
          // Checked as the consumers will check it, so that nothing is published only to be refused there.
          const checked = parseWith(AcceptedNotificationSchema, built);
          return checked.ok
            ? { outcome: "PUBLISHED", notification: checked.value }
            : { outcome: "UNDELIVERABLE", issues: checked.issues };
        } catch (error) {
          return { outcome: "FAILED", error };
        }
      }),
    );
    const toPublish = outcomes.flatMap((o, index) =>
      o.outcome === "PUBLISHED" ? [{ index, n: o.notification }] : [],
    );
    if (toPublish.length === 0) return outcomes;
    try {
      await this.deps.publisher.publish(toPublish.map((p) => p.n));
    } catch (error) {
      // A DeliveryError names the entries that failed by their index in the call; anything else failed them all.
      const failed = failedIndexes(error, toPublish.length);
      for (const i of failed) outcomes[toPublish[i]!.index] = { outcome: "FAILED", error };
    }
    return outcomes;
  }
}

function failedIndexes(error: unknown, count: number): number[] {
  const failures = (error as { failures?: readonly { id?: unknown }[] } | null)?.failures;
  const all = Array.from({ length: count }, (_, i) => i);
  if (!Array.isArray(failures)) return all;
  const named = failures.map((f) => Number(f.id)).filter((i) => Number.isInteger(i) && i >= 0 && i < count);
  return named.length > 0 ? named : all;
}
