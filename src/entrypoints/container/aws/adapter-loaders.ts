/**
 * How each AWS service's bindings reach their adapters and SDK client: a
 * dynamic `import()`, so that importing the container (or `orderflow/lambda`)
 * loads no AWS SDK and a container loads only the services it resolves.
 *
 * The Lambda bundles resolve this module to `eager-adapter-loaders.ts` instead
 * (see `tsup.lambda.config.ts`): a handler needs its services on its first
 * invocation anyway, and a dynamic import in a bundle either splits it into
 * many files or keeps the SDK from being tree-shaken; both cost cold start.
 * Both modules export the same loaders.
 */

export type DynamoDbAdapters = typeof import("./dynamodb-adapters.js");
export type EventBridgeAdapters = typeof import("../../../adapters/aws/eventbridge-event-bus.js");
export type SnsAdapters = typeof import("../../../adapters/aws/sns-alert-publisher.js");
export type SqsAdapters = typeof import("../../../adapters/aws/sqs-command-queue.js");
export type S3Adapters = typeof import("../../../adapters/aws/s3-object-store.js");

export const loadDynamoDbAdapters = (): Promise<DynamoDbAdapters> => import("./dynamodb-adapters.js");
export const loadEventBridgeAdapters = (): Promise<EventBridgeAdapters> =>
  import("../../../adapters/aws/eventbridge-event-bus.js");
export const loadSnsAdapters = (): Promise<SnsAdapters> =>
  import("../../../adapters/aws/sns-alert-publisher.js");
export const loadSqsAdapters = (): Promise<SqsAdapters> =>
  import("../../../adapters/aws/sqs-command-queue.js");
export const loadS3Adapters = (): Promise<S3Adapters> => import("../../../adapters/aws/s3-object-store.js");
