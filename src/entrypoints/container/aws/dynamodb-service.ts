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
import { type AwsAdapterBinding, awsAdapter, awsService } from "./aws-service.js";

/** The task tokens, on their TTL'd table: the store reads the clock to see a token expired before TTL removed it. */
const taskTokenStore: AwsAdapterBinding<DynamoDBClient> = {
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

/** DynamoDB: orders, idempotency keys, the product catalog, the file history, notifications, metrics and task tokens, on one client. */
export const dynamoDbService = awsService("DynamoDB", createDynamoDbClient, [
  awsAdapter(
    ORDER_REPOSITORY,
    "ORDERS_TABLE",
    (client, tableName) => new DynamoDbOrderRepository({ client, tableName }),
  ),
  awsAdapter(
    IDEMPOTENCY_STORE,
    "IDEMPOTENCY_TABLE",
    (client, tableName) => new DynamoDbIdempotencyStore({ client, tableName }),
  ),
  awsAdapter(
    PRODUCT_CATALOG,
    "PRODUCTS_TABLE",
    (client, tableName) => new DynamoDbProductCatalog({ client, tableName }),
  ),
  awsAdapter(
    FILE_HISTORY,
    "FILE_HISTORY_TABLE",
    (client, tableName) => new DynamoDbFileHistory({ client, tableName }),
  ),
  awsAdapter(
    STORE_SETTINGS,
    "SETTINGS_TABLE",
    (client, tableName) => new DynamoDbStoreSettings({ client, tableName }),
  ),
  awsAdapter(
    NOTIFICATION_STORE,
    "NOTIFICATIONS_TABLE",
    (client, tableName) => new DynamoDbNotificationStore({ client, tableName }),
  ),
  awsAdapter(
    METRICS_STORE,
    "METRICS_TABLE",
    (client, tableName) => new DynamoDbMetricsStore({ client, tableName }),
  ),
  taskTokenStore,
]);
