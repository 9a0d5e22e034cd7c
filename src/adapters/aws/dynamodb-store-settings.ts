import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { DEFAULT_STORE_SETTINGS, type StoreSettings } from "../../domain/store-settings.js";
import type { StoreSettingsRepository } from "../../ports/store-settings-repository.js";
import type { DynamoDbAdapterOptions } from "./dynamodb-support.js";
import { dynamoDbFailure, toDocumentClient } from "./dynamodb-support.js";

/** The key of the store's item in the settings table. */
const STORE_ITEM = { name: "store" } as const;

/**
 * {@link StoreSettingsRepository} as one item of the settings table
 * (`SETTINGS_TABLE` in `dynamodb-tables.ts`, partition key `name`). `get` is a
 * consistent GetItem (a workflow checking the store right after an operator
 * closed it must see it closed); `update` one UpdateItem that sets only the
 * fields given, so two operators changing different fields both win. A field
 * never set reads as its default.
 */
export class DynamoDbStoreSettings implements StoreSettingsRepository {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoDbAdapterOptions) {
    this.client = toDocumentClient(options.client);
    this.tableName = options.tableName;
  }

  async get(): Promise<StoreSettings> {
    try {
      const out = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: STORE_ITEM, ConsistentRead: true }),
      );
      return withDefaults(out.Item);
    } catch (err) {
      throw dynamoDbFailure(err, this.tableName);
    }
  }

  async update(change: Partial<StoreSettings>): Promise<StoreSettings> {
    const fields = Object.entries(change).filter(([, value]) => value !== undefined);
    if (fields.length === 0) return this.get();
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: STORE_ITEM,
          UpdateExpression: `SET ${fields.map(([name]) => `#${name} = :${name}`).join(", ")}`,
          ExpressionAttributeNames: Object.fromEntries(fields.map(([name]) => [`#${name}`, name])),
          ExpressionAttributeValues: Object.fromEntries(fields.map(([name, value]) => [`:${name}`, value])),
          ReturnValues: "ALL_NEW",
        }),
      );
      return withDefaults(out.Attributes);
    } catch (err) {
      throw dynamoDbFailure(err, this.tableName);
    }
  }
}

function withDefaults(item: Record<string, unknown> | undefined): StoreSettings {
  return {
    open: typeof item?.open === "boolean" ? item.open : DEFAULT_STORE_SETTINGS.open,
    capacity: typeof item?.capacity === "number" ? item.capacity : DEFAULT_STORE_SETTINGS.capacity,
  };
}
