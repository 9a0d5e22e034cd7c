import { Buffer } from "node:buffer";
import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe } from "vitest";
import { type Migration, migrate } from "../../src/adapters/postgres/migrations.js";
import { pgClient, pgliteClient, type SqlClient } from "../../src/adapters/postgres/sql-client.js";
import { type PostgresServer, postgresServerUnavailable, startPostgresServer } from "./postgres-server.js";

/**
 * The two engines every PostgreSQL adapter is tested on: PGlite (in memory, in
 * this process) and a real PostgreSQL server (started by `postgres-server.ts`).
 *
 * Call {@link usePostgresEngines} once at the top of a test file; each engine
 * starts on the first suite that needs it and stops after the file. Each
 * `engine.describe(…)` block gets its own schema, created and migrated before
 * its first test, so suites never see each other's rows.
 *
 * One PGlite per file, shared by the file's suites: opening a new one costs
 * ≈ 5 s (it runs initdb in WASM), so the first file keeps a copy of a fresh
 * one's data folder that later files load in ≈ 1.8 s; a schema ≈ 0.1 s. PGlite has one connection, so
 * the suite's client sets the connection's `search_path` when it opens: right
 * because vitest runs a file's suites one after the other.
 */
export type PostgresEngineName = "PGlite" | "PostgreSQL server";

/** What a block's tests reach of its schema (valid once the block's tests run). */
export interface PostgresTestDatabase {
  /** The block's client, on its own schema. */
  client(): SqlClient;
  /** The block's schema name (its client's `search_path`). */
  schema(): string;
  /** Opens another client on the same schema (a second process, say); the test closes it. */
  connect(): Promise<SqlClient>;
}

export interface PostgresEngine {
  readonly name: PostgresEngineName;
  /** Why this engine cannot run here (its suites are skipped with the reason in their title). */
  readonly unavailable: string | undefined;
  /**
   * Declares a `describe` block on this engine whose tests see a fresh schema,
   * migrated with `options.migrations` (the family's by default).
   */
  describe(
    title: string,
    body: (database: PostgresTestDatabase) => void,
    options?: { readonly migrations?: readonly Migration[] },
  ): void;
}

/**
 * A fresh PGlite's data folder, kept between test files and runs: opening one
 * costs ≈ 5 s (initdb in WASM), loading this ≈ 1.8 s. Keyed by PGlite's
 * version; written through a temporary file and a rename, so parallel files
 * never read half of one.
 */
function pgliteTemplatePath(): string {
  let version = "unknown";
  try {
    const manifest = join(process.cwd(), "node_modules", "@electric-sql", "pglite", "package.json");
    version = (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  } catch {
    // An unknown version still caches; a mismatched template fails to load and is replaced.
  }
  return join(tmpdir(), `orderflow-pglite-${version}.tar`);
}

function readPgliteTemplate(): Buffer | undefined {
  try {
    return readFileSync(pgliteTemplatePath());
  } catch {
    return undefined;
  }
}

function writePgliteTemplate(dump: Blob): void {
  void dump.arrayBuffer().then((bytes) => {
    const path = pgliteTemplatePath();
    const temp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}`;
    writeFileSync(temp, Buffer.from(bytes));
    renameSync(temp, path);
  });
}

/** A schema name no other suite of the run uses. */
export function uniqueSchema(): string {
  return `t_${randomBytes(6).toString("hex")}`;
}

/** Registers the engines' start and stop for the calling test file. */
export function usePostgresEngines(): readonly PostgresEngine[] {
  let pglite: Promise<PGlite> | undefined;
  let server: Promise<PostgresServer> | undefined;

  afterAll(async () => {
    const [db, pg] = await Promise.allSettled([pglite, server]);
    if (db.status === "fulfilled" && db.value) await db.value.close();
    if (pg.status === "fulfilled" && pg.value) await pg.value.stop();
  });

  const openPglite = async () => {
    const { PGlite } = await import("@electric-sql/pglite");
    const cached = readPgliteTemplate();
    if (cached) {
      try {
        return await PGlite.create({ loadDataDir: new Blob([cached]) });
      } catch {
        // A torn or foreign template: make a new one below.
      }
    }
    const db = await PGlite.create();
    writePgliteTemplate(await db.dumpDataDir("none"));
    return db;
  };

  const engines: {
    name: PostgresEngineName;
    unavailable: string | undefined;
    open: (schema: string) => Promise<SqlClient>;
  }[] = [
    {
      name: "PGlite",
      unavailable: undefined,
      async open(schema) {
        pglite ??= openPglite();
        return pgliteClient(await pglite, { schema });
      },
    },
    {
      name: "PostgreSQL server",
      unavailable: postgresServerUnavailable(),
      async open(schema) {
        server ??= startPostgresServer();
        const { host, port, user, database } = await server;
        return pgClient({ host, port, user, database, schema, max: 10 });
      },
    },
  ];

  return engines.map((engine) => ({
    name: engine.name,
    unavailable: engine.unavailable,
    describe(title, body, options = {}) {
      // In CI a missing server is a failure (`.ci/run` installs it), not a skip.
      if (engine.unavailable !== undefined && !process.env.CI) {
        const reason = engine.unavailable;
        const unreachable = () => {
          throw new Error(reason);
        };
        describe.skip(`${title} on ${engine.name} (skipped: ${reason})`, () =>
          body({ client: unreachable, schema: unreachable, connect: unreachable }));
        return;
      }
      describe(`${title} on ${engine.name}`, () => {
        const schema = uniqueSchema();
        let client: SqlClient | undefined;
        beforeAll(async () => {
          if (engine.unavailable !== undefined) throw new Error(engine.unavailable);
          client = await engine.open(schema);
          await migrate(client, { schema, migrations: options.migrations });
        });
        afterAll(async () => {
          await client?.close();
        });
        body({
          client: () => {
            if (!client) throw new Error("the database opens before the block's first test");
            return client;
          },
          schema: () => schema,
          connect: () => engine.open(schema),
        });
      });
    },
  }));
}
