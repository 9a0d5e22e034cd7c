import { createDynamoDbClient } from "../../../adapters/aws/dynamodb.js";
import { DynamoDbFileHistory } from "../../../adapters/aws/dynamodb-file-history.js";
import { DynamoDbIdempotencyStore } from "../../../adapters/aws/dynamodb-idempotency-store.js";
import { DynamoDbMetricsStore } from "../../../adapters/aws/dynamodb-metrics-store.js";
import { DynamoDbNotificationStore } from "../../../adapters/aws/dynamodb-notification-store.js";
import { DynamoDbOrderRepository } from "../../../adapters/aws/dynamodb-order-repository.js";
import { DynamoDbProductCatalog } from "../../../adapters/aws/dynamodb-product-catalog.js";
import { DynamoDbStoreSettings } from "../../../adapters/aws/dynamodb-store-settings.js";
import { FILE_HISTORY } from "../../../ports/file-history.js";
import { IDEMPOTENCY_STORE } from "../../../ports/idempotency-store.js";
import { METRICS_STORE } from "../../../ports/metrics-store.js";
import { NOTIFICATION_STORE } from "../../../ports/notification-store.js";
import { ORDER_REPOSITORY } from "../../../ports/order-repository.js";
import { PRODUCT_CATALOG } from "../../../ports/product-catalog.js";
import { STORE_SETTINGS } from "../../../ports/store-settings-repository.js";
import { awsAdapter, awsService } from "./aws-service.js";

/** DynamoDB: orders, idempotency keys, the product catalog, the file history, notifications and metrics, on one client. */
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
]);
