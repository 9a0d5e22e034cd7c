import { createHash } from "node:crypto";
import type { PGlite, Results, Transaction } from "@electric-sql/pglite";
import type { Pool, PoolClient, PoolConfig, QueryResult } from "pg";
import { translatePostgresError } from "./postgres-errors.js";

/**
 * The one query interface every PostgreSQL adapter of orderflow is written
 * against, and its two connections: {@link pgClient} (node-postgres, a pool of
 * connections to a server) and {@link pgliteClient} (PGlite, PostgreSQL
 * compiled to WASM, in process, one connection). The adapters send the same
 * SQL to both.
 *
 * **What both connections answer alike.** `$1, $2, …` placeholders; rows as
 * objects keyed by column name; `int8` (bigint, `count(*)`) as a number (a
 * BigInt beyond 2^53, which no counter of orderflow reaches); `jsonb` parsed;
 * `timestamptz` as a Date; `bytea` as bytes. A call without parameters may
 * hold several statements separated by `;` (sent with the simple protocol, as
 * a migration needs) and answers the last statement's rows. Pass JSON as a
 * string (`JSON.stringify(x)` with a `$1::jsonb` cast) and arrays to
 * `= ANY($1::text[])`: the drivers serialize other values differently.
 *
 * **Transactions.** `transaction(work)` runs `work` between BEGIN and COMMIT
 * on one connection, and ROLLBACK when `work` throws (then rethrows). Inside,
 * use only the `tx` it passes: on node-postgres another call would run on
 * another connection, outside the transaction; on PGlite it would wait for the
 * transaction to end, forever. A `transaction` call on `tx` joins the outer
 * transaction (no savepoint): a failure inside fails the whole transaction.
 *
 * **Errors.** Transient failures (connection lost, serialization failure,
 * deadlock, …) come out as a retryable `ServiceUnavailableError` with the
 * driver's error as `cause`; others unchanged (see `postgres-errors.ts`).
 *
 * **Drivers load lazily** (dynamic `import()` on the first use of a factory),
 * so importing the family needs neither package installed.
 */
export interface SqlClient {
  /**
   * Runs one statement (or, without `params`, several) and answers the rows
   * of the (last) statement and how many rows it returned or changed.
   */
  query<R = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<{ rows: R[]; rowCount: number }>;
  /**
   * Runs `work` in one transaction (BEGIN … COMMIT, ROLLBACK on a throw); nested calls join the outer one.
   * `work` must send its statements through `tx`: on PGlite's one connection, a statement sent through
   * the outer client waits for the transaction to end, which waits for it.
   */
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
  /** Closes what the factory opened (a pool it created, a database it opened); a pool or database passed in stays open. */
  close(): Promise<void>;
}

/** The name errors give to what was unavailable. */
const SERVICE = "PostgreSQL";

/** A schema name as the `schema` options take it: plain, so it needs no quoting anywhere. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function checkSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new RangeError(`schema must match ${SCHEMA_NAME} (lower case, digits, underscores), got ${schema}`);
  }
  return schema;
}

// ─── node-postgres ──────────────────────────────────────────────────────────

/** A pool's settings (node-postgres `PoolConfig`), plus the schema the adapters' tables live in. */
export interface PgClientConfig extends PoolConfig {
  /**
   * The schema of orderflow's tables (its `search_path` on every connection of
   * the pool); `public` by default. Pass the same to `migrate`.
   */
  readonly schema?: string | undefined;
}

type PgModule = typeof import("pg");

/** A pool (duck-typed, so a pool of another copy of `pg` counts) rather than its settings. */
function isPool(value: unknown): value is Pool {
  return typeof (value as Pool).connect === "function" && typeof (value as Pool).query === "function";
}

async function loadPg(): Promise<PgModule> {
  const module = (await import("pg")) as PgModule & { default?: PgModule };
  // node-postgres is CommonJS: its exports arrive as the default export under ESM.
  return module.default ?? module;
}

/** What a pool or a pooled connection answers: a result, or one per statement of a multi-statement call. */
type PgAnswer = QueryResult<Record<string, unknown>> | QueryResult<Record<string, unknown>>[];

/**
 * A {@link SqlClient} on node-postgres: queries go to the pool (any idle
 * connection), a transaction takes one connection for its whole length and
 * gives it back after COMMIT or ROLLBACK (destroyed when the ROLLBACK itself
 * failed, so a broken connection is never reused).
 * @param poolOrConfig a `pg.Pool` you own (its `search_path` is yours to set),
 * or the settings of a pool the client creates and `close()` ends.
 */
