import type { LogFields, Logger } from "../../ports/logger.js";

export type LogLevel = "debug" | "info" | "warn" | "error";

/** One line an {@link InMemoryLogger} recorded; `fields` include those of the child loggers. */
export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: LogFields;
}

/**
 * Records log lines so tests can check what was logged. Child loggers write to
 * the same list, with their fields merged under the line's own.
 */
export class InMemoryLogger implements Logger {
  private sink: LogEntry[] = [];
  private readonly bound: LogFields;

  /** A logger with an empty list of entries; `fields` are added to every line. */
  constructor(fields: LogFields = {}) {
    this.bound = { ...fields };
  }

  /** Every line logged by this logger and its children, oldest first. */
  get entries(): readonly LogEntry[] {
    return this.sink;
  }

  /** Lines at one level. */
  at(level: LogLevel): LogEntry[] {
    return this.sink.filter((entry) => entry.level === level);
  }

  /** Forgets every recorded line (of this logger and all its relatives). */
  clear(): void {
    this.sink.length = 0;
  }

  debug(message: string, fields?: LogFields): void {
    this.record("debug", message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.record("info", message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.record("warn", message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.record("error", message, fields);
  }

  child(fields: LogFields): InMemoryLogger {
    const child = new InMemoryLogger({ ...this.bound, ...fields });
    child.sink = this.sink;
    return child;
  }

  private record(level: LogLevel, message: string, fields: LogFields = {}): void {
    this.sink.push({ level, message, fields: { ...this.bound, ...fields } });
  }
}

/** Discards everything. */
export class NullLogger implements Logger {
  debug(_message: string, _fields?: LogFields): void {}
  info(_message: string, _fields?: LogFields): void {}
  warn(_message: string, _fields?: LogFields): void {}
  error(_message: string, _fields?: LogFields): void {}
  child(_fields: LogFields): Logger {
    return this;
  }
}
