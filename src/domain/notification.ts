/**
 * Customer notifications: one table of statuses and one table of the moves
 * between them, one list of priorities. The store's guarded writes, the use
 * cases and the tests all read these, so a redelivered message can never move
 * a notification backwards (no row leads out of DELIVERED or FAILED).
 */

export const NotificationStatus = {
  /** The API accepted it and published it; no consumer has stored it yet. */
  ACCEPTED: "ACCEPTED",
  /** A consumer stored it; delivery through the channel is under way. */
  STORED: "STORED",
  DELIVERED: "DELIVERED",
  /** The channel refused it for good; `failureReason` says why. */
  FAILED: "FAILED",
} as const;

export type NotificationStatus = (typeof NotificationStatus)[keyof typeof NotificationStatus];

export const NOTIFICATION_STATUSES: readonly NotificationStatus[] = Object.values(NotificationStatus);

/** For each status, the statuses a notification may move to from it. */
export const NOTIFICATION_TRANSITIONS = {
  ACCEPTED: ["STORED"],
  STORED: ["DELIVERED", "FAILED"],
  DELIVERED: [],
  FAILED: [],
} as const satisfies Record<NotificationStatus, readonly NotificationStatus[]>;

/** True when a notification in `from` may move to `to`. */
export function canMoveNotification(from: NotificationStatus, to: NotificationStatus): boolean {
  const allowed: readonly NotificationStatus[] = NOTIFICATION_TRANSITIONS[from];
  return allowed.includes(to);
}

/** The statuses from which a notification may move to `to` (what a conditional write checks). */
export function notificationStatusesBefore(to: NotificationStatus): readonly NotificationStatus[] {
  return NOTIFICATION_STATUSES.filter((from) => canMoveNotification(from, to));
}

/** Priorities, most urgent first: consumers drain them in this order. */
export const NOTIFICATION_PRIORITIES = ["high", "medium", "low"] as const;

export type NotificationPriority = (typeof NOTIFICATION_PRIORITIES)[number];

/** Page sizes of the notification listings (the public contract's `limit`). */
export const NOTIFICATION_PAGE_LIMITS = { default: 20, max: 100 } as const;

/** A notification the API accepted: what travels on the topic to the consumers. */
export interface AcceptedNotification {
  readonly notificationId: string;
  readonly userId: string;
  readonly message: string;
  readonly priority: NotificationPriority;
  /** ISO 8601 time the API accepted it; the listings sort on it, newest first. */
  readonly createdAt: string;
  /** Set when the notification tells the customer about one of their orders. */
  readonly orderId?: string | undefined;
}

/** A notification as stored and as `GET /notifications/{id}` shows it. */
export interface Notification extends AcceptedNotification {
  readonly status: NotificationStatus;
  /** Name of the channel that delivers it (e.g. `log`); {@link PENDING_CHANNEL} until a consumer stores it. */
  readonly channel: string;
  readonly deliveredAt?: string | undefined;
  readonly failureReason?: string | undefined;
}

/**
 * The channel of a notification the API accepted and no consumer has stored
 * yet: the consumer that stores it names the channel that delivers it.
 */
export const PENDING_CHANNEL = "pending";

/** A status change a store applies only when the stored status may move to `to`. */
export type NotificationStatusChange =
  /** Stored by a consumer, which names the channel that delivers it. */
  | { readonly to: "STORED"; readonly channel: string }
  | { readonly to: "DELIVERED"; readonly deliveredAt: string }
  | { readonly to: "FAILED"; readonly failureReason: string };

/** `notification` after `change`; the caller has checked the move is allowed. */
export function applyNotificationChange(
  notification: Notification,
  change: NotificationStatusChange,
): Notification {
  switch (change.to) {
    case "STORED":
      return { ...notification, status: "STORED", channel: change.channel };
    case "DELIVERED":
      return { ...notification, status: "DELIVERED", deliveredAt: change.deliveredAt };
    case "FAILED":
      return { ...notification, status: "FAILED", failureReason: change.failureReason };
  }
}
