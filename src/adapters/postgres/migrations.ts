import type { SqlClient } from "./sql-client.js";

/**
 * The schema of the PostgreSQL family, created and upgraded by the library:
 * an ordered list of migrations, each applied once, in order, recorded in
 * `schema_migrations`.
 *
 * **Safe to run on every start, by every process.** {@link migrate} takes a
 * transaction-scoped advisory lock (`pg_advisory_xact_lock`, keyed by the
 * schema) before it reads which versions are applied, so of two processes
 * starting at once the second waits for the first to commit, then finds
 * nothing left to do. All pending migrations apply in that one transaction:
 * PostgreSQL's DDL is transactional, so a failure leaves the schema as it was
 * and the next start tries again. A database that is already current costs
 * one short transaction (lock, one SELECT).
 *
 * **Adding tables.** Each adapter's tables are their own entry; a new adapter
 * (or a change to a table) appends an entry with the next version. An applied
 * entry is never edited: `migrate` refuses to run when a version it knows is
 * recorded under another name (two branches that picked the same number). A
 * database at a higher version than this library knows (a newer release
 * migrated it) is left alone.
 *
 * Column types are chosen so both connections answer alike: text `COLLATE "C"`
 * wherever a listing sorts or pages on it (byte order, as DynamoDB and S3
 * compare keys, whatever the database's locale), `jsonb` for nested values
 * read back whole, `bigint` epoch milliseconds for instants the SQL compares
 * with a caller's `now`, and ISO 8601 text for instants the domain stores as
 * strings (read back exactly as written).
 */
export interface Migration {
  /** Position in the list: 1, 2, 3, …, never reused. */
  readonly version: number;
  /** What it creates, e.g. `idempotency keys`; recorded with the version. */
  readonly name: string;
  /** One or more statements, separated by `;`. */
  readonly sql: string;
}

