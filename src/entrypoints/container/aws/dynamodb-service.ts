import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { FILE_HISTORY } from "../../../ports/file-history.js";
import { IDEMPOTENCY_STORE } from "../../../ports/idempotency-store.js";
import { ORDER_REPOSITORY } from "../../../ports/order-repository.js";
import { PRODUCT_CATALOG } from "../../../ports/product-catalog.js";
import { token } from "../../../ports/token.js";
import { requireVariable } from "../../config.js";
import { loadDynamoDbAdapters } from "./adapter-loaders.js";
import type { AwsService } from "./aws-service.js";

/** One DynamoDB client per container, shared by the table adapters. */
export const DYNAMODB_CLIENT = token<DynamoDBClient>("aws.DynamoDBClient");

/** DynamoDB: orders, idempotency keys, the product catalog and the file history. */
export const dynamoDbService: AwsService = {
  name: "DynamoDB",
  bind(bind, config, client) {
    bind(DYNAMODB_CLIENT).toDynamicValue(async () => {
      const { createDynamoDbClient } = await loadDynamoDbAdapters();
      return createDynamoDbClient(client);
    });
    bind(ORDER_REPOSITORY).toResolvedValue(
      async (dynamo: DynamoDBClient) => {
        const tableName = requireVariable(config, "ORDERS_TABLE", "OrderRepository");
        const { DynamoDbOrderRepository } = await loadDynamoDbAdapters();
        return new DynamoDbOrderRepository({ client: dynamo, tableName });
      },
      [DYNAMODB_CLIENT],
    );
    bind(IDEMPOTENCY_STORE).toResolvedValue(
      async (dynamo: DynamoDBClient) => {
        const tableName = requireVariable(config, "IDEMPOTENCY_TABLE", "IdempotencyStore");
        const { DynamoDbIdempotencyStore } = await loadDynamoDbAdapters();
        return new DynamoDbIdempotencyStore({ client: dynamo, tableName });
      },
      [DYNAMODB_CLIENT],
    );
    bind(PRODUCT_CATALOG).toResolvedValue(
      async (dynamo: DynamoDBClient) => {
        const tableName = requireVariable(config, "PRODUCTS_TABLE", "ProductCatalog");
        const { DynamoDbProductCatalog } = await loadDynamoDbAdapters();
        return new DynamoDbProductCatalog({ client: dynamo, tableName });
      },
      [DYNAMODB_CLIENT],
    );
    bind(FILE_HISTORY).toResolvedValue(
      async (dynamo: DynamoDBClient) => {
        const tableName = requireVariable(config, "FILE_HISTORY_TABLE", "FileHistory");
        const { DynamoDbFileHistory } = await loadDynamoDbAdapters();
        return new DynamoDbFileHistory({ client: dynamo, tableName });
      },
      [DYNAMODB_CLIENT],
    );
  },
};
