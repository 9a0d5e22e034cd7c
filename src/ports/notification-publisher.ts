import type { NotificationPublisher } from "../domain/ports.js";
import { token } from "./token.js";

export type { AcceptedNotification } from "../domain/notification.js";
export type { NotificationPublisher } from "../domain/ports.js";

export const NOTIFICATION_PUBLISHER = token<NotificationPublisher>("NotificationPublisher");
