import { OrderflowError } from "../domain/errors.js";

/**
 * Errors that adapters raise through a port, whatever technology sits behind it.
 * Adapters translate their SDK's exceptions into these (e.g. DynamoDB's
 * `ConditionalCheckFailedException` into {@link ConcurrencyError}) and keep the
 * original as `cause`.
 */
export abstract class PortError extends OrderflowError {
  /** True when trying the same call again later may succeed (throttling, timeouts). */
  readonly retryable: boolean = false;
}

/** A versioned write lost against another writer: reload, re-apply, try again. */
export class ConcurrencyError extends PortError {
  readonly code = "CONCURRENCY_CONFLICT";
  override readonly retryable = true;

  constructor(
    readonly entity: string,
    readonly id: string,
    readonly expectedVersion: number,
    options: { cause?: unknown } = {},
  ) {
    super(`${entity} ${id} is no longer at version ${expectedVersion}`, {
      ...options,
      details: { entity, id, expectedVersion },
    });
  }
}

/** An entry of a batch that was not delivered, and why. */
export interface DeliveryFailure {
  readonly id: string;
  /** The last error reported for the entry. */
  readonly reason: string;
  /**
   * False when the service refused the entry itself (too large, characters it
   * does not carry): sending it again cannot succeed. Default true.
   */
  readonly retryable?: boolean;
}

/**
 * Some entries of a batch (messages, events, alerts) could not be delivered even
 * after retries. Retryable only when every failed entry is: an entry refused for
 * what it holds is a permanent error (a 500, never a 503 that a client retries).
 */
export class DeliveryError extends PortError {
  readonly code = "DELIVERY_FAILED";
  override readonly retryable: boolean;

  constructor(
    readonly destination: string,
    /** The entries that were not delivered. */
    readonly failures: readonly DeliveryFailure[],
    options: { cause?: unknown } = {},
  ) {
    super(
      `${failures.length} entr${failures.length === 1 ? "y" : "ies"} could not be delivered to ${destination}: ` +
        failures
          .slice(0, 5)
          .map((f) => `${f.id} (${f.reason})`)
          .join(", ") +
        (failures.length > 5 ? ", …" : ""),
      { ...options, details: { destination, failures } },
    );
    this.retryable = failures.every((f) => f.retryable !== false);
  }
}

/** An idempotency key used again with a different request body. */
export class IdempotencyConflictError extends PortError {
  readonly code = "IDEMPOTENCY_KEY_CONFLICT";

  constructor(readonly key: string) {
    super(`idempotency key ${key} was already used with a different request`, { details: { key } });
  }
}

/** The same idempotency key is being processed right now by another request. */
export class IdempotencyInProgressError extends PortError {
  readonly code = "IDEMPOTENCY_IN_PROGRESS";
  override readonly retryable = true;

  constructor(readonly key: string) {
    super(`a request with idempotency key ${key} is still in progress`, { details: { key } });
  }
}

/** A service behind a port is unavailable or throttling; the call may succeed later. */
export class ServiceUnavailableError extends PortError {
  readonly code = "SERVICE_UNAVAILABLE";
  override readonly retryable = true;

  constructor(service: string, options: { cause?: unknown; message?: string } = {}) {
    super(options.message ?? `${service} is unavailable`, { cause: options.cause, details: { service } });
  }
}

/**
 * The payment provider refused a refund for good (the payment is disputed, the
 * card's account is closed…): asking again with the same request will not
 * help until someone acts. A transient failure is a {@link ServiceUnavailableError}.
 */
export class RefundRefusedError extends PortError {
  readonly code = "REFUND_REFUSED";

  constructor(
    readonly orderId: string,
    readonly reason: string,
    options: { cause?: unknown } = {},
  ) {
    super(`the refund of order ${orderId} was refused: ${reason}`, {
      ...options,
      details: { orderId, reason },
    });
  }
}

/** An object (file) that does not exist in the store. */
export class ObjectNotFoundError extends PortError {
  readonly code = "OBJECT_NOT_FOUND";

  constructor(readonly key: string) {
    super(`object ${key} does not exist`, { details: { key } });
  }
}

/** A listing's page token that this listing did not issue (malformed, or another listing's): a caller's 400. */
export class InvalidCursorError extends PortError {
  readonly code = "INVALID_CURSOR";
  /** The field at fault, as a 400 names it. */
  readonly issues = [{ path: "cursor", message: "must be a nextCursor this listing answered" }] as const;

  constructor(
    readonly cursor: string,
    options: { cause?: unknown } = {},
  ) {
    super("the cursor is not one this listing issued", { ...options, details: { cursor } });
  }
}
