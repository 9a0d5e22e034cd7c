/**
 * The loaders of `adapter-loaders.ts` over static imports, for the Lambda
 * bundles only (`tsup.lambda.config.ts` resolves `adapter-loaders.js` here):
 * the bundle then holds each SDK client tree-shaken to the commands its
 * adapters send, in one file, as a hand-written handler would. A handler
 * bundles only the services it names: unused loaders and their SDK drop out.
 */
import * as eventBridge from "../../../adapters/aws/eventbridge-event-bus.js";
import * as s3 from "../../../adapters/aws/s3-object-store.js";
import * as sns from "../../../adapters/aws/sns-alert-publisher.js";
import * as sqs from "../../../adapters/aws/sqs-command-queue.js";
import type * as lazy from "./adapter-loaders.js";
import * as dynamoDb from "./dynamodb-adapters.js";

export const loadDynamoDbAdapters: typeof lazy.loadDynamoDbAdapters = async () => dynamoDb;
export const loadEventBridgeAdapters: typeof lazy.loadEventBridgeAdapters = async () => eventBridge;
export const loadSnsAdapters: typeof lazy.loadSnsAdapters = async () => sns;
export const loadSqsAdapters: typeof lazy.loadSqsAdapters = async () => sqs;
export const loadS3Adapters: typeof lazy.loadS3Adapters = async () => s3;
