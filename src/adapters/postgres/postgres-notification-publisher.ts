import { deliverableJson } from "../../domain/deliverable-text.js";
import type { Clock } from "../../ports/clock.js";
import {
  type AcceptedNotification,
  NOTIFICATION_PRIORITY_ATTRIBUTE,
  type NotificationPublisher,
} from "../../ports/notification-publisher.js";
import { NOTIFICATION_QUEUES } from "../../ports/routing.js";
import type { SqlClient } from "./sql-client.js";

/**
 * {@link NotificationPublisher} on the family's queue table: each notification
 * goes straight to the queue of its priority (`notifications-high`, …, as
 * {@link NOTIFICATION_QUEUES} names them), its JSON as the body and its
 * priority as the `priority` attribute: what the SNS topic's filtered,
 * raw-delivery subscriptions hand the priority queues on AWS, without a
 * topic in between. A burst is one INSERT; it commits whole or not at all,
 * so no notification of a call is published without the others.
 */
export class PostgresNotificationPublisher implements NotificationPublisher {
  constructor(
    private readonly client: SqlClient,
    private readonly clock: Clock,
  ) {}

  async publish(notifications: readonly AcceptedNotification[]): Promise<void> {
    if (notifications.length === 0) return;
    await this.client.query(
      `INSERT INTO queue_messages (queue, message_id, body, attributes, sent_at, visible_at)
       SELECT m.queue, gen_random_uuid()::text, m.body, m.attributes::jsonb, $4, $4
       FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS m(queue, body, attributes, n)
       ORDER BY m.n`,
      [
        notifications.map((n) => NOTIFICATION_QUEUES[n.priority]),
        notifications.map((n) => deliverableJson(n)),
        notifications.map((n) => JSON.stringify({ [NOTIFICATION_PRIORITY_ATTRIBUTE]: n.priority })),
        this.clock.now().getTime(),
      ],
    );
  }
}
