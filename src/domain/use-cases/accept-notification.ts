import { type AcceptedNotification, PENDING_CHANNEL } from "../notification.js";
import type {
  Clock,
  IdGenerator,
  NotificationPublisher,
  NotificationStore,
} from "../ports.js";
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
  readonly store: Pick<NotificationStore, "create">;
  readonly clock: Clock;
  readonly ids: IdGenerator;
}

/**
 * Accepts a notification for a user: validates it, gives it an id and its
 * creation time, publishes it with its priority (the consumer of that priority
 * stores and delivers it), then records it as `ACCEPTED`, so that
 * `GET /notifications/{id}` finds it at once. Publishing comes first: it is
 * what makes the notification durable, and a consumer that stores it before
 * the record is written wins (the record is a conditional create). A failure
 * after publishing fails the request; a retry with the same id publishes the
 * same notification again, which the consumers store and deliver once.
 */
export class AcceptNotification {
  constructor(private readonly deps: AcceptNotificationDeps) {}

  /**
   * @throws ValidationError (`VALIDATION_FAILED`) listing every field problem.
   * @param options.notificationId the id to give it (default: a new one): a request retried under an
   * `Idempotency-Key` names the same notification.
   * @throws DeliveryError when the notification could not be published; what the store throws.
   */
  async execute(
    input: unknown,
    options: { readonly notificationId?: string } = {},
  ): Promise<AcceptNotificationResult> {
    const body = parseOrThrow(NotificationSchema, input, "notification");
    const notification: AcceptedNotification = {
      notificationId: options.notificationId ?? this.deps.ids.next(),
      userId: body.userId,
      message: body.message,
      priority: body.priority,
      createdAt: this.deps.clock.now().toISOString(),
    };
    await this.deps.publisher.publish([notification]);
    // The channel is the consumer's to name when it stores the notification: the API needs no channel.
    await this.deps.store.create({ ...notification, status: "ACCEPTED", channel: PENDING_CHANNEL });
    return { notificationId: notification.notificationId, status: "ACCEPTED", notification };
  }
}
