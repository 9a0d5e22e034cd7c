import type { NotificationStore } from "../domain/ports.js";
import { token } from "./token.js";

export type {
  Notification,
  NotificationPriority,
  NotificationStatus,
  NotificationStatusChange,
} from "../domain/notification.js";
export type { NotificationStore, UserNotificationsQuery } from "../domain/ports.js";

export const NOTIFICATION_STORE = token<NotificationStore>("NotificationStore");
