/**
 * The PostgreSQL adapter family, listed once: one query interface over two
 * connections (node-postgres for a server, PGlite in process), the schema's
 * migrations, and the adapters of the ports, each written once against
 * {@link SqlClient} and sending the same SQL to both.
 */
export {
  type MigrateOptions,
  type MigrateResult,
  type Migration,
  MigrationMismatchError,
  migrate,
  POSTGRES_MIGRATIONS,
} from "./migrations.js";
export {
  isTransientPostgresError,
  isUniqueViolation,
  SERIALIZATION_FAILURE,
  sqlStateOf,
  translatePostgresError,
  UNIQUE_VIOLATION,
} from "./postgres-errors.js";
export {
  type PgClientConfig,
  type PgliteClientOptions,
  pgClient,
  pgliteClient,
  type SqlClient,
} from "./sql-client.js";
