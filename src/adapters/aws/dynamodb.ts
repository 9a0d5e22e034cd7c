import type { DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";

export { DynamoDbFileHistory } from "./dynamodb-file-history.js";
export { DynamoDbIdempotencyStore } from "./dynamodb-idempotency-store.js";
export { compareEvents, DynamoDbOrderRepository } from "./dynamodb-order-repository.js";
export { DynamoDbProductCatalog } from "./dynamodb-product-catalog.js";
export type { DynamoDbAdapterOptions } from "./dynamodb-support.js";
export { DEFAULT_PAGE_SIZE, dynamoDbItemSize, MAX_PAGE_SIZE } from "./dynamodb-support.js";
export type {
  AttributeDefinition,
  GlobalSecondaryIndex,
  KeySchemaElement,
  TableDefinition,
  TableLogicalName,
} from "./dynamodb-tables.js";
export {
  createTableInput,
  createTables,
  FILE_HISTORY_TABLE,
  IDEMPOTENCY_TABLE,
  ORDER_ATTRIBUTES,
  ORDER_INDEXES,
  ORDERS_TABLE,
  PRODUCTS_TABLE,
  TABLE_DEFINITIONS,
} from "./dynamodb-tables.js";

export interface DynamoDbClientOptions {
  /** An emulator or LocalStack, e.g. `http://127.0.0.1:8000`; omit for AWS itself. */
  readonly endpoint?: string;
  /** Defaults to the SDK's resolution (`AWS_REGION`, profile, …). */
  readonly region?: string;
  /** Keys or a provider; defaults to the SDK's credential chain. Emulators accept any pair. */
  readonly credentials?: DynamoDBClientConfig["credentials"];
  /** Calls per request including the SDK's own retries of throttling and 5xx (SDK default: 3). */
  readonly maxAttempts?: number;
}

/**
 * A DynamoDB client for the adapters above. Create one per process (at cold
 * start, in a composition root), never at import time, and share it.
 */
export function createDynamoDbClient(options: DynamoDbClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient({
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  });
}
