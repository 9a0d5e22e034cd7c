import { afterAll, beforeAll } from "vitest";
import { DynamoDbStoreSettings } from "../../../src/adapters/aws/dynamodb-store-settings.js";
import { createTables } from "../../../src/adapters/aws/dynamodb-tables.js";
import { DynamoDbTaskTokenStore } from "../../../src/adapters/aws/dynamodb-task-token-store.js";
import { ManualClock } from "../../../src/adapters/memory/clocks.js";
import {
  describeStoreSettingsContract,
  describeTaskTokenStoreContract,
  uniqueId,
} from "../../../src/testing.js";
import { type DynaliteHandle, startDynalite } from "../../support/dynalite.js";

let dynalite: DynaliteHandle;

beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite?.stop();
});

// A fresh table per test: the suite starts from settings nobody wrote.
describeStoreSettingsContract("DynamoDbStoreSettings on dynalite", async () => {
  const tableName = uniqueId("settings");
  await createTables(dynalite.client, { settings: tableName });
  return { settings: new DynamoDbStoreSettings({ client: dynalite.client, tableName }) };
});

describeTaskTokenStoreContract("DynamoDbTaskTokenStore on dynalite", async () => {
  const tableName = uniqueId("task-tokens");
  await createTables(dynalite.client, { taskTokens: tableName });
  const clock = new ManualClock();
  return { store: new DynamoDbTaskTokenStore({ client: dynalite.client, tableName }, clock), clock };
});
