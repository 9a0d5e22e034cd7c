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
}

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

  constructor(
    options: ConsoleLoggerOptions = {},
    private readonly bound: LogFields = {},
  ) {
    this.stream = options.stream ?? process.stdout;
    this.format = options.format ?? (this.stream.isTTY ? "pretty" : "json");
    this.minimum = LEVELS[options.level ?? "info"];
    this.color = options.color ?? (this.format === "pretty" && this.stream.isTTY === true);
    this.now = options.now ?? (() => new Date());
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
        ? safeStringify({ time: time.toISOString(), level, msg: message, ...merged })
        : this.pretty(level, message, merged, time);
    this.stream.write(`${line}\n`);
  }

  private pretty(level: ConsoleLogLevel, message: string, fields: Record<string, unknown>, time: Date): string {
    const clock = time.toISOString().slice(11, 23);
    const tag = level.toUpperCase().padEnd(5);
    const pairs = Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${typeof value === "string" ? printable(value) : safeStringify(value)}`)
      .join(" ");
    const text = printable(message);
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

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Control characters escaped, so a hostile value cannot forge a log line or a terminal sequence. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping them is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
