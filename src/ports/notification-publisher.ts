import type { NotificationPublisher } from "../domain/ports.js";
import { token } from "./token.js";

export type { AcceptedNotification } from "../domain/notification.js";
export type { NotificationPublisher } from "../domain/ports.js";

/**
 * The message attribute that carries a notification's priority: subscriptions
 * filter on it (one queue per priority). Every publisher sets it, whatever the technology.
 */
export const NOTIFICATION_PRIORITY_ATTRIBUTE = "priority";

export const NOTIFICATION_PUBLISHER = token<NotificationPublisher>("NotificationPublisher");
