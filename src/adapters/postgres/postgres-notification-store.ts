import {
  NOTIFICATION_PAGE_LIMITS,
  type NotificationPriority,
  notificationStatusesBefore,
} from "../../domain/notification.js";
import type {
  Notification,
  NotificationStatusChange,
  NotificationStore,
  UserNotificationsQuery,
} from "../../ports/notification-store.js";
import type { Page, PageRequest } from "../../ports/paging.js";
import { decodeCursor, encodeCursor, pageSize, toPage } from "./postgres-paging.js";
import type { SqlClient } from "./sql-client.js";

interface NotificationRow {
  readonly notification: Notification;
  readonly created_at: string;
  readonly notification_id: string;
}

/**
 * {@link NotificationStore} on the `notifications` table (migration 7): one
 * row per notification, the notification whole as jsonb beside the columns
 * the writes condition on (`status`) and the listings filter and sort on
 * (`user_id`, `priority`, `created_at`, `notification_id`, byte-ordered text).
 *
 * **Writes.** `create` is `INSERT … ON CONFLICT DO NOTHING` (the primary key
 * stores one record per id however often it is delivered); a duplicate reads
 * the stored one back. `changeStatus` is one `UPDATE … WHERE status = ANY(the
 * statuses that may move to change.to)` that sets the status column and merges
 * the change into the document (`notification || $change`): the row lock
 * orders racing changes and the second re-checks the status the first wrote,
 * so one wins, a late redelivery changes nothing, and an unknown id matches no
 * row (nothing is created).
 *
 * **Listings** are keyset pages on three indexes, newest first: by user
 * `(user_id, created_at DESC, notification_id DESC)`, by user and priority,
 * and by priority across users; each page is one index range scan of
 * `limit + 1` rows below the cursor's position, whatever the page's depth and
 * however many notifications arrive meanwhile. Cursors name their listing (the
 * user and priority filter, or the priority), so another listing's cursor is
 * an `InvalidCursorError`.
 */
export class PostgresNotificationStore implements NotificationStore {
  constructor(private readonly client: SqlClient) {}

  async create(notification: Notification): Promise<{ created: boolean; notification: Notification }> {
    const { rowCount } = await this.client.query(
      `INSERT INTO notifications (notification_id, user_id, priority, created_at, status, notification)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb)
       ON CONFLICT (notification_id) DO NOTHING`,
      [
        notification.notificationId,
        notification.userId,
        notification.priority,
        notification.createdAt,
        notification.status,
        JSON.stringify(notification),
      ],
    );
    if (rowCount === 1) return { created: true, notification };
    // Nothing deletes notifications, so the row that refused the insert is there to read.
    return { created: false, notification: (await this.get(notification.notificationId)) ?? notification };
  }

  async get(notificationId: string): Promise<Notification | undefined> {
    const { rows } = await this.client.query<NotificationRow>(
      "SELECT notification FROM notifications WHERE notification_id = $1",
      [notificationId],
    );
    return rows[0]?.notification;
  }

  async changeStatus(notificationId: string, change: NotificationStatusChange): Promise<boolean> {
    const before = notificationStatusesBefore(change.to);
    if (before.length === 0) return false;
    const { to, ...fields } = change;
    const { rowCount } = await this.client.query(
      `UPDATE notifications SET status = $2, notification = notification || $3::jsonb
       WHERE notification_id = $1 AND status = ANY($4::text[])`,
      [notificationId, to, JSON.stringify({ ...fields, status: to }), before],
    );
    return rowCount === 1;
  }

  async listByUser(userId: string, query: UserNotificationsQuery = {}): Promise<Page<Notification>> {
    const listing = `user:${query.priority ?? "*"}:${userId}`;
    return query.priority === undefined
      ? this.page(listing, "user_id = $2", [userId], query)
      : this.page(listing, "user_id = $2 AND priority = $3", [userId, query.priority], query);
  }

  async listByPriority(priority: NotificationPriority, page: PageRequest = {}): Promise<Page<Notification>> {
    return this.page(`priority:${priority}`, "priority = $2", [priority], page);
  }

  /** One page of the rows matching `filter` (parameters from $2), newest first, below the cursor's position. */
  private async page(
    listing: string,
    filter: string,
    filterParams: readonly string[],
    page: PageRequest,
  ): Promise<Page<Notification>> {
    const limit = pageSize(page.limit, NOTIFICATION_PAGE_LIMITS.default, NOTIFICATION_PAGE_LIMITS.max);
    const below = page.nextToken === undefined ? undefined : decodeCursor(page.nextToken, listing, 2);
    const position = filterParams.length + 2;
    const { rows } = await this.client.query<NotificationRow>(
      `SELECT notification, created_at, notification_id FROM notifications
       WHERE ${filter}${below ? ` AND (created_at, notification_id) < ($${position}, $${position + 1})` : ""}
       ORDER BY created_at DESC, notification_id DESC
       LIMIT $1`,
      [limit + 1, ...filterParams, ...(below ?? [])],
    );
    return toPage(
      rows,
      limit,
      (row) => row.notification,
      (last) => encodeCursor(listing, [last.created_at, last.notification_id]),
    );
  }
}
