import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type DestinationStream, type Logger as Pino } from "pino";
import type { LogFields, Logger } from "../ports/logger.js";

/** Levels a {@link PinoLogger} accepts (`LOG_LEVEL`). */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** What replaces a redacted value. */
export const REDACTED = "[REDACTED]";

/**
 * Keys whose values never reach a log line, at any depth of a logged object
 * (compared case-insensitively): customer addresses and contact details, and
 * credentials of HTTP requests. Key-based so that an address nested anywhere
 * (an order, a modification request, a raw event) is caught, which pino's
 * path-based `redact` option cannot do for arbitrary depths.
 */
export const REDACTED_KEYS: readonly string[] = [
  "shippingAddress",
  "billingAddress",
  "address",
  "addresses",
  "line1",
  "line2",
  "postalCode",
  "email",
  "phone",
  "phoneNumber",
  "authorization",
  "proxy-authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
];

const MAX_DEPTH = 12;

/** A copy of `value` with the values of {@link REDACTED_KEYS} replaced, at any depth. */
export function redact(value: unknown, keys: ReadonlySet<string> = DEFAULT_KEYS): unknown {
  return redactValue(value, keys, 0, new WeakSet());
}

const DEFAULT_KEYS: ReadonlySet<string> = new Set(REDACTED_KEYS.map((key) => key.toLowerCase()));

function redactValue(
  value: unknown,
  keys: ReadonlySet<string>,
  depth: number,
  seen: WeakSet<object>,
): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Date) return value;
  if (seen.has(value)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Truncated]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redactValue(item, keys, depth + 1, seen));
    if (value instanceof Error) {
      const { name, message } = value;
      const code = (value as { code?: unknown }).code;
      return { name, message, ...(code === undefined ? {} : { code }) };
    }
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      out[key] = keys.has(key.toLowerCase()) ? REDACTED : redactValue(field, keys, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

export interface PinoLoggerOptions {
  /** Default `info`. */
  readonly level?: LogLevelName | undefined;
  /** Fields on every line (e.g. the handler's name). */
  readonly base?: LogFields | undefined;
  /** Where lines go; default standard output, written synchronously so nothing is lost when Lambda freezes the process. */
  readonly destination?: DestinationStream | undefined;
  /**
   * Whether calls of {@link PinoLogger.runInContext} overlap in time (default
   * false). A Lambda execution environment runs one invocation at a time, so by
   * default the fields of the call under way are simply held until it ends.
   * Overlapping calls need an `AsyncLocalStorage`, which on Node 20 makes every
   * promise created afterwards slower (it runs on promise hooks): about 20 ms of
   * CPU over a validate-order cold start (bench/cold-start-vs-powertools.ts).
   */
  readonly concurrentContexts?: boolean | undefined;
}

/** The fields {@link PinoLogger.runInContext} adds to the lines written during a call. */
interface LogScope {
  getStore(): LogFields | undefined;
  run<T>(fields: LogFields, fn: () => T): T;
}

/** The fields of the one call under way, restored when it ends (when its promise settles). */
class SequentialLogScope implements LogScope {
  private current: LogFields | undefined;

  getStore(): LogFields | undefined {
    return this.current;
  }

  run<T>(fields: LogFields, fn: () => T): T {
    const previous = this.current;
    this.current = fields;
    const restore = () => {
      this.current = previous;
    };
    let result: T;
    try {
      result = fn();
    } catch (error) {
      restore();
      throw error;
    }
    if (result instanceof Promise) return result.finally(restore) as T;
    restore();
    return result;
  }
}

/** What a Lambda invocation tells its logs: the request id and the function. */
export interface LambdaLogContext {
  readonly awsRequestId?: string | undefined;
  readonly functionName?: string | undefined;
}

/**
 * The {@link Logger} port on pino: one JSON object a line, ISO timestamps, the
 * level by name, PII redacted ({@link REDACTED_KEYS}) from fields and child
 * bindings alike. Fields given to {@link PinoLogger.runInContext} are added to
 * every line logged inside that call, by this logger and all its children, so
 * consumers built once per cold start still log each invocation's request id.
 */
export class PinoLogger implements Logger {
  private constructor(
    private readonly pino: Pino,
    private readonly scope: LogScope,
  ) {}

  /** A root logger. */
  static create(options: PinoLoggerOptions = {}): PinoLogger {
    const scope: LogScope = options.concurrentContexts
      ? new AsyncLocalStorage<LogFields>()
      : new SequentialLogScope();
    const instance = pino(
      {
        level: options.level ?? "info",
        base: options.base ? (redact(options.base) as Record<string, unknown>) : null,
        timestamp: pino.stdTimeFunctions.isoTime,
        messageKey: "message",
        // A fresh object each line: pino merges the line's fields into what mixin returns.
        mixin: () => ({ ...scope.getStore() }),
        formatters: {
          level: (label) => ({ level: label }),
          log: (object) => redact(object) as Record<string, unknown>,
        },
      },
      options.destination ?? pino.destination({ dest: 1, sync: true }),
    );
    return new PinoLogger(instance, scope);
  }

  /** The level lines must reach to be written. */
  get level(): string {
    return this.pino.level;
  }

  debug(message: string, fields?: LogFields): void {
    this.pino.debug(fields ?? {}, message);
  }
  info(message: string, fields?: LogFields): void {
    this.pino.info(fields ?? {}, message);
  }
  warn(message: string, fields?: LogFields): void {
    this.pino.warn(fields ?? {}, message);
  }
  error(message: string, fields?: LogFields): void {
    this.pino.error(fields ?? {}, message);
  }

  child(fields: LogFields): PinoLogger {
    // pino's bindings formatter does not see child bindings: redact them here.
    return new PinoLogger(this.pino.child(redact(fields) as Record<string, unknown>), this.scope);
  }

  /**
   * Runs `fn` with `fields` added to every line this logger family writes
   * meanwhile (nested calls merge), until its promise settles. Calls that
   * overlap in time need `concurrentContexts`.
   */
  runInContext<T>(fields: LogFields, fn: () => T): T {
    return this.scope.run({ ...this.scope.getStore(), ...fields }, fn);
  }
}

/** The fields of a Lambda invocation's log lines. */
export function lambdaLogFields(context: LambdaLogContext | undefined): LogFields {
  return {
    ...(context?.awsRequestId ? { requestId: context.awsRequestId } : {}),
    ...(context?.functionName ? { functionName: context.functionName } : {}),
  };
}

/** A logger whose every line carries the invocation's `requestId` (awsRequestId) and `functionName`. */
export function withLambdaContext(logger: Logger, context: LambdaLogContext | undefined): Logger {
  return logger.child(lambdaLogFields(context));
}

/**
 * Runs `fn` so that every line `logger` (and its children) writes meanwhile
 * carries `fields`, for loggers that support it ({@link PinoLogger}); other
 * loggers simply run `fn`.
 */
export function runInLogContext<T>(logger: Logger, fields: LogFields, fn: () => T): T {
  const contextual = logger as Logger & { runInContext?: (fields: LogFields, fn: () => T) => T };
  return typeof contextual.runInContext === "function" ? contextual.runInContext(fields, fn) : fn();
}
