import { afterAll, beforeAll } from "vitest";
import { DynamoDbFileHistory } from "../../../src/adapters/aws/dynamodb-file-history.js";
import { DynamoDbIdempotencyStore } from "../../../src/adapters/aws/dynamodb-idempotency-store.js";
import { DynamoDbOrderRepository } from "../../../src/adapters/aws/dynamodb-order-repository.js";
import { DynamoDbProductCatalog } from "../../../src/adapters/aws/dynamodb-product-catalog.js";
import { createTables } from "../../../src/adapters/aws/dynamodb-tables.js";
import { describeFileHistoryContract } from "../../../src/ports/contracts/file-history.contract.js";
import { describeIdempotencyStoreContract } from "../../../src/ports/contracts/idempotency-store.contract.js";
import { describeOrderRepositoryContract } from "../../../src/ports/contracts/order-repository.contract.js";
import { describeProductCatalogContract } from "../../../src/ports/contracts/product-catalog.contract.js";
import type { DynaliteHandle } from "../../support/dynalite.js";
import { startDynalite } from "../../support/dynalite.js";

// One emulator for the file, one table per suite (the suites use unique ids, so a table can be shared).
let dynalite: DynaliteHandle;
const tables = {
  orders: "orders",
  fileHistory: "file-history",
  idempotency: "idempotency",
  products: "products",
};

beforeAll(async () => {
  dynalite = await startDynalite();
  await createTables(dynalite.client, tables);
});
afterAll(async () => {
  await dynalite?.stop();
});

describeOrderRepositoryContract("DynamoDbOrderRepository on dynalite", () => ({
  repository: new DynamoDbOrderRepository({ client: dynalite.client, tableName: tables.orders }),
}));

describeFileHistoryContract("DynamoDbFileHistory on dynalite", () => ({
  history: new DynamoDbFileHistory({ client: dynalite.client, tableName: tables.fileHistory }),
}));

describeIdempotencyStoreContract("DynamoDbIdempotencyStore on dynalite", () => ({
  store: new DynamoDbIdempotencyStore({ client: dynalite.client, tableName: tables.idempotency }),
}));

describeProductCatalogContract("DynamoDbProductCatalog on dynalite", async (products) => {
  const catalog = new DynamoDbProductCatalog({ client: dynalite.client, tableName: tables.products });
  await catalog.putProducts(products);
  return { catalog };
});
