import type { Logger } from "../../ports/logger.js";
import type { Notification, NotificationChannel } from "../../ports/notification-channel.js";

/**
 * The default channel: "delivers" a notification by writing one structured
 * log line through the Logger port (the source system's simulated
 * notification). It needs no service, so it works in every family.
 */
export class LogNotificationChannel implements NotificationChannel {
  readonly name = "log";

  constructor(private readonly logger: Logger) {}

  async deliver(notification: Notification): Promise<void> {
    this.logger.info("notification delivered", {
      channel: this.name,
      notificationId: notification.notificationId,
      userId: notification.userId,
      priority: notification.priority,
      message: notification.message,
      ...(notification.orderId === undefined ? {} : { orderId: notification.orderId }),
    });
  }
}
