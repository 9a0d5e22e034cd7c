import type { Alert, AlertPublisher } from "../../ports/alert-publisher.js";
import type { Clock } from "../../ports/clock.js";
import type { SqlClient } from "./sql-client.js";

/** An alert as stored, with when it was raised. */
export interface StoredAlert extends Alert {
  readonly raisedAt: Date;
}

interface AlertRow {
  readonly kind: string;
  readonly severity: Alert["severity"];
  readonly subject: string;
  readonly message: string;
  readonly attributes: Record<string, string>;
  readonly raised_at: number;
}

/**
 * {@link AlertPublisher} on the `alerts` table (migration 10): where the AWS
 * family publishes to an SNS topic that mails operators, this one keeps each
 * alert as a row for operators to read ({@link recent}), a whole batch in one
 * INSERT. Whoever runs the family and wants alerts sent on (mail, chat) reads
 * the table or wraps this publisher.
 */
export class PostgresAlertPublisher implements AlertPublisher {
  constructor(
    private readonly client: SqlClient,
    private readonly clock: Clock,
  ) {}

  async publish(alerts: readonly Alert[]): Promise<void> {
    if (alerts.length === 0) return;
    await this.client.query(
      `INSERT INTO alerts (kind, severity, subject, message, attributes, raised_at)
       SELECT a.kind, a.severity, a.subject, a.message, a.attributes::jsonb, $6
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
         WITH ORDINALITY AS a(kind, severity, subject, message, attributes, n)
       ORDER BY a.n`,
      [
        alerts.map((alert) => alert.kind),
        alerts.map((alert) => alert.severity),
        alerts.map((alert) => alert.subject),
        alerts.map((alert) => alert.message),
        alerts.map((alert) => JSON.stringify(alert.attributes ?? {})),
        this.clock.now().getTime(),
      ],
    );
  }

  /** The latest alerts, newest first (of one kind when given). */
  async recent(options: { readonly kind?: string; readonly limit?: number } = {}): Promise<StoredAlert[]> {
    const limit = Math.min(1_000, Math.max(1, options.limit ?? 100));
    const { rows } = await this.client.query<AlertRow>(
      `SELECT kind, severity, subject, message, attributes, raised_at FROM alerts
       ${options.kind === undefined ? "" : "WHERE kind = $2"} ORDER BY seq DESC LIMIT $1`,
      options.kind === undefined ? [limit] : [limit, options.kind],
    );
    return rows.map((row) => ({
      kind: row.kind,
      severity: row.severity,
      subject: row.subject,
      message: row.message,
      ...(Object.keys(row.attributes).length > 0 ? { attributes: row.attributes } : {}),
      raisedAt: new Date(Number(row.raised_at)),
    }));
  }
}
