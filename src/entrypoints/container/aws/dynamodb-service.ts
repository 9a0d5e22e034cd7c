import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { createDynamoDbClient } from "../../../adapters/aws/dynamodb.js";
import { DynamoDbFileHistory } from "../../../adapters/aws/dynamodb-file-history.js";
import { DynamoDbIdempotencyStore } from "../../../adapters/aws/dynamodb-idempotency-store.js";
import { DynamoDbMetricsStore } from "../../../adapters/aws/dynamodb-metrics-store.js";
import { DynamoDbNotificationStore } from "../../../adapters/aws/dynamodb-notification-store.js";
import { DynamoDbOrderRepository } from "../../../adapters/aws/dynamodb-order-repository.js";
import { DynamoDbProductCatalog } from "../../../adapters/aws/dynamodb-product-catalog.js";
import { DynamoDbStoreSettings } from "../../../adapters/aws/dynamodb-store-settings.js";
import { DynamoDbTaskTokenStore } from "../../../adapters/aws/dynamodb-task-token-store.js";
import { CLOCK, type Clock } from "../../../ports/clock.js";
import { FILE_HISTORY } from "../../../ports/file-history.js";
import { IDEMPOTENCY_STORE } from "../../../ports/idempotency-store.js";
import { METRICS_STORE } from "../../../ports/metrics-store.js";
import { NOTIFICATION_STORE } from "../../../ports/notification-store.js";
import { ORDER_REPOSITORY } from "../../../ports/order-repository.js";
import { PRODUCT_CATALOG } from "../../../ports/product-catalog.js";
import { STORE_SETTINGS } from "../../../ports/store-settings-repository.js";
import { TASK_TOKEN_STORE } from "../../../ports/task-token-store.js";
import { requireVariable } from "../../config.js";
import { type AwsAdapterBinding, type AwsService, awsAdapter, awsService } from "./aws-service.js";

/** The orders, with their outbox. */
export const dynamoDbOrders = awsAdapter(
  ORDER_REPOSITORY,
  "ORDERS_TABLE",
  (client: DynamoDBClient, tableName) => new DynamoDbOrderRepository({ client, tableName }),
);
/** The idempotency keys of the API. */
export const dynamoDbIdempotency = awsAdapter(
  IDEMPOTENCY_STORE,
  "IDEMPOTENCY_TABLE",
  (client: DynamoDBClient, tableName) => new DynamoDbIdempotencyStore({ client, tableName }),
);
/** The product catalog. */
export const dynamoDbCatalog = awsAdapter(
  PRODUCT_CATALOG,
  "PRODUCTS_TABLE",
  (client: DynamoDBClient, tableName) => new DynamoDbProductCatalog({ client, tableName }),
);
/** The history of the batch files. */
export const dynamoDbFileHistory = awsAdapter(
  FILE_HISTORY,
  "FILE_HISTORY_TABLE",
  (client: DynamoDBClient, tableName) => new DynamoDbFileHistory({ client, tableName }),
);
/** The store's settings. */
export const dynamoDbStoreSettings = awsAdapter(
  STORE_SETTINGS,
  "SETTINGS_TABLE",
  (client: DynamoDBClient, tableName) => new DynamoDbStoreSettings({ client, tableName }),
);
/** The notifications. */
export const dynamoDbNotifications = awsAdapter(
  NOTIFICATION_STORE,
  "NOTIFICATIONS_TABLE",
  (client: DynamoDBClient, tableName) => new DynamoDbNotificationStore({ client, tableName }),
);
/** The business metrics. */
export const dynamoDbMetrics = awsAdapter(
  METRICS_STORE,
  "METRICS_TABLE",
  (client: DynamoDBClient, tableName) => new DynamoDbMetricsStore({ client, tableName }),
);
/** The task tokens, on their TTL'd table: the store reads the clock to see a token expired before TTL removed it. */
export const dynamoDbTaskTokens: AwsAdapterBinding<DynamoDBClient> = {
  bind(bind, config, clientToken) {
    bind(TASK_TOKEN_STORE).toResolvedValue(
      (client: DynamoDBClient, clock: Clock) =>
        new DynamoDbTaskTokenStore(
          { client, tableName: requireVariable(config, "TASK_TOKENS_TABLE", "TaskTokenStore") },
          clock,
        ),
      [clientToken, CLOCK],
    );
  },
};

/**
 * DynamoDB with the given adapters, on one client. A handler names the
 * adapters of its ports only, so that its bundle holds no other (the
 * composition-root tests check that they are enough to wire it).
 */
/* @__NO_SIDE_EFFECTS__ */
export function dynamoDb(...adapters: readonly AwsAdapterBinding<DynamoDBClient>[]): AwsService {
  return awsService("DynamoDB", createDynamoDbClient, adapters);
}

/** DynamoDB: orders, idempotency keys, the product catalog, the file history, notifications, metrics and task tokens, on one client. */
export const dynamoDbService = dynamoDb(
  dynamoDbOrders,
  dynamoDbIdempotency,
  dynamoDbCatalog,
  dynamoDbFileHistory,
  dynamoDbStoreSettings,
  dynamoDbNotifications,
  dynamoDbMetrics,
  dynamoDbTaskTokens,
);
