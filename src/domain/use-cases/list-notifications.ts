import { NOTIFICATION_PAGE_LIMITS, type Notification } from "../notification.js";
import type { Page } from "../paging.js";
import type { NotificationStore } from "../ports.js";
import { PriorityNotificationsQuerySchema, parseOrThrow, UserNotificationsQuerySchema } from "../schemas.js";

/** What the notification listings answer: newest first, and a cursor when more follow. */
export interface NotificationList {
  readonly notifications: readonly Notification[];
  readonly nextCursor?: string;
}

function toList(page: Page<Notification>): NotificationList {
  return page.nextToken === undefined
    ? { notifications: page.items }
    : { notifications: page.items, nextCursor: page.nextToken };
}

/** `GET /users/{userId}/notifications?priority=&limit=&cursor=`. */
export class ListUserNotifications {
  constructor(private readonly deps: { readonly store: Pick<NotificationStore, "listByUser"> }) {}

  /**
   * @param query `{ userId, priority?, limit? (1–100, default 20), cursor? }`
   * @throws ValidationError (`VALIDATION_FAILED`) for a bad user id, priority or limit.
   * @throws InvalidCursorError (`INVALID_CURSOR`) for a cursor this listing did not issue.
   */
  async execute(query: unknown): Promise<NotificationList> {
    const { userId, priority, limit, cursor } = parseOrThrow(UserNotificationsQuerySchema, query, "query");
    const page = await this.deps.store.listByUser(userId, {
      priority,
      limit: limit ?? NOTIFICATION_PAGE_LIMITS.default,
      nextToken: cursor,
    });
    return toList(page);
  }
}

/** `GET /notifications?priority=&limit=&cursor=`: one priority, across users. */
export class ListNotificationsByPriority {
  constructor(private readonly deps: { readonly store: Pick<NotificationStore, "listByPriority"> }) {}

  /**
   * @param query `{ priority, limit? (1–100, default 20), cursor? }`
   * @throws ValidationError (`VALIDATION_FAILED`) for a bad priority or limit.
   * @throws InvalidCursorError (`INVALID_CURSOR`) for a cursor this listing did not issue.
   */
  async execute(query: unknown): Promise<NotificationList> {
    const { priority, limit, cursor } = parseOrThrow(PriorityNotificationsQuerySchema, query, "query");
    const page = await this.deps.store.listByPriority(priority, {
      limit: limit ?? NOTIFICATION_PAGE_LIMITS.default,
      nextToken: cursor,
    });
    return toList(page);
  }
}
