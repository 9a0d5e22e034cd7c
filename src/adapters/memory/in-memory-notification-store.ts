import { Buffer } from "node:buffer";
import {
  applyNotificationChange,
  canMoveNotification,
  NOTIFICATION_PAGE_LIMITS,
  type NotificationPriority,
} from "../../domain/notification.js";
import { InvalidCursorError } from "../../ports/errors.js";
import type {
  Notification,
  NotificationStatusChange,
  NotificationStore,
  UserNotificationsQuery,
} from "../../ports/notification-store.js";
import type { Page, PageRequest } from "../../ports/paging.js";

/**
 * Notifications in a Map keyed by id, with the conditional writes a table
 * would make (create once, status moves only along the lifecycle). Listings
 * page by key (the last item's `createdAt` and id), like a query on an index:
 * a page stays correct while new notifications arrive. The cursor names its
 * listing, so one listing's cursor is refused by another.
 */
export class InMemoryNotificationStore implements NotificationStore {
  private readonly notifications = new Map<string, Notification>();
  /** The ids of each user's and each priority's notifications, as a table's indexes would hold them. */
  private readonly byUser = new Map<string, string[]>();
  private readonly byPriority = new Map<NotificationPriority, string[]>();

  async create(notification: Notification): Promise<{ created: boolean; notification: Notification }> {
    const stored = this.notifications.get(notification.notificationId);
    if (stored) return { created: false, notification: structuredClone(stored) };
    this.notifications.set(notification.notificationId, Object.freeze(structuredClone(notification)));
    indexed(this.byUser, notification.userId).push(notification.notificationId);
    indexed(this.byPriority, notification.priority).push(notification.notificationId);
    return { created: true, notification: structuredClone(notification) };
  }

  async get(notificationId: string): Promise<Notification | undefined> {
    const stored = this.notifications.get(notificationId);
    return stored ? structuredClone(stored) : undefined;
  }

  async changeStatus(notificationId: string, change: NotificationStatusChange): Promise<boolean> {
    const stored = this.notifications.get(notificationId);
    if (!stored || !canMoveNotification(stored.status, change.to)) return false;
    this.notifications.set(notificationId, Object.freeze(applyNotificationChange(stored, change)));
    return true;
  }

  async listByUser(userId: string, query: UserNotificationsQuery = {}): Promise<Page<Notification>> {
    const scope = `user:${userId}:${query.priority ?? ""}`;
    return this.#page(
      scope,
      this.byUser.get(userId) ?? [],
      (n) => query.priority === undefined || n.priority === query.priority,
      query,
    );
  }

  async listByPriority(priority: NotificationPriority, page: PageRequest = {}): Promise<Page<Notification>> {
    return this.#page(`priority:${priority}`, this.byPriority.get(priority) ?? [], () => true, page);
  }

  #page(
    scope: string,
    ids: readonly string[],
    matches: (n: Notification) => boolean,
    page: PageRequest,
  ): Page<Notification> {
    const after = page.nextToken === undefined ? undefined : decodeCursor(page.nextToken, scope);
    const limit = Math.min(
      Math.max(1, Math.floor(page.limit ?? NOTIFICATION_PAGE_LIMITS.default)),
      NOTIFICATION_PAGE_LIMITS.max,
    );
    const sorted = ids
      .map((id) => this.notifications.get(id)!)
      .filter((n) => matches(n) && (after === undefined || newerFirst(n, after) > 0))
      .sort(newerFirst);
    const items = sorted.slice(0, limit).map((n) => structuredClone(n));
    const last = items.at(-1);
    return sorted.length > limit && last
      ? { items, nextToken: encodeCursor({ s: scope, c: last.createdAt, i: last.notificationId }) }
      : { items };
  }
}

function indexed<K>(index: Map<K, string[]>, key: K): string[] {
  const ids = index.get(key) ?? [];
  if (ids.length === 0) index.set(key, ids);
  return ids;
}

interface Position {
  readonly createdAt: string;
  readonly notificationId: string;
}

/**
 * Sort order of the listings: newest first, then by id descending, comparing
 * code units as a table's sort key compares bytes (not `localeCompare`, which
 * would order ids differing only in case otherwise). Positive when `a` comes after `b`.
 */
function newerFirst(a: Position, b: Position): number {
  return descending(a.createdAt, b.createdAt) || descending(a.notificationId, b.notificationId);
}

const descending = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0);

interface Cursor {
  readonly s: string;
  readonly c: string;
  readonly i: string;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url");
}

function decodeCursor(token: string, scope: string): Position {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch (cause) {
    throw new InvalidCursorError(token, { cause });
  }
  const cursor = parsed as Partial<Cursor> | null;
  if (
    typeof cursor !== "object" ||
    cursor === null ||
    cursor.s !== scope ||
    typeof cursor.c !== "string" ||
    typeof cursor.i !== "string"
  ) {
    throw new InvalidCursorError(token);
  }
  return { createdAt: cursor.c, notificationId: cursor.i };
}