/** The migrations of the PostgreSQL family, in order. */
export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "idempotency keys",
    // One row per key; `expires_at` is when the key may be taken again (an
    // attempt's timeout, or a completed key's time to live), compared with the caller's `now`.
    sql: `
      CREATE TABLE idempotency_keys (
        key          text PRIMARY KEY,
        payload_hash text NOT NULL,
        status       text NOT NULL CHECK (status IN ('IN_PROGRESS', 'COMPLETED')),
        result       jsonb,
        expires_at   bigint NOT NULL
      );
      CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
    `,
  },
  {
    version: 2,
    name: "file history",
    sql: `
      CREATE TABLE file_history (
        file_key     text COLLATE "C" NOT NULL,
        file_version text COLLATE "C" NOT NULL,
        started_at   text COLLATE "C" NOT NULL,
        revision     integer NOT NULL,
        record       jsonb NOT NULL,
        PRIMARY KEY (file_key, file_version)
      );
      CREATE INDEX file_history_by_start ON file_history (started_at DESC, file_key, file_version);
    `,
  },
  {
    version: 3,
    name: "product catalog",
    sql: `
      CREATE TABLE products (
        sku        text COLLATE "C" PRIMARY KEY,
        unit_price bigint NOT NULL,
        currency   text NOT NULL,
        stock      integer NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: "store settings",
    // One row at most (id 1); absent until an operator changes something.
    sql: `
      CREATE TABLE store_settings (
        id       smallint PRIMARY KEY CHECK (id = 1),
        open     boolean,
        capacity integer
      );
    `,
  },
  {
    version: 5,
    name: "task tokens",
    sql: `
      CREATE TABLE task_tokens (
        order_id   text PRIMARY KEY,
        token      text NOT NULL,
        expires_at bigint NOT NULL
      );
      CREATE INDEX task_tokens_expiry ON task_tokens (expires_at);
    `,
  },
  {
    version: 6,
    name: "business metrics",
    // One row per bucket, counter and shard (the event id picks the shard, so
    // concurrent events rarely wait on one row); one row per event counted
    // (with its day, so old ones can be pruned).
    sql: `
      CREATE TABLE metrics_counters (
        granularity  text NOT NULL,
        bucket_start bigint NOT NULL,
        name         text COLLATE "C" NOT NULL,
        shard        smallint NOT NULL,
        value        bigint NOT NULL,
        PRIMARY KEY (granularity, bucket_start, name, shard)
      );
      CREATE TABLE metrics_events (
        event_id  text PRIMARY KEY,
        day_start bigint NOT NULL
      );
      CREATE INDEX metrics_events_by_day ON metrics_events (day_start);
    `,
  },
  {
    version: 7,
    name: "notifications",
    sql: `
      CREATE TABLE notifications (
        notification_id text COLLATE "C" PRIMARY KEY,
        user_id         text COLLATE "C" NOT NULL,
        priority        text NOT NULL,
        created_at      text COLLATE "C" NOT NULL,
        status          text NOT NULL,
        notification    jsonb NOT NULL
      );
      CREATE INDEX notifications_by_user
        ON notifications (user_id, created_at DESC, notification_id DESC);
      CREATE INDEX notifications_by_user_priority
        ON notifications (user_id, priority, created_at DESC, notification_id DESC);
      CREATE INDEX notifications_by_priority
        ON notifications (priority, created_at DESC, notification_id DESC);
    `,
  },
  {
    version: 8,
    name: "queues",
    // Every queue's messages in one table, in send order (`seq`). A message is
    // visible once `visible_at` (epoch ms) has passed: delayed on send, hidden
    // while in flight; `receipt` is the handle of its latest receive, so a stale
    // handle settles nothing. On a FIFO queue only the head of a group (its
    // lowest `seq`) is deliverable. A dead-letter queue is a queue like the
    // others; `dead_letter_source` is where a message came from, for redrive.
    // `queue_deduplication` holds FIFO deduplication ids for their window.
    sql: `
      CREATE TABLE queue_messages (
        seq                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        queue              text COLLATE "C" NOT NULL,
        message_id         text NOT NULL,
        body               text NOT NULL,
        attributes         jsonb NOT NULL DEFAULT '{}',
        group_id           text COLLATE "C",
        deduplication_id   text,
        sent_at            bigint NOT NULL,
        visible_at         bigint NOT NULL,
        receive_count      integer NOT NULL DEFAULT 0,
        first_received_at  bigint,
        receipt            text,
        dead_letter_source text
      );
      CREATE INDEX queue_messages_visible ON queue_messages (queue, visible_at, seq);
      CREATE INDEX queue_messages_groups ON queue_messages (queue, group_id, seq) WHERE group_id IS NOT NULL;
      CREATE TABLE queue_deduplication (
        queue            text COLLATE "C" NOT NULL,
        deduplication_id text NOT NULL,
        expires_at       bigint NOT NULL,
        PRIMARY KEY (queue, deduplication_id)
      );
      CREATE INDEX queue_deduplication_expiry ON queue_deduplication (expires_at);
    `,
  },
  {
    version: 9,
    name: "orders and the event bus",
    // One row per order: the snapshot whole, beside the columns the writes
    // condition on (`version`) and the listings sort on. The outbox holds the
    // events of an order saved but not yet known to be published (only when
    // the repository does not route them itself). `bus_events` remembers the
    // ids of routed events, so an event published twice is routed once;
    // `route_events` is the routing both the bus and the repository call:
    // one row per (event, queue) pair, the event's envelope as the body (in
    // PL/pgSQL, whose plans a session keeps, where a SQL function's are made
    // again on every call).
    sql: `
      CREATE TABLE orders (
        order_id    text COLLATE "C" PRIMARY KEY,
        customer_id text COLLATE "C" NOT NULL,
        status      text NOT NULL,
        version     integer NOT NULL,
        created_at  text COLLATE "C" NOT NULL,
        updated_at  text COLLATE "C" NOT NULL,
        snapshot    jsonb NOT NULL
      );
      CREATE INDEX orders_by_customer ON orders (customer_id, created_at DESC, order_id DESC);
      CREATE INDEX orders_by_status ON orders (status, updated_at, order_id);
      CREATE TABLE order_outbox (
        seq      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_id text COLLATE "C" NOT NULL,
        event_id text NOT NULL,
        event    jsonb NOT NULL,
        UNIQUE (order_id, event_id)
      );
      CREATE TABLE bus_events (
        event_id     text PRIMARY KEY,
        published_at bigint NOT NULL
      );
      CREATE INDEX bus_events_by_time ON bus_events (published_at);
      CREATE FUNCTION route_events(event_ids text[], queues text[], bodies text[], at bigint)
      RETURNS integer LANGUAGE plpgsql AS $fn$
      DECLARE
        sent integer;
      BEGIN
        WITH fresh AS (
          INSERT INTO bus_events (event_id, published_at)
          SELECT DISTINCT id, at FROM unnest(event_ids) AS e(id)
          ON CONFLICT (event_id) DO NOTHING
          RETURNING event_id
        ), inserted AS (
          INSERT INTO queue_messages (queue, message_id, body, sent_at, visible_at)
          SELECT m.queue, gen_random_uuid()::text, m.body, at, at
          FROM unnest(event_ids, queues, bodies) WITH ORDINALITY AS m(event_id, queue, body, n)
          JOIN fresh USING (event_id)
          ORDER BY m.n
          RETURNING 1
        )
        SELECT count(*)::integer INTO sent FROM inserted;
        RETURN sent;
      END
      $fn$;
    `,
  },
  {
    version: 10,
    name: "alerts",
    // What operators are told (a rejected file, a dead-lettered message), newest first.
    sql: `
      CREATE TABLE alerts (
        seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind       text NOT NULL,
        severity   text NOT NULL,
        subject    text NOT NULL,
        message    text NOT NULL,
        attributes jsonb NOT NULL DEFAULT '{}',
        raised_at  bigint NOT NULL
      );
      CREATE INDEX alerts_by_kind ON alerts (kind, seq DESC);
    `,
  },
];

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** The schema to create (when missing) and migrate; the connection's `search_path` by default. */
  readonly schema?: string | undefined;
  /** The list to apply; {@link POSTGRES_MIGRATIONS} by default. */
  readonly migrations?: readonly Migration[] | undefined;
}

/** What {@link migrate} did. */
export interface MigrateResult {
  /** The versions this call applied, in order (empty when the database was current). */
  readonly applied: readonly number[];
  /** The highest version recorded after the call. */
  readonly version: number;
}

/** A recorded migration whose name is not the one this library gives its version. */
export class MigrationMismatchError extends Error {
  constructor(
    readonly version: number,
    readonly recorded: string,
    readonly expected: string,
  ) {
    super(`migration ${version} is recorded as "${recorded}", this library knows it as "${expected}"`);
    this.name = "MigrationMismatchError";
  }
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (!Number.isSafeInteger(migration.version) || migration.version < 1) {
      throw new RangeError(`migration versions are positive integers, got ${migration.version}`);
    }
    const previous = migrations[index - 1];
    if (previous && migration.version <= previous.version) {
      throw new RangeError(
        `migrations must be in ascending order: ${previous.version} then ${migration.version}`,
      );
    }
  });
}

/**
 * Brings the schema up to date: applies, in one transaction and under an
 * advisory lock, every migration not yet recorded. Idempotent; call it on
 * every start, from every process.
 * @throws MigrationMismatchError when a recorded version has another name.
 */
export async function migrate(client: SqlClient, options: MigrateOptions = {}): Promise<MigrateResult> {
  const migrations = options.migrations ?? POSTGRES_MIGRATIONS;
  checkOrder(migrations);
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new RangeError(`schema must be lower case letters, digits and underscores, got ${schema}`);
  }
  return client.transaction(async (tx) => {
    // The lock key names the schema, so separate schemas migrate side by side.
    const lockName = `orderflow.migrations:${schema ?? ""}`;
    await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [lockName]);
    if (schema !== undefined) {
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await tx.query(`SET LOCAL search_path TO ${schema}`);
    }
    await tx.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await tx.query<{ version: number; name: string }>(
      "SELECT version, name FROM schema_migrations ORDER BY version",
    );
    const recorded = new Map(rows.map((row) => [row.version, row.name]));
    for (const migration of migrations) {
      const name = recorded.get(migration.version);
      if (name !== undefined && name !== migration.name) {
        throw new MigrationMismatchError(migration.version, name, migration.name);
      }
    }
    const applied: number[] = [];
    for (const migration of migrations) {
      if (recorded.has(migration.version)) continue;
      await tx.query(migration.sql);
      await tx.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [
        migration.version,
        migration.name,
      ]);
      applied.push(migration.version);
    }
    const versions = [...recorded.keys(), ...applied];
    return { applied, version: versions.length === 0 ? 0 : Math.max(...versions) };
  });
}
