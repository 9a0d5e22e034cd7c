import type { AcceptedNotification, Notification } from "../../domain/notification.js";
import { uniqueId } from "./order-mother.js";

/** A notification as the API accepts it, for a unique user and id. */
export function anAcceptedNotification(overrides: Partial<AcceptedNotification> = {}): AcceptedNotification {
  return {
    notificationId: uniqueId("ntf"),
    userId: uniqueId("user"),
    message: "Your order o-1 has shipped",
    priority: "medium",
    createdAt: "2030-01-15T10:00:00.000Z",
    ...overrides,
  };
}

/** A stored notification (status `STORED`, channel `log` unless told otherwise). */
export function aNotification(overrides: Partial<Notification> = {}): Notification {
  return { ...anAcceptedNotification(), status: "STORED", channel: "log", ...overrides };
}

/** `count` notifications one second apart (the first the oldest), starting at `start`. */
export function notificationsOverTime(
  count: number,
  overrides: Partial<Notification> = {},
  start = Date.parse("2030-01-15T10:00:00.000Z"),
): Notification[] {
  return Array.from({ length: count }, (_, i) =>
    aNotification({ ...overrides, createdAt: new Date(start + i * 1_000).toISOString() }),
  );
}
