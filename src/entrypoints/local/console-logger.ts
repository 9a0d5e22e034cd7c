import type { LogFields, Logger } from "../../ports/logger.js";

export type ConsoleLogLevel = "debug" | "info" | "warn" | "error";

const LEVELS: Readonly<Record<ConsoleLogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };
const COLORS: Readonly<Record<ConsoleLogLevel, string>> = {
  debug: "\u001b[90m",
  info: "\u001b[36m",
  warn: "\u001b[33m",
  error: "\u001b[31m",
};
const RESET = "\u001b[0m";
const DIM = "\u001b[2m";

/** Field names whose values never reach a log line: addresses and their parts. */
export const REDACTED_FIELD = /address|^line\d*$|postal|zip/i;
export const REDACTED = "[redacted]";

/** Where lines go: `process.stdout` or anything with `write`. */
export interface LogStream {
  write(text: string): unknown;
  readonly isTTY?: boolean | undefined;
}

export interface ConsoleLoggerOptions {
  /** Default `process.stdout`. */
  readonly stream?: LogStream;
  /** `pretty` for people, `json` (one object a line) for tools; default: pretty on a terminal, JSON when piped. */
  readonly format?: "pretty" | "json";
  /** Lines below this level are dropped (default `info`). */
  readonly level?: ConsoleLogLevel;
  /** ANSI colours in pretty lines (default: when the stream is a terminal). */
  readonly color?: boolean;
  readonly now?: () => Date;
  /**
   * Fields pretty lines leave out because the message already says them or they
   * are noise to a person (default: `messageId`, `method`, `path`, `statusCode`, `_aws`).
   * JSON lines keep every field.
   */
  readonly quietFields?: readonly string[];
}

// `_aws`: the EMF directive of business-metric lines; a person reads the metrics beside it.
const DEFAULT_QUIET_FIELDS = ["messageId", "method", "path", "statusCode", "_aws"];

/**
 * The local runner's logger: readable lines on a terminal, JSON lines when
 * piped, and customer addresses (any field named like `shippingAddress`,
 * `line1`, `postalCode`) redacted in both.
 */
export class ConsoleLogger implements Logger {
  private readonly stream: LogStream;
  private readonly format: "pretty" | "json";
  private readonly minimum: number;
  private readonly color: boolean;
  private readonly now: () => Date;
  private readonly quiet: ReadonlySet<string>;

  constructor(
    options: ConsoleLoggerOptions = {},
    private readonly bound: LogFields = {},
  ) {
    this.stream = options.stream ?? process.stdout;
    this.format = options.format ?? (this.stream.isTTY ? "pretty" : "json");
    this.minimum = LEVELS[options.level ?? "info"];
    this.color = options.color ?? (this.format === "pretty" && this.stream.isTTY === true);
    this.now = options.now ?? (() => new Date());
    this.quiet = new Set(options.quietFields ?? DEFAULT_QUIET_FIELDS);
  }

  debug(message: string, fields?: LogFields): void {
    this.write("debug", message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write("info", message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write("warn", message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write("error", message, fields);
  }

  child(fields: LogFields): ConsoleLogger {
    return new ConsoleLogger(
      {
        stream: this.stream,
        format: this.format,
        level: levelName(this.minimum),
        color: this.color,
        now: this.now,
        quietFields: [...this.quiet],
      },
      { ...this.bound, ...fields },
    );
  }

  private write(level: ConsoleLogLevel, message: string, fields: LogFields = {}): void {
    if (LEVELS[level] < this.minimum) return;
    const merged = redact({ ...this.bound, ...fields }) as Record<string, unknown>;
    const time = this.now();
    const line =
      this.format === "json"
        ? safeStringify({ ...merged, time: time.toISOString(), level, msg: message }, [
            "time",
            "level",
            "msg",
          ])
        : this.pretty(level, message, merged, time);
    this.stream.write(`${line}\n`);
  }

  private pretty(
    level: ConsoleLogLevel,
    message: string,
    fields: Record<string, unknown>,
    time: Date,
  ): string {
    const clock = time.toISOString().slice(11, 23);
    const tag = level.toUpperCase().padEnd(5);
    const { component, ...rest } = fields;
    const prefix = typeof component === "string" ? `[${printable(component)}] ` : "";
    const pairs = Object.entries(rest)
      .filter(([key, value]) => value !== undefined && !this.quiet.has(key))
      .map(([key, value]) => `${key}=${typeof value === "string" ? printable(value) : safeStringify(value)}`)
      .join(" ");
    const text = prefix + printable(message);
    if (!this.color) return `${clock} ${tag} ${text}${pairs ? `  ${pairs}` : ""}`;
    return `${DIM}${clock}${RESET} ${COLORS[level]}${tag}${RESET} ${text}${pairs ? `  ${DIM}${pairs}${RESET}` : ""}`;
  }
}

function levelName(value: number): ConsoleLogLevel {
  return (Object.keys(LEVELS) as ConsoleLogLevel[]).find((name) => LEVELS[name] === value) ?? "info";
}

/** A copy of `value` with address fields replaced, errors made plain, cycles and depth bounded. */
export function redact(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: value.message, ...(typeof code === "string" ? { code } : {}) };
  }
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object" || value === null) return value;
  if (value instanceof Date) return value.toISOString();
  if (seen.has(value)) return "[circular]";
  if (depth >= 8) return "[nested too deep]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1, seen));
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[key] = REDACTED_FIELD.test(key) ? REDACTED : redact(field, depth + 1, seen);
  }
  return copy;
}

/** JSON text; `first` keys lead, so lines start alike whatever fields follow. */
function safeStringify(value: unknown, first: readonly string[] = []): string {
  try {
    if (first.length > 0 && typeof value === "object" && value !== null) {
      const record = value as Record<string, unknown>;
      const ordered: Record<string, unknown> = {};
      for (const key of first) ordered[key] = record[key];
      for (const [key, field] of Object.entries(record)) if (!first.includes(key)) ordered[key] = field;
      return JSON.stringify(ordered);
    }
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Control characters escaped, so a hostile value cannot forge a log line or a terminal sequence. */
function printable(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;
