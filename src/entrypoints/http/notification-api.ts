import { createHash } from "node:crypto";
import { NotificationNotFoundError, OrderflowError } from "../../domain/errors.js";
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
import { type IdempotencyDeps, withIdempotencyKey } from "./idempotent-request.js";
import type { RequestMeta } from "./order-api.js";

/** The group whose members may read every user's notifications (`cognito:groups` on AWS). */
export const OPERATORS_GROUP = "operators";

/**
 * Who sent a request, as the transport authenticated it (on AWS, the Cognito
 * JWT authorizer's claims). Absent where there is no authentication (the
 * local runner): such a caller may do anything, as for orders.
 */
export interface Caller {
  /** The token's subject (`sub`): the user id a caller owns. */
  readonly userId: string;
  readonly groups: readonly string[];
}

/** A caller may not read what it asked for. */
export class ForbiddenError extends OrderflowError {
  readonly code = "FORBIDDEN";
}

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

  /** Validates, publishes and records a notification; a retried request (same key) accepts nothing twice. */
  async accept(body: unknown, meta: RequestMeta = {}): Promise<AcceptedNotificationAnswer> {
    // Checked first, so that a bad body is a 400 before any key is taken, and the key's fingerprint is the parsed body's.
    const input = parseOrThrow(NotificationSchema, body, "notification");
    const key = meta.idempotencyKey;
    const acceptOnce = async (notificationId?: string): Promise<AcceptedNotificationAnswer> => {
      const { notificationId: id, status } = await this.deps.accept.execute(input, { notificationId });
      return { notificationId: id, status };
    };
    if (key === undefined) return acceptOnce();
    // The id comes from the key: a retry after a failed attempt publishes the same notification again.
    return withIdempotencyKey(this.deps, key, fingerprint({ notification: input }), () =>
      acceptOnce(notificationIdForKey(key)),
    );
  }

  async get(notificationId: string, caller?: Caller): Promise<Notification> {
    const notification = await this.deps.get.execute(notificationId);
    if (!notification) throw new NotificationNotFoundError(notificationId);
    mayRead(caller, notification.userId);
    return notification;
  }

  /** `query` as the query string gives it: `priority`, `limit` (digits), `cursor`. */
  async listForUser(
    userId: string,
    query: Readonly<Record<string, string>>,
    caller?: Caller,
  ): Promise<NotificationList> {
    mayRead(caller, userId);
    return this.deps.listByUser.execute({ ...numericLimit(query), userId });
  }

  async listByPriority(query: Readonly<Record<string, string>>, caller?: Caller): Promise<NotificationList> {
    mayRead(caller, undefined);
    return this.deps.listByPriority.execute(numericLimit(query));
  }
}

/** @throws ForbiddenError unless `caller` owns `userId` (undefined: every user's) or is an operator. */
function mayRead(caller: Caller | undefined, userId: string | undefined): void {
  if (caller === undefined || caller.groups.includes(OPERATORS_GROUP)) return;
  if (userId !== undefined && caller.userId === userId) return;
  throw new ForbiddenError(
    userId === undefined
      ? `only the ${OPERATORS_GROUP} group may list every user's notifications`
      : `only the user or the ${OPERATORS_GROUP} group may read this user's notifications`,
  );
}

/** A query string's `limit` as the number the listing expects; anything but digits stays text, for the listing to refuse. */
function numericLimit(query: Readonly<Record<string, string>>): Record<string, unknown> {
  const limit = query.limit;
  return limit !== undefined && /^\d{1,6}$/.test(limit) ? { ...query, limit: Number(limit) } : { ...query };
}

/** The notification id of a request that gave an `Idempotency-Key` (SHA-256 of the key, 192 bits). */
export function notificationIdForKey(key: string): string {
  return `k-${createHash("sha256").update(`notification:${key}`, "utf8").digest("base64url").slice(0, 32)}`;
}
