/**
 * Errors raised by the domain. Each carries a stable `code` because `instanceof`
 * does not survive a queue, a log line or a process boundary: consumers branch on
 * the code, humans read the message.
 */

/** One problem with one field of an input, addressed by a dotted path (`items.0.quantity`). */
export interface Issue {
  readonly path: string;
  readonly message: string;
  /** A stable machine-readable reason, e.g. `UNKNOWN_SKU`, when there is one. */
  readonly code?: string;
}

export interface ErrorJSON {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/** Base class of every error orderflow raises on purpose. */
export abstract class OrderflowError extends Error {
  abstract readonly code: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details;
  }

  toJSON(): ErrorJSON {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.details ? { details: this.details } : {}),
      ...(this.cause === undefined ? {} : { cause: serializeCause(this.cause) }),
    };
  }
}

function serializeCause(cause: unknown): unknown {
  if (cause instanceof OrderflowError) return cause.toJSON();
  if (cause instanceof Error) return { name: cause.name, message: cause.message };
  return cause;
}

/** Base class of errors that express a broken domain rule. */
export abstract class DomainError extends OrderflowError {}

/** Input that does not satisfy a schema or a business rule; `issues` lists every problem found. */
export class ValidationError extends DomainError {
  readonly code = "VALIDATION_FAILED";
  readonly issues: readonly Issue[];

  constructor(message: string, issues: readonly Issue[], options: { cause?: unknown } = {}) {
    super(message, { ...options, details: { issues } });
    this.issues = issues;
  }
}

/** A command that the order's current status does not allow (e.g. paying a rejected order). */
export class IllegalTransitionError extends DomainError {
  readonly code = "ILLEGAL_TRANSITION";

  constructor(
    readonly orderId: string,
    readonly from: string,
    readonly command: string,
  ) {
    super(`order ${orderId}: "${command}" is not allowed in status ${from}`, {
      details: { orderId, from, command },
    });
  }
}

/**
 * A refund that does not match the payment it gives back (more than was
 * charged, or another payment): a broken invariant, never recorded as issued.
 */
export class RefundExceedsPaymentError extends DomainError {
  readonly code = "REFUND_EXCEEDS_PAYMENT";

  constructor(
    readonly orderId: string,
    refund: { readonly amount: number; readonly paymentId: string },
    payment: { readonly amount: number; readonly paymentId: string } | undefined,
  ) {
    super(
      `order ${orderId}: a refund of ${refund.amount} under ${refund.paymentId} does not match the payment ${payment ? `${payment.paymentId} of ${payment.amount}` : "(none recorded)"}`,
      { details: { orderId, refund, payment } },
    );
  }
}

export class OrderNotFoundError extends DomainError {
  readonly code = "ORDER_NOT_FOUND";

  constructor(readonly orderId: string) {
    super(`order ${orderId} does not exist`, { details: { orderId } });
  }
}

export class NotificationNotFoundError extends DomainError {
  readonly code = "NOTIFICATION_NOT_FOUND";

  constructor(readonly notificationId: string) {
    super(`notification ${notificationId} does not exist`, { details: { notificationId } });
  }
}

/** An order id that is already taken by an order with a different content. */
export class OrderAlreadyExistsError extends DomainError {
  readonly code = "ORDER_ALREADY_EXISTS";

  constructor(readonly orderId: string) {
    super(`order ${orderId} already exists with a different content`, { details: { orderId } });
  }
}

/** Amounts that would leave the range orderflow guarantees to compute exactly. */
export class MoneyRangeError extends DomainError {
  readonly code = "MONEY_OUT_OF_RANGE";
}

/** What a log line needs of an error (its code, message and stack), never the input that caused it. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof OrderflowError) return { ...error.toJSON(), stack: error.stack };
  if (error instanceof Error) {
    const { code } = error as Error & { code?: unknown };
    return { name: error.name, message: error.message, ...(code ? { code } : {}), stack: error.stack };
  }
  return { value: String(error) };
}
