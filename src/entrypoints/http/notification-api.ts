import { createHash } from "node:crypto";
import { NotificationNotFoundError } from "../../domain/errors.js";
import { fingerprint } from "../../domain/fingerprint.js";
import type { Notification } from "../../domain/notification.js";
import { NotificationSchema, parseOrThrow } from "../../domain/schemas.js";
import type { AcceptNotification } from "../../domain/use-cases/accept-notification.js";
import type { GetNotification } from "../../domain/use-cases/get-notification.js";
import type {
  ListNotificationsByPriority,
  ListUserNotifications,
  NotificationList,
} from "../../domain/use-cases/list-notifications.js";
import { requireSelfOrOperator } from "./authorization.js";
import type { Caller } from "./http-types.js";
import { type IdempotencyDeps, withIdempotencyKey } from "./idempotent-request.js";
import type { RequestMeta } from "./order-api.js";

export interface AcceptedNotificationAnswer {
  readonly notificationId: string;
  readonly status: "ACCEPTED";
}

export interface NotificationApiDeps extends IdempotencyDeps {
  readonly accept: AcceptNotification;
  readonly get: GetNotification;
  readonly listByUser: ListUserNotifications;
  readonly listByPriority: ListNotificationsByPriority;
}

/**
 * The notification operations of the public HTTP API, free of HTTP (as
 * {@link OrderApi} is for orders): the `Idempotency-Key` of `POST
 * /notifications` and who may read which notifications are kept here; the
 * use cases decide the rest. A caller reads its own notifications; reading
 * another user's, or one priority across users, takes the operators group.
 */
export class NotificationApi {
  constructor(private readonly deps: NotificationApiDeps) {}

  /**
   * Validates, publishes and records a notification; a retried request (same
   * key) accepts nothing twice. A caller may notify itself; notifying another
   * user takes the operators group (a service's token), so that no user can
   * send text to another in the service's name.
   */
  async accept(body: unknown, meta: RequestMeta = {}, caller?: Caller): Promise<AcceptedNotificationAnswer> {
    // Checked first, so that a bad body is a 400 before any key is taken, and the key's fingerprint is the parsed body's.
    const input = parseOrThrow(NotificationSchema, body, "notification");
    requireSelfOrOperator(caller, input.userId, "send notifications to this user");
    const key = meta.idempotencyKey;
    const acceptOnce = async (notificationId?: string): Promise<AcceptedNotificationAnswer> => {
      const { notificationId: id, status } = await this.deps.accept.execute(input, { notificationId });
      return { notificationId: id, status };
    };
    if (key === undefined) return acceptOnce();
    const requestFingerprint = fingerprint({ notification: input });
    // The id comes from the key and the request: a retry after a failed attempt publishes the same
    // notification again, while the key reused for another request once it expired names a new one.
    return withIdempotencyKey(this.deps, `notifications/${key}`, requestFingerprint, () =>
      acceptOnce(notificationIdForKey(key, requestFingerprint)),
    );
  }

  async get(notificationId: string, caller?: Caller): Promise<Notification> {
    const notification = await this.deps.get.execute(notificationId);
    if (!notification) throw new NotificationNotFoundError(notificationId);
    requireSelfOrOperator(caller, notification.userId, "read this user's notifications");
    return notification;
  }

  /** `query` as the query string gives it: `priority`, `limit` (digits), `cursor`. */
  async listForUser(
    userId: string,
    query: Readonly<Record<string, string>>,
    caller?: Caller,
  ): Promise<NotificationList> {
    requireSelfOrOperator(caller, userId, "read this user's notifications");
    return this.deps.listByUser.execute({ ...numericLimit(query), userId });
  }

  async listByPriority(query: Readonly<Record<string, string>>, caller?: Caller): Promise<NotificationList> {
    requireSelfOrOperator(caller, undefined, "list every user's notifications");
    return this.deps.listByPriority.execute(numericLimit(query));
  }
}

/** A query string's `limit` as the number the listing expects; anything but digits stays text, for the listing to refuse. */
function numericLimit(query: Readonly<Record<string, string>>): Record<string, unknown> {
  const limit = query.limit;
  return limit !== undefined && /^\d{1,6}$/.test(limit) ? { ...query, limit: Number(limit) } : { ...query };
}

/**
 * The notification id of a request that gave an `Idempotency-Key`: SHA-256 of
 * the key and the request's fingerprint (192 bits), so that only the same
 * request under the same key names the same notification.
 */
export function notificationIdForKey(key: string, requestFingerprint: string): string {
  const digest = createHash("sha256")
    .update(`notification:${requestFingerprint}:${key}`, "utf8")
    .digest("base64url");
  return `k-${digest.slice(0, 32)}`;
}
