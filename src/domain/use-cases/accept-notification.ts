import type { AcceptedNotification } from "../notification.js";
import type { Clock, IdGenerator, NotificationPublisher } from "../ports.js";
import { NotificationSchema, parseOrThrow } from "../schemas.js";

/** What `POST /notifications` answers. */
export interface AcceptNotificationResult {
  readonly notificationId: string;
  readonly status: "ACCEPTED";
  /** The notification as published, for the caller's log. */
  readonly notification: AcceptedNotification;
}

export interface AcceptNotificationDeps {
  readonly publisher: NotificationPublisher;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/**
 * Accepts a notification for a user: validates it, gives it an id and its
 * creation time, and publishes it with its priority, so the consumer of that
 * priority stores and delivers it. Nothing is stored here: the status
 * `ACCEPTED` means "published, not yet stored".
 */
export class AcceptNotification {
  constructor(private readonly deps: AcceptNotificationDeps) {}

  /**
   * @throws ValidationError (`VALIDATION_FAILED`) listing every field problem.
   * @throws DeliveryError when the notification could not be published.
   */
  async execute(input: unknown): Promise<AcceptNotificationResult> {
    const body = parseOrThrow(NotificationSchema, input, "notification");
    const notification: AcceptedNotification = {
      notificationId: this.deps.ids.next(),
      userId: body.userId,
      message: body.message,
      priority: body.priority,
      createdAt: this.deps.clock.now().toISOString(),
    };
    await this.deps.publisher.publish([notification]);
    return { notificationId: notification.notificationId, status: "ACCEPTED", notification };
  }
}
