import { afterAll, beforeAll } from "vitest";
import { DynamoDbNotificationStore } from "../../../src/adapters/aws/dynamodb-notification-store.js";
import { createTables } from "../../../src/adapters/aws/dynamodb-tables.js";
import { describeNotificationStoreContract } from "../../../src/ports/contracts/notification-store.contract.js";
import type { DynaliteHandle } from "../../support/dynalite.js";
import { startDynalite } from "../../support/dynalite.js";

let dynalite: DynaliteHandle;
const tableName = "notifications";

beforeAll(async () => {
  dynalite = await startDynalite();
  await createTables(dynalite.client, { notifications: tableName });
});
afterAll(async () => {
  await dynalite?.stop();
});

describeNotificationStoreContract("DynamoDbNotificationStore on dynalite", () => ({
  store: new DynamoDbNotificationStore({ client: dynalite.client, tableName }),
}));
