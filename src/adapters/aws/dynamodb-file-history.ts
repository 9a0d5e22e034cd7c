import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { GetCommand, PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { ConcurrencyError } from "../../ports/errors.js";
import type { FileHistory, FileRecord } from "../../ports/file-history.js";
import type { Page, PageRequest } from "../../ports/paging.js";
import { isConditionalCheckFailed } from "./aws-errors.js";
import type { DynamoDbAdapterOptions, DynamoKey } from "./dynamodb-support.js";
import {
  decodePageToken,
  dynamoDbFailure,
  encodePageToken,
  pageSize,
  readPage,
  toDocumentClient,
} from "./dynamodb-support.js";

const KEY_ATTRIBUTES = ["fileKey", "fileVersion"] as const;

/**
 * {@link FileHistory} on one DynamoDB table (`FILE_HISTORY_TABLE` in `dynamodb-tables.ts`):
 * partition key `fileKey`, sort key `fileVersion`, the record's fields as
 * attributes. Writes are whole-item puts conditioned on the record's
 * `revision`, so two handlers working on the same file version cannot
 * overwrite each other's progress. A record stays small: its `errors` are
 * bounded by the validator (the first errors only).
 *
 * `list` is a paginated Scan: it is an operator's view over a table that holds
 * one item per file received, never on a request path, so an index ordered by
 * time is not worth its cost; the order of a listing is unspecified.
 */
export class DynamoDbFileHistory implements FileHistory {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: DynamoDbAdapterOptions) {
    this.client = toDocumentClient(options.client);
    this.tableName = options.tableName;
  }

  async get(fileKey: string, fileVersion: string): Promise<FileRecord | undefined> {
    try {
      const out = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { fileKey, fileVersion }, ConsistentRead: true }),
      );
      return out.Item as FileRecord | undefined;
    } catch (err) {
      throw dynamoDbFailure(err, this.tableName);
    }
  }

  async create(record: Omit<FileRecord, "revision">): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: plain({ ...record, revision: 1 }),
          ConditionExpression: "attribute_not_exists(fileKey)",
        }),
      );
      return true;
    } catch (err) {
      if (isConditionalCheckFailed(err)) return false;
      throw dynamoDbFailure(err, this.tableName);
    }
  }

  async update(record: FileRecord): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: plain(record),
          // A missing item has no revision, so this also refuses records never created.
          ConditionExpression: "revision = :previous",
          ExpressionAttributeValues: { ":previous": record.revision - 1 },
        }),
      );
    } catch (err) {
      if (isConditionalCheckFailed(err)) {
        throw new ConcurrencyError(
          "file record",
          `${record.fileKey}@${record.fileVersion}`,
          record.revision - 1,
          {
            cause: err,
          },
        );
      }
      throw dynamoDbFailure(err, this.tableName);
    }
  }

  /** A paginated Scan (see the class notes): every record once across pages, in no particular order. */
  async list(page: PageRequest = {}): Promise<Page<FileRecord>> {
    const startKey = page.nextToken ? decodePageToken(page.nextToken, KEY_ATTRIBUTES) : undefined;
    try {
      const { items, nextKey } = await readPage(
        async (exclusiveStartKey: DynamoKey | undefined, limit: number) => {
          const out = await this.client.send(
            new ScanCommand({
              TableName: this.tableName,
              Limit: limit,
              ExclusiveStartKey: exclusiveStartKey,
            }),
          );
          return { items: out.Items ?? [], lastEvaluatedKey: out.LastEvaluatedKey as DynamoKey | undefined };
        },
        { limit: pageSize(page.limit), startKey, keyAttributes: KEY_ATTRIBUTES },
      );
      return {
        items: items as unknown as FileRecord[],
        ...(nextKey ? { nextToken: encodePageToken(nextKey) } : {}),
      };
    } catch (err) {
      throw dynamoDbFailure(err, this.tableName);
    }
  }
}

/** A deep copy without `undefined` (which DynamoDB cannot store); records are plain JSON. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
