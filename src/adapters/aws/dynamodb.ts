import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { type AwsClientOptions, baseClientConfig } from "./client-options.js";

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

/**
 * A DynamoDB client for the adapters above. Create one per process (at cold
 * start, in a composition root), never at import time, and share it.
 */
export function createDynamoDbClient(options: AwsClientOptions = {}): DynamoDBClient {
  return new DynamoDBClient(baseClientConfig(options));
}
