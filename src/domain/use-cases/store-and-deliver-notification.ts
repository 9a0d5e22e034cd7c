import { escapeUndeliverable } from "../deliverable-text.js";
import {
  type AcceptedNotification,
  applyNotificationChange,
  type Notification,
  type NotificationStatusChange,
} from "../notification.js";
import type { Clock, NotificationChannel, NotificationStore } from "../ports.js";

/** Longest failure reason kept with a notification. */
export const MAX_FAILURE_REASON_LENGTH = 500;

export type StoreAndDeliverOutcome =
  /** Delivered now. */
  | "DELIVERED"
  /** The channel refused it for good; the reason is stored. */
  | "FAILED"
  /** Delivered or failed before: a redelivered message, nothing done. */
  | "ALREADY_DONE";

export interface StoreAndDeliverResult {
  readonly outcome: StoreAndDeliverOutcome;
  readonly notification: Notification;
}

export interface StoreAndDeliverDeps {
  readonly store: NotificationStore;
  readonly channel: NotificationChannel;
  readonly clock: Clock;
}

/**
 * The notification consumer's use case: stores the notification once (moves
 * the API's ACCEPTED record to STORED, or creates it, both conditional writes),
 * delivers it through the channel, and records the outcome with a guarded
 * status change. A redelivered message finds the
 * record DELIVERED or FAILED and does nothing, so it is stored once and
 * delivered once. The channel delivers again only after a crash between the
 * delivery and its recording, or when two copies of the message are handled
 * at the same instant (at least once, as every queue here): the contract's
 * four statuses leave no "delivering" claim to take first.
 *
 * A transient channel failure is thrown, so that the queue delivers the
 * message again (and at last to its dead-letter queue); a permanent one (a
 * port error with `retryable: false`) marks the notification FAILED.
 */
export class StoreAndDeliverNotification {
  constructor(private readonly deps: StoreAndDeliverDeps) {}

  /** @throws what the store throws, and the channel's transient errors. */
  async execute(accepted: AcceptedNotification): Promise<StoreAndDeliverResult> {
    const { store, channel } = this.deps;
    const stored: Notification = { ...accepted, status: "STORED", channel: channel.name };
    // The API records what it accepts, so the usual first step is the move from ACCEPTED: one conditional
    // write. Only a notification nobody recorded (an order outcome's, or one that overtook the API's record)
    // is created here; a duplicate finds it moved on already.
    const storedBy = { to: "STORED", channel: channel.name } as const;
    let notification = stored;
    if (!(await store.changeStatus(accepted.notificationId, storedBy))) {
      notification = (await store.create(stored)).notification;
      if (notification.status === "ACCEPTED") notification = await this.#change(notification, storedBy);
    }
    if (notification.status !== "STORED") return { outcome: "ALREADY_DONE", notification };

    try {
      await channel.deliver(notification);
    } catch (error) {
      if (!isPermanent(error)) throw error;
      const failed = await this.#change(notification, { to: "FAILED", failureReason: reasonOf(error) });
      return { outcome: failed.status === "FAILED" ? "FAILED" : "ALREADY_DONE", notification: failed };
    }
    const deliveredAt = this.deps.clock.now().toISOString();
    const delivered = await this.#change(notification, { to: "DELIVERED", deliveredAt });
    return { outcome: "DELIVERED", notification: delivered };
  }

  /** Applies `change`; when another writer moved the notification first, answers what it stored. */
  async #change(notification: Notification, change: NotificationStatusChange): Promise<Notification> {
    if (await this.deps.store.changeStatus(notification.notificationId, change)) {
      return applyNotificationChange(notification, change);
    }
    return (await this.deps.store.get(notification.notificationId)) ?? notification;
  }
}

/** A port error that says trying again cannot help. */
function isPermanent(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { retryable?: unknown }).retryable === false
  );
}

function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return escapeUndeliverable(message || "delivery refused").slice(0, MAX_FAILURE_REASON_LENGTH);
}
