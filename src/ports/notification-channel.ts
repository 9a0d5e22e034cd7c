import type { NotificationChannel } from "../domain/ports.js";
import { token } from "./token.js";

export type { Notification } from "../domain/notification.js";
export type { NotificationChannel } from "../domain/ports.js";

export const NOTIFICATION_CHANNEL = token<NotificationChannel>("NotificationChannel");
