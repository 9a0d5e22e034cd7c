import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type Migration,
  MigrationMismatchError,
  migrate,
  POSTGRES_MIGRATIONS,
} from "../../../src/adapters/postgres/migrations.js";
import { isUniqueViolation, sqlStateOf } from "../../../src/adapters/postgres/postgres-errors.js";
import { pgClient } from "../../../src/adapters/postgres/sql-client.js";
import { rejectionOf } from "../../../src/ports/contracts/helpers.js";
import { ServiceUnavailableError } from "../../../src/ports/errors.js";
import { usePostgresEngines } from "../../support/postgres-engines.js";

const engines = usePostgresEngines();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

for (const engine of engines) {
  engine.describe(
    "SqlClient",
    (db) => {
      it("answers rows with int8 as numbers, jsonb parsed, timestamptz as Date, and a text[] parameter", async () => {
        const { rows, rowCount } = await db
          .client()
          .query<{ n: number; big: number; j: unknown; t: Date; hit: boolean }>(
            `SELECT count(*) AS n, 9007199254740991::int8 AS big, $1::jsonb AS j,
                    '2030-01-15T10:00:00Z'::timestamptz AS t, 'b' = ANY($2::text[]) AS hit`,
            [JSON.stringify({ a: [1, "two"] }), ["a", "b"]],
          );

        expect(rowCount).toBe(1);
        expect(rows).toEqual([
          {
            n: 1,
            big: Number.MAX_SAFE_INTEGER,
            j: { a: [1, "two"] },
            t: new Date("2030-01-15T10:00:00Z"),
            hit: true,
          },
        ]);
      });

      it("counts the rows a statement changed, and runs several statements without parameters", async () => {
        const client = db.client();
        await client.query("CREATE TABLE counted (id int PRIMARY KEY, v int NOT NULL)");
        expect((await client.query("INSERT INTO counted VALUES (1, 0), (2, 0), (3, 0)")).rowCount).toBe(3);
        expect((await client.query("UPDATE counted SET v = v + 1 WHERE id >= $1", [2])).rowCount).toBe(2);

        const last = await client.query<{ total: number }>(
          "UPDATE counted SET v = v + 1; SELECT sum(v)::int AS total FROM counted",
        );

        expect(last.rows).toEqual([{ total: 5 }]);
      });

      it("commits a transaction's writes together, and rolls all back when the work throws", async () => {
        const client = db.client();
        await client.query("CREATE TABLE tx_rows (id text PRIMARY KEY)");
        const failure = new Error("work failed");

        const committed = await client.transaction(async (tx) => {
          await tx.query("INSERT INTO tx_rows VALUES ($1)", ["a"]);
          await tx.query("INSERT INTO tx_rows VALUES ($1)", ["b"]);
          return "done";
        });
        const error = await rejectionOf(
          client.transaction(async (tx) => {
            await tx.query("INSERT INTO tx_rows VALUES ($1)", ["c"]);
            throw failure;
          }),
        );

        expect(committed).toBe("done");
        expect(error).toBe(failure);
        const { rows } = await client.query<{ id: string }>("SELECT id FROM tx_rows ORDER BY id");
        expect(rows.map((r) => r.id)).toEqual(["a", "b"]);
      });

      it("joins a nested transaction to the outer one: the outer's failure undoes the inner's writes", async () => {
        const client = db.client();
        await client.query("CREATE TABLE nested_rows (id text PRIMARY KEY)");

        await rejectionOf(
          client.transaction(async (tx) => {
            await tx.transaction(async (inner) => {
              await inner.query("INSERT INTO nested_rows VALUES ('inner')");
            });
            throw new Error("outer fails after the inner returned");
          }),
        );

        expect((await client.query("SELECT * FROM nested_rows")).rows).toEqual([]);
      });

      it("keeps concurrent transactions apart: one that fails does not undo another, nor interleave with it", async () => {
        const client = db.client();
        await client.query("CREATE TABLE apart (id text PRIMARY KEY)");
        const events: string[] = [];

        const results = await Promise.allSettled([
          client.transaction(async (tx) => {
            events.push("1 begins");
            await tx.query("INSERT INTO apart VALUES ('kept')");
            await sleep(30);
            events.push("1 ends");
          }),
          client.transaction(async (tx) => {
            events.push("2 begins");
            await tx.query("INSERT INTO apart VALUES ('undone')");
            events.push("2 ends");
            throw new Error("fails");
          }),
        ]);

        expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected"]);
        expect((await client.query("SELECT id FROM apart")).rows).toEqual([{ id: "kept" }]);
        if (engine.name === "PGlite") {
          // One connection: the second transaction waits for the first.
          expect(events).toEqual(["1 begins", "1 ends", "2 begins", "2 ends"]);
        }
      });

      it("loses no update of a row that concurrent transactions change under FOR UPDATE", async () => {
        const client = db.client();
        await client.query(
          "CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL); INSERT INTO counter VALUES (1, 0)",
        );

        await Promise.all(
          Array.from({ length: 8 }, () =>
            client.transaction(async (tx) => {
              const { rows } = await tx.query<{ n: number }>("SELECT n FROM counter WHERE id = 1 FOR UPDATE");
              await sleep(2);
              await tx.query("UPDATE counter SET n = $1 WHERE id = 1", [rows[0]!.n + 1]);
            }),
          ),
        );

        expect((await client.query("SELECT n FROM counter")).rows).toEqual([{ n: 8 }]);
      });

      it("passes a unique violation on with its SQLSTATE, and turns a serialization failure into a retryable ServiceUnavailableError", async () => {
        const client = db.client();
        await client.query("CREATE TABLE unique_rows (id text PRIMARY KEY)");
        await client.query("INSERT INTO unique_rows VALUES ('x')");

        const duplicate = await rejectionOf(client.query("INSERT INTO unique_rows VALUES ($1)", ["x"]));
        const serialization = await rejectionOf(
          client.transaction((tx) =>
            tx.query("DO $$ BEGIN RAISE EXCEPTION 'lost a race' USING ERRCODE = '40001'; END $$"),
          ),
        );
        const syntax = await rejectionOf(client.query("SELEC 1"));

        expect(isUniqueViolation(duplicate)).toBe(true);
        expect(duplicate).not.toBeInstanceOf(ServiceUnavailableError);
        expect(serialization).toBeInstanceOf(ServiceUnavailableError);
        expect(serialization).toMatchObject({ code: "SERVICE_UNAVAILABLE", retryable: true });
        expect(sqlStateOf(serialization)).toBe("40001");
        expect(sqlStateOf(syntax)).toBe("42601");
        expect(syntax).not.toBeInstanceOf(ServiceUnavailableError);
      });
    },
    { migrations: [] },
  );

  engine.describe(
    "migrate",
    (db) => {
      const first: Migration = {
        version: 1,
        name: "first",
        sql: "CREATE TABLE m_one (id int); CREATE TABLE m_two (id int)",
      };
      const second: Migration = { version: 2, name: "second", sql: "ALTER TABLE m_one ADD COLUMN v text" };

      it("applies each migration once, in order, even when two processes start at once", async () => {
        const other = await db.connect();
        try {
          const results = await Promise.all([
            migrate(db.client(), { schema: db.schema(), migrations: [first] }),
            migrate(other, { schema: db.schema(), migrations: [first] }),
          ]);
          expect(results.map((r) => r.applied).sort()).toEqual([[], [1]]);
          expect(results.map((r) => r.version)).toEqual([1, 1]);

          const later = await migrate(other, { schema: db.schema(), migrations: [first, second] });
          const again = await migrate(db.client(), { schema: db.schema(), migrations: [first, second] });

          expect(later).toEqual({ applied: [2], version: 2 });
          expect(again).toEqual({ applied: [], version: 2 });
          await db.client().query("INSERT INTO m_one (id, v) VALUES (1, 'x')");
          const { rows } = await db
            .client()
            .query<{ version: number; name: string }>(
              "SELECT version, name FROM schema_migrations ORDER BY version",
            );
          expect(rows).toEqual([
            { version: 1, name: "first" },
            { version: 2, name: "second" },
          ]);
        } finally {
          await other.close();
        }
      });

      it("refuses a version recorded under another name, and changes nothing", async () => {
        const error = await rejectionOf(
          migrate(db.client(), {
            schema: db.schema(),
            migrations: [
              first,
              { ...second, name: "another branch's second" },
              { version: 3, name: "third", sql: "CREATE TABLE m_three (id int)" },
            ],
          }),
        );

        expect(error).toBeInstanceOf(MigrationMismatchError);
        expect((await db.client().query("SELECT to_regclass('m_three') AS t")).rows).toEqual([{ t: null }]);
      });

      it("rolls a failing migration back whole, so the next start tries it again", async () => {
        const broken: Migration = {
          version: 3,
          name: "third",
          sql: "CREATE TABLE m_three (id int); SELEC 1",
        };
        await rejectionOf(migrate(db.client(), { schema: db.schema(), migrations: [first, second, broken] }));

        expect((await db.client().query("SELECT to_regclass('m_three') AS t")).rows).toEqual([{ t: null }]);
        const fixed = await migrate(db.client(), {
          schema: db.schema(),
          migrations: [first, second, { ...broken, sql: "CREATE TABLE m_three (id int)" }],
        });
        expect(fixed).toEqual({ applied: [3], version: 3 });
      });
    },
    { migrations: [] },
  );

  engine.describe("the family's migrations", (db) => {
    it("create every table, and running them again does nothing", async () => {
      const again = await migrate(db.client(), { schema: db.schema() });

      expect(again).toEqual({ applied: [], version: POSTGRES_MIGRATIONS.at(-1)!.version });
      const { rows } = await db
        .client()
        .query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version");
      expect(rows.map((r) => r.version)).toEqual(POSTGRES_MIGRATIONS.map((m) => m.version));
    });
  });
}

