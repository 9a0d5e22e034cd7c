import { ServiceUnavailableError } from "../../ports/errors.js";

/**
 * Translation of AWS SDK v3 exceptions into port errors, shared by every AWS
 * adapter (DynamoDB, SQS, SNS, S3, EventBridge). It reads only the fields every
 * SDK exception carries (`name`, `$fault`, `$metadata.httpStatusCode`,
 * `$retryable`), so it needs no service package.
 */

/** Error names that mean "slow down / try later" across AWS services. */
const THROTTLING_NAMES = new Set([
  "ProvisionedThroughputExceededException",
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "TransactionInProgressException",
  "KMSThrottlingException",
  "BandwidthLimitExceeded",
  "EC2ThrottledException",
  "PriorRequestNotComplete",
]);

/** Error names of server-side or transient failures. */
const TRANSIENT_NAMES = new Set([
  "InternalServerError",
  "InternalServerErrorException",
  "InternalFailure",
  "InternalError",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
]);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly $fault?: unknown;
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
}

function shape(err: unknown): SdkErrorShape | undefined {
  return typeof err === "object" && err !== null ? (err as SdkErrorShape) : undefined;
}

/** The exception's name (`ConditionalCheckFailedException`, …), or undefined for non-errors. */
export function awsErrorName(err: unknown): string | undefined {
  const e = shape(err);
  if (!e) return undefined;
  if (typeof e.name === "string" && e.name !== "Error") return e.name;
  if (typeof e.code === "string") return e.code;
  return typeof e.name === "string" ? e.name : undefined;
}

/** True when the service asked the caller to slow down (throttling, exceeded throughput). */
export function isThrottlingError(err: unknown): boolean {
  const e = shape(err);
  if (!e) return false;
  const name = awsErrorName(err);
  if (name !== undefined && THROTTLING_NAMES.has(name)) return true;
  if (typeof e.$retryable === "object" && e.$retryable !== null) {
    return (e.$retryable as { throttling?: unknown }).throttling === true;
  }
  return e.$metadata?.httpStatusCode === 429;
}

/**
 * True when a later identical call may succeed: throttling, a server-side fault
 * (5xx), a timeout or a dropped connection. Client faults (validation, missing
 * table, failed condition) are never transient.
 */
export function isTransientAwsError(err: unknown): boolean {
  if (isThrottlingError(err)) return true;
  const e = shape(err);
  if (!e) return false;
  const name = awsErrorName(err);
  if (name !== undefined && TRANSIENT_NAMES.has(name)) return true;
  if (e.$retryable !== undefined && e.$retryable !== null && e.$retryable !== false) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === "number" && status >= 500) return true;
  return e.$fault === "server";
}

/**
 * Maps an SDK exception to the port error callers handle: transient failures
 * become {@link ServiceUnavailableError} (retryable, original as `cause`);
 * anything else is returned unchanged, since it signals a bug or a
 * misconfiguration that no retry fixes. Callers translate service-specific
 * cases (a failed condition → ConcurrencyError) before calling this.
 * @param service a human-readable name of what was called, e.g. `DynamoDB table orders`.
 */
export function translateAwsError(err: unknown, service: string): unknown {
  if (isTransientAwsError(err)) {
    const name = awsErrorName(err) ?? "error";
    return new ServiceUnavailableError(service, {
      cause: err,
      message: `${service} is unavailable (${name})`,
    });
  }
  return err;
}

/** True for DynamoDB's failed-condition exception (also raised inside batch or transaction cancellations). */
export function isConditionalCheckFailed(err: unknown): boolean {
  return awsErrorName(err) === "ConditionalCheckFailedException";
}
