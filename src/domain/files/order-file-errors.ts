import { OrderflowError } from "../errors.js";

/** Why a whole order file is refused (stable codes: alerts and the file history carry them). */
export type OrderFileErrorCode =
  /** Not UTF-8: a UTF-16/UTF-32 byte-order mark, a NUL byte among the first four, or an invalid UTF-8 sequence. */
  | "FILE_ENCODING"
  /** A JSON document that is not valid JSON, or not `{ "orders": [...] }` / `[...]`. */
  | "FILE_NOT_PARSEABLE"
  | "FILE_TOO_LARGE"
  | "FILE_TOO_MANY_ORDERS";

/**
 * A problem with a file as a whole: it is rejected and none of its orders are
 * sent on. `byteOffset` points at the byte where the problem was found.
 */
export class OrderFileError extends OrderflowError {
  constructor(
    readonly code: OrderFileErrorCode,
    message: string,
    readonly byteOffset: number,
    options: { cause?: unknown } = {},
  ) {
    super(message, { ...options, details: { byteOffset } });
  }
}