export async function pgClient(poolOrConfig: Pool | PgClientConfig | string): Promise<SqlClient> {
  const pg = await loadPg();
  const int8AsNumber = (value: string) => {
    const big = BigInt(value);
    return big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(big)
      : big;
  };
  // Per query rather than on the global `pg.types`, so the application's other pools keep their parsers.
  const types = {
    getTypeParser: ((oid: number, format?: "text" | "binary") =>
      oid === pg.types.builtins.INT8 && format !== "binary"
        ? int8AsNumber
        : pg.types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser,
  };

  let pool: Pool;
  let owned: boolean;
  if (isPool(poolOrConfig)) {
    pool = poolOrConfig;
    owned = false;
  } else {
    const { schema, ...config } =
      typeof poolOrConfig === "string" ? { connectionString: poolOrConfig, schema: undefined } : poolOrConfig;
    const options =
      schema === undefined
        ? config.options
        : `${config.options ?? ""} -c search_path=${checkSchema(schema)}`.trim();
    pool = new pg.Pool({ ...config, ...(options === undefined ? {} : { options }) });
    // An idle connection that the server drops emits an error on the pool; without a listener it would crash the process.
    pool.on("error", () => {});
    owned = true;
  }

  // A statement with parameters is prepared once per connection, by a name derived from its text:
  // the server parses and plans the family's few dozen statements once, not on every call.
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined) {
      name = `orderflow_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
      names.set(text, name);
    }
    return name;
  };
  const run = async (
    on: Pick<Pool | PoolClient, "query">,
    text: string,
    params: readonly unknown[] | undefined,
  ) => {
    try {
      const answer = (await on.query({
        text,
        ...(params === undefined || params.length === 0 ? {} : { name: nameOf(text), values: [...params] }),
        types,
      })) as unknown as PgAnswer;
      const last = Array.isArray(answer) ? answer[answer.length - 1] : answer;
      return { rows: last?.rows ?? [], rowCount: last?.rowCount ?? 0 };
    } catch (err) {
      throw translatePostgresError(err, SERVICE);
    }
  };

  const onConnection = (connection: PoolClient): SqlClient => {
    const tx: SqlClient = {
      query: <R>(text: string, params?: readonly unknown[]) =>
        run(connection, text, params) as Promise<{ rows: R[]; rowCount: number }>,
      transaction: (work) => work(tx),
      close: async () => {},
    };
    return tx;
  };

  return {
    query: <R>(text: string, params?: readonly unknown[]) =>
      run(pool, text, params) as Promise<{ rows: R[]; rowCount: number }>,
    async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
      let connection: PoolClient;
      try {
        connection = await pool.connect();
      } catch (err) {
        throw translatePostgresError(err, SERVICE);
      }
      let broken: Error | undefined;
      try {
        await run(connection, "BEGIN", undefined);
        const result = await work(onConnection(connection));
        await run(connection, "COMMIT", undefined);
        return result;
      } catch (err) {
        try {
          await connection.query("ROLLBACK");
        } catch (rollbackError) {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        }
        throw err;
      } finally {
        connection.release(broken);
      }
    },
    async close() {
      if (owned) await pool.end();
    },
  };
}

// ─── PGlite ─────────────────────────────────────────────────────────────────

function yieldToEventLoop(): Promise<void> {
  return new Promise((resume) => setImmediate(resume));
}

/** Options of {@link pgliteClient}. */
export interface PgliteClientOptions {
  /**
   * The schema of orderflow's tables (set as the connection's `search_path`
   * when the client opens); `public` by default. Pass the same to `migrate`.
   */
  readonly schema?: string | undefined;
}

/**
 * A {@link SqlClient} on PGlite: one connection in process, so one statement
 * at a time. PGlite queues every call behind a running transaction (its
 * transaction lock), so two concurrent `transaction()` calls run one after the
 * other, never interleaved, and a query outside waits for the transaction to
 * end: the isolation a pool gives by separate connections, given by a queue.
 * @param dataDirOrInstance a folder to keep the database in (created when
 * missing: the first open takes seconds), `memory://` or nothing for a
 * database in memory, or an open PGlite you own.
 */
export async function pgliteClient(
  dataDirOrInstance?: string | PGlite,
  options: PgliteClientOptions = {},
): Promise<SqlClient> {
  let db: PGlite;
  let owned: boolean;
  if (typeof dataDirOrInstance === "object") {
    db = dataDirOrInstance;
    owned = false;
  } else {
    const { PGlite } = await import("@electric-sql/pglite");
    try {
      db = await PGlite.create(dataDirOrInstance ?? "memory://");
    } catch (err) {
      throw translatePostgresError(err, SERVICE);
    }
    owned = true;
  }

  const run = async (on: PGlite | Transaction, text: string, params: readonly unknown[] | undefined) => {
    try {
      let result: Results<Record<string, unknown>> | undefined;
      if (params === undefined || params.length === 0) {
        // The simple protocol: several statements in one call, as node-postgres sends a call without values.
        const results = (await on.exec(text)) as Results<Record<string, unknown>>[];
        result = results[results.length - 1];
      } else {
        result = await on.query<Record<string, unknown>>(text, [...params]);
      }
      return { rows: result?.rows ?? [], rowCount: result?.rowCount ?? result?.rows.length ?? 0 };
    } catch (err) {
      throw translatePostgresError(err, SERVICE);
    }
  };

  if (options.schema !== undefined)
    await run(db, `SET search_path TO ${checkSchema(options.schema)}`, undefined);

  // PGlite runs each statement in this thread, and one queued behind another starts as soon as
  // that one ends: callers queued on the database (workers, workflow executions) would run back to
  // back and keep I/O and timers waiting until all of them had run. So statements (a transaction
  // counts as one) take turns here, each in a turn of the event loop of its own.
  let last: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const result = last.then(yieldToEventLoop).then(work);
    last = result.catch(() => undefined);
    return result;
  };

  return {
    query: <R>(text: string, params?: readonly unknown[]) =>
      inTurn(() => run(db, text, params)) as Promise<{ rows: R[]; rowCount: number }>,
    async transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T> {
      try {
        return await inTurn(() =>
          db.transaction(async (transaction) => {
            const tx: SqlClient = {
              query: <R>(text: string, params?: readonly unknown[]) =>
                run(transaction, text, params) as Promise<{ rows: R[]; rowCount: number }>,
              transaction: (inner) => inner(tx),
              close: async () => {},
            };
            return work(tx);
          }),
        );
      } catch (err) {
        throw translatePostgresError(err, SERVICE);
      }
    },
    async close() {
      await last; // the statements already queued run first
      if (owned && !db.closed) await db.close();
    },
  };
}
