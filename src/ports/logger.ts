import { token } from "./token.js";

export type LogFields = Readonly<Record<string, unknown>>;

/** Structured logging: a message plus fields. Adapters decide the format (pino JSON on Lambda). */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export const LOGGER = token<Logger>("Logger");
