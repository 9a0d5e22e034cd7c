import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { AwsClientOptions } from "../../../adapters/aws/client-options.js";

/**
 * The DynamoDB client of a container. Loaded on demand by the DynamoDB
 * bindings; a file of its own because a dynamic `import()` keeps every export
 * of what it loads, and the SDK package (or the adapters' barrel) would bring
 * every command into the bundle.
 */
export function createDynamoDbClient(client: AwsClientOptions): DynamoDBClient {
  return new DynamoDBClient({
    ...(client.region ? { region: client.region } : {}),
    ...(client.endpoint ? { endpoint: client.endpoint } : {}),
  });
}
