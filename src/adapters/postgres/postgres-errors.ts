import { ServiceUnavailableError } from "../../ports/errors.js";

/**
 * Translation of PostgreSQL driver errors into port errors, shared by every
 * adapter of the family and by both connections (node-postgres and PGlite).
 * Both raise the server's error with its SQLSTATE in `code`
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html); node-postgres
 * adds Node's socket errors (`ECONNREFUSED`, …) and a few errors of its own
 * that carry only a message. Nothing here imports a driver.
 *
 * **What is transient.** A later identical call may succeed after: a lost or
 * refused connection (class 08, the socket errors, the server shutting down or
 * starting: 57P01–57P03), a transaction that lost a race the server resolved by
 * aborting it (serialization failure 40001, deadlock 40P01, `NOWAIT` lock
 * 55P03), a cancelled statement (57014: statement timeout), or a server short
 * of resources (class 53: too many connections, out of memory). Those become a
 * retryable {@link ServiceUnavailableError}. Anything else (a constraint, a
 * syntax error, a missing table) is a bug or a misconfiguration no retry fixes,
 * and is passed on unchanged; adapters turn the constraint errors their port
 * names (a unique violation into a duplicate, say) into its answers themselves.
 */

/** SQLSTATE classes (first two characters) whose errors are transient. */
const TRANSIENT_CLASSES = new Set(["08", "53"]);

/** Single SQLSTATEs that are transient. */
const TRANSIENT_STATES = new Set(["40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03"]);

/** Node's socket errors: the server is unreachable or the connection dropped. */
const SOCKET_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

/** node-postgres errors that carry a message but no code. */
const TRANSIENT_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection error|Query read timeout/i;

/** SQLSTATE of a unique violation: an INSERT met an existing key. */
export const UNIQUE_VIOLATION = "23505";
/** SQLSTATE of a serialization failure: retry the whole transaction. */
export const SERIALIZATION_FAILURE = "40001";

interface ErrorShape {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
}

function shape(err: unknown): ErrorShape | undefined {
  return typeof err === "object" && err !== null ? (err as ErrorShape) : undefined;
}

/**
 * The SQLSTATE of a server error (`23505`, …), looked up on the error and
 * on its `cause` (so it survives the translation below); undefined otherwise.
 */
export function sqlStateOf(err: unknown): string | undefined {
  const e = shape(err);
  if (!e) return undefined;
  if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  return e.cause !== undefined && e.cause !== err ? sqlStateOf(e.cause) : undefined;
}

/** True for a unique violation (an INSERT met an existing key), also behind a translation. */
export function isUniqueViolation(err: unknown): boolean {
  return sqlStateOf(err) === UNIQUE_VIOLATION;
}

/** True when a later identical call may succeed (see the module notes). */
export function isTransientPostgresError(err: unknown): boolean {
  const e = shape(err);
  if (!e) return false;
  const state = sqlStateOf(err);
  if (state !== undefined) return TRANSIENT_STATES.has(state) || TRANSIENT_CLASSES.has(state.slice(0, 2));
  if (typeof e.code === "string" && SOCKET_ERRORS.has(e.code)) return true;
  return typeof e.message === "string" && TRANSIENT_MESSAGES.test(e.message);
}

/**
 * Maps a driver error to the port error callers handle: transient failures
 * become {@link ServiceUnavailableError} (retryable, original as `cause`);
 * anything else is returned unchanged. A port error is returned as it is.
 * @param service what was called, for the message, e.g. `PostgreSQL`.
 */
export function translatePostgresError(err: unknown, service: string): unknown {
  if (err instanceof ServiceUnavailableError || !isTransientPostgresError(err)) return err;
  const what = sqlStateOf(err) ?? (shape(err)?.code as string | undefined) ?? "connection lost";
  return new ServiceUnavailableError(service, { cause: err, message: `${service} is unavailable (${what})` });
}
