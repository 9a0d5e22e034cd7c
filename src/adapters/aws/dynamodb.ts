import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type AwsClientOptions, baseClientConfig } from "./client-options.js";

/**
 * A DynamoDB client for the adapters above. Create one per process (at cold
 * start, in a composition root), never at import time, and share it.
 */
export function createDynamoDbClient(options: AwsClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient(baseClientConfig(options));
}