describe("pgClient without a server", () => {
  it("turns a refused connection into a retryable ServiceUnavailableError", async () => {
    // Port 1 on loopback: nothing listens there.
    const client = await pgClient({
      host: "127.0.0.1",
      port: 1,
      user: "nobody",
      connectionTimeoutMillis: 2_000,
    });
    try {
      const error = await rejectionOf(client.query("SELECT 1"));
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect((error as ServiceUnavailableError).retryable).toBe(true);
      const inTransaction = await rejectionOf(client.transaction(async () => "never"));
      expect(inTransaction).toBeInstanceOf(ServiceUnavailableError);
    } finally {
      await client.close();
    }
  });
});

describe("the PostgreSQL family loads its drivers lazily", () => {
  it("imports pg and PGlite only as types or with import()", () => {
    const dir = join(import.meta.dirname, "../../../src/adapters/postgres");
    const eager = readdirSync(dir)
      .filter((file) => file.endsWith(".ts"))
      .flatMap((file) =>
        [
          ...readFileSync(join(dir, file), "utf8").matchAll(
            /^import (?!type )[^;]*from "(pg|@electric-sql\/pglite)"/gm,
          ),
        ].map((match) => `${file}: ${match[0]}`),
      );
    expect(eager).toEqual([]);
  });
});
