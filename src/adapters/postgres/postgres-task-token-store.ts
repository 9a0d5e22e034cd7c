import type { Clock } from "../../ports/clock.js";
import type { TaskTokenStore } from "../../ports/task-token-store.js";
import type { SqlClient } from "./sql-client.js";

/**
 * {@link TaskTokenStore} on the `task_tokens` table (migration 5): one row per
 * order, the latest token and when it expires (epoch milliseconds).
 *
 * `save` is an upsert, so a retried wait replaces the earlier token. `take` is
 * `DELETE … RETURNING`: the row lock makes the delete atomic, so of two racing
 * takers one gets the row and the other finds nothing. An expired token is
 * deleted by the take that finds it and answered as none, judged by the
 * clock given here (as DynamoDB's TTL is checked on read); tokens never taken
 * are removed by {@link deleteExpired}.
 */
export class PostgresTaskTokenStore implements TaskTokenStore {
  constructor(
    private readonly client: SqlClient,
    private readonly clock: Clock,
  ) {}

  async save(orderId: string, token: string, options: { readonly expiresAt: Date }): Promise<void> {
    await this.client.query(
      `INSERT INTO task_tokens (order_id, token, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (order_id) DO UPDATE SET token = EXCLUDED.token, expires_at = EXCLUDED.expires_at`,
      [orderId, token, options.expiresAt.getTime()],
    );
  }

  async take(orderId: string): Promise<string | undefined> {
    const { rows } = await this.client.query<{ token: string; expires_at: number }>(
      "DELETE FROM task_tokens WHERE order_id = $1 RETURNING token, expires_at",
      [orderId],
    );
    const row = rows[0];
    return row && row.expires_at > this.now() ? row.token : undefined;
  }

  /** Removes the tokens that expired before now, never taken (a periodic job's work); answers how many. */
  async deleteExpired(): Promise<number> {
    const { rowCount } = await this.client.query("DELETE FROM task_tokens WHERE expires_at <= $1", [
      this.now(),
    ]);
    return rowCount;
  }

  private now(): number {
    return this.clock.epochMs?.() ?? this.clock.now().getTime();
  }
}
