/**
 * What the client factories of the AWS adapters accept. Every field is optional:
 * without any, the SDK's default chain (environment, profile, instance role)
 * applies, which is what a Lambda wants. Set `endpoint` to point a client at an
 * emulator or LocalStack.
 */
export interface AwsClientOptions {
  /** e.g. `http://127.0.0.1:4566`; the SDK's regional endpoint when absent. */
  readonly endpoint?: string | undefined;
  readonly region?: string | undefined;
  readonly credentials?: AwsStaticCredentials | (() => Promise<AwsStaticCredentials>) | undefined;
  /** S3 only: address buckets as `endpoint/bucket/key` (emulators need it). */
  readonly forcePathStyle?: boolean | undefined;
  /** Calls per request including the SDK's own retries of throttling and 5xx (SDK default: 3). */
  readonly maxAttempts?: number | undefined;
}

/** Access keys, for emulators or explicit configuration. */
export interface AwsStaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** The subset of a client configuration the factories set; fields left out keep the SDK default. */
export function baseClientConfig(options: AwsClientOptions): {
  endpoint?: string;
  region?: string;
  credentials?: AwsStaticCredentials | (() => Promise<AwsStaticCredentials>);
  maxAttempts?: number;
} {
  return {
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  };
}
