import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Clock } from "../../ports/clock.js";
import type { TaskTokenStore } from "../../ports/task-token-store.js";
import type { DynamoDbAdapterOptions } from "./dynamodb-support.js";
import { dynamoDbFailure, toDocumentClient } from "./dynamodb-support.js";

/**
 * {@link TaskTokenStore} on the task-tokens table (`TASK_TOKENS_TABLE`,
 * partition key `orderId`, TTL on `expiresAt` in epoch seconds). `save` is a
 * PutItem (the latest token replaces an earlier one); `take` a DeleteItem
 * answering the old item, so of two fulfils only one gets the token. TTL
 * deletes lazily, so `take` also checks the expiry itself.
 */
export class DynamoDbTaskTokenStore implements TaskTokenStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(
    options: DynamoDbAdapterOptions,
    private readonly clock: Clock,
  ) {
    this.client = toDocumentClient(options.client);
    this.tableName = options.tableName;
  }

  async save(orderId: string, token: string, options: { readonly expiresAt: Date }): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { orderId, token, expiresAt: Math.ceil(options.expiresAt.getTime() / 1000) },
        }),
      );
    } catch (err) {
      throw dynamoDbFailure(err, this.tableName);
    }
  }

  async take(orderId: string): Promise<string | undefined> {
    try {
      const out = await this.client.send(
        new DeleteCommand({ TableName: this.tableName, Key: { orderId }, ReturnValues: "ALL_OLD" }),
      );
      const item = out.Attributes;
      if (!item || typeof item.token !== "string") return undefined;
      const expired =
        typeof item.expiresAt === "number" && item.expiresAt * 1000 <= this.clock.now().getTime();
      return expired ? undefined : item.token;
    } catch (err) {
      throw dynamoDbFailure(err, this.tableName);
    }
  }
}
