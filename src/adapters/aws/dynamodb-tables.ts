import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { CreateTableCommand, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";

/**
 * The DynamoDB tables of orderflow as plain data. Field names and shapes are
 * those of both the `CreateTable` API and the CloudFormation
 * `AWS::DynamoDB::Table` resource (`KeySchema`, `AttributeDefinitions`,
 * `GlobalSecondaryIndexes`, `BillingMode`), so the same objects create tables
 * in tests and feed template generation or validation.
 */
export interface TableDefinition {
  /** Stable logical name of the table in orderflow (the physical name is chosen by whoever deploys it). */
  readonly logicalName: TableLogicalName;
  readonly description: string;
  readonly KeySchema: readonly KeySchemaElement[];
  readonly AttributeDefinitions: readonly AttributeDefinition[];
  readonly GlobalSecondaryIndexes?: readonly GlobalSecondaryIndex[];
  readonly BillingMode: "PAY_PER_REQUEST";
  /** The attribute holding an expiry in epoch seconds, when the table uses TTL. */
  readonly timeToLiveAttribute?: string;
}

export type TableLogicalName =
  | "orders"
  | "fileHistory"
  | "idempotency"
  | "products"
  | "notifications"
  | "settings"
  | "metrics"
  | "taskTokens";

export interface KeySchemaElement {
  readonly AttributeName: string;
  readonly KeyType: "HASH" | "RANGE";
}

export interface AttributeDefinition {
  readonly AttributeName: string;
  readonly AttributeType: "S" | "N" | "B";
}

export interface GlobalSecondaryIndex {
  readonly IndexName: string;
  readonly KeySchema: readonly KeySchemaElement[];
  readonly Projection: { readonly ProjectionType: "ALL" | "KEYS_ONLY" };
}

/** Attribute names of the orders table that are not fields of the order snapshot. */
export const ORDER_ATTRIBUTES = {
  /** Partition key: the order id (also a snapshot field). */
  orderId: "orderId",
  /** Sort key of `byCustomer`: `<createdAt>#<orderId>`, ISO timestamps sort chronologically. */
  byCustomerSortKey: "byCustomerSk",
  /** Sort key of `byStatus`: `<updatedAt>#<orderId>`. */
  byStatusSortKey: "byStatusSk",
  /** The transactional outbox: a map from event id to event. */
  outbox: "outbox",
} as const;

export const ORDER_INDEXES = { byCustomer: "byCustomer", byStatus: "byStatus" } as const;

export const ORDERS_TABLE: TableDefinition = {
  logicalName: "orders",
  description: "Orders (one item per order: snapshot + outbox), versioned conditional writes",
  KeySchema: [{ AttributeName: "orderId", KeyType: "HASH" }],
  AttributeDefinitions: [
    { AttributeName: "orderId", AttributeType: "S" },
    { AttributeName: "customerId", AttributeType: "S" },
    { AttributeName: "byCustomerSk", AttributeType: "S" },
    { AttributeName: "status", AttributeType: "S" },
    { AttributeName: "byStatusSk", AttributeType: "S" },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: ORDER_INDEXES.byCustomer,
      KeySchema: [
        { AttributeName: "customerId", KeyType: "HASH" },
        { AttributeName: "byCustomerSk", KeyType: "RANGE" },
      ],
      // KEYS_ONLY on both indexes: the lists are operator paths and rare, while every
      // save and markPublished is on the hot path. With ALL, each write rewrote whole
      // index entries, outbox included; with KEYS_ONLY an entry is tiny and is written
      // only when its keys change: byCustomer on creation only (its keys never change),
      // byStatus on each save (a delete plus a put), and markPublished, which changes
      // no key attribute, touches no index at all. A list reads the keys from the index
      // and the items themselves with BatchGetItem (so no snapshot field can be missing
      // from a list, as it could be with INCLUDE).
      Projection: { ProjectionType: "KEYS_ONLY" },
    },
    {
      IndexName: ORDER_INDEXES.byStatus,
      KeySchema: [
        { AttributeName: "status", KeyType: "HASH" },
        { AttributeName: "byStatusSk", KeyType: "RANGE" },
      ],
      // KEYS_ONLY: see byCustomer.
      Projection: { ProjectionType: "KEYS_ONLY" },
    },
  ],
  BillingMode: "PAY_PER_REQUEST",
};

export const FILE_HISTORY_TABLE: TableDefinition = {
  logicalName: "fileHistory",
  description: "One validation/extraction record per version of each batch file",
  KeySchema: [
    { AttributeName: "fileKey", KeyType: "HASH" },
    { AttributeName: "fileVersion", KeyType: "RANGE" },
  ],
  AttributeDefinitions: [
    { AttributeName: "fileKey", AttributeType: "S" },
    { AttributeName: "fileVersion", AttributeType: "S" },
  ],
  BillingMode: "PAY_PER_REQUEST",
};

export const IDEMPOTENCY_TABLE: TableDefinition = {
  logicalName: "idempotency",
  description: "Client idempotency keys with payload hash, status and result; expired by TTL",
  KeySchema: [{ AttributeName: "idempotencyKey", KeyType: "HASH" }],
  AttributeDefinitions: [{ AttributeName: "idempotencyKey", AttributeType: "S" }],
  BillingMode: "PAY_PER_REQUEST",
  timeToLiveAttribute: "expiresAt",
};

export const PRODUCTS_TABLE: TableDefinition = {
  logicalName: "products",
  description: "The product catalog business validation checks orders against",
  KeySchema: [{ AttributeName: "sku", KeyType: "HASH" }],
  AttributeDefinitions: [{ AttributeName: "sku", AttributeType: "S" }],
  BillingMode: "PAY_PER_REQUEST",
};

/** Attribute names of the notifications table that are not fields of the notification. */
export const NOTIFICATION_ATTRIBUTES = {
  /** Partition key: the notification id (also a field of the notification). */
  notificationId: "notificationId",
  /** Partition key of `byUser`: `<userId>#<priority>`. */
  userPriority: "userPriority",
  /** Sort key of `byUser` and `byPriority`: `<createdAt>#<notificationId>`, ISO timestamps sort chronologically. */
  sortKey: "sortKey",
  /** Partition key of `byPriority`: `<priority>#<UTC day>#<shard>`. */
  priorityBucket: "priorityBucket",
  /** Partition key of `priorityDays`, set on day markers only: the priority. */
  dayPriority: "dayPriority",
  /** Sort key of `priorityDays`, set on day markers only: the UTC day (`YYYY-MM-DD`). */
  day: "day",
} as const;

export const NOTIFICATION_INDEXES = {
  byUser: "byUser",
  byPriority: "byPriority",
  priorityDays: "priorityDays",
} as const;

/**
 * Write shards of each day of a priority in `byPriority`: a notification goes to
 * shard `hash(id) mod 4`. Part of the table's layout: the listings read shards
 * 0 to 3 of each day, so the count changes only with a migration of the index.
 */
export const NOTIFICATION_PRIORITY_SHARDS = 4;

export const NOTIFICATIONS_TABLE: TableDefinition = {
  logicalName: "notifications",
  description:
    "Customer notifications (one item per notification), listed by user and by priority; conditional writes",
  KeySchema: [{ AttributeName: "notificationId", KeyType: "HASH" }],
  AttributeDefinitions: [
    { AttributeName: "notificationId", AttributeType: "S" },
    { AttributeName: "userPriority", AttributeType: "S" },
    { AttributeName: "sortKey", AttributeType: "S" },
    { AttributeName: "priorityBucket", AttributeType: "S" },
    { AttributeName: "dayPriority", AttributeType: "S" },
    { AttributeName: "day", AttributeType: "S" },
  ],
  // KEYS_ONLY everywhere, for the reasons of the orders table: a notification is
  // written three times (create, DELIVERED or FAILED, and STORED when it was
  // ACCEPTED) and no status change touches a key, so only the create writes the
  // indexes. With ALL, each of the three writes would also rewrite the entry of
  // each index (a message of 2 000 characters is up to 8 KB: 8 WCU per entry).
  // The listings merge several partitions (three priorities, four shards): with
  // keys only, what a merge reads and throws away costs almost nothing; the kept
  // page is then read with BatchGetItem, so its statuses are the table's own.
  GlobalSecondaryIndexes: [
    {
      IndexName: NOTIFICATION_INDEXES.byUser,
      KeySchema: [
        { AttributeName: "userPriority", KeyType: "HASH" },
        { AttributeName: "sortKey", KeyType: "RANGE" },
      ],
      Projection: { ProjectionType: "KEYS_ONLY" },
    },
    {
      IndexName: NOTIFICATION_INDEXES.byPriority,
      KeySchema: [
        { AttributeName: "priorityBucket", KeyType: "HASH" },
        { AttributeName: "sortKey", KeyType: "RANGE" },
      ],
      Projection: { ProjectionType: "KEYS_ONLY" },
    },
    {
      // Sparse: only day markers carry its keys (one item per priority and day).
      IndexName: NOTIFICATION_INDEXES.priorityDays,
      KeySchema: [
        { AttributeName: "dayPriority", KeyType: "HASH" },
        { AttributeName: "day", KeyType: "RANGE" },
      ],
      Projection: { ProjectionType: "KEYS_ONLY" },
    },
  ],
  BillingMode: "PAY_PER_REQUEST",
};

export const SETTINGS_TABLE: TableDefinition = {
  logicalName: "settings",
  description: "Operators' settings, one item each (the store: open, capacity)",
  KeySchema: [{ AttributeName: "name", KeyType: "HASH" }],
  AttributeDefinitions: [{ AttributeName: "name", AttributeType: "S" }],
  BillingMode: "PAY_PER_REQUEST",
};

/** Attribute names of the metrics table (see `DynamoDbMetricsStore`). */
export const METRICS_ATTRIBUTES = {
  /** Partition key: `<granularity>#<month>` for hours (`hour#2030-01`), `<granularity>#<year>` for days. */
  period: "period",
  /** Sort key: `<bucket start>#<shard>` (`2030-01-15T05:00:00.000Z#03`). */
  bucket: "bucket",
  /** String set of the fingerprints of the events applied to this item. */
  applied: "applied",
  /** Prefix of a counter attribute: `c:<counter name>` (`c:revenue.BRL`). */
  counterPrefix: "c:",
} as const;

/**
 * Items per bucket: an event lands in the shard its fingerprint names, so an
 * item holds the ids of a share of its bucket's events (see the adapter's notes
 * on item sizes). Fixed for a table's life: a redelivered event must meet the
 * item that holds its id.
 */
export const METRICS_BUCKET_SHARDS = { hour: 4, day: 16 } as const;

export const METRICS_TABLE: TableDefinition = {
  logicalName: "metrics",
  description: "Business metrics per hour and per day, each event counted once per bucket",
  KeySchema: [
    { AttributeName: METRICS_ATTRIBUTES.period, KeyType: "HASH" },
    { AttributeName: METRICS_ATTRIBUTES.bucket, KeyType: "RANGE" },
  ],
  AttributeDefinitions: [
    { AttributeName: METRICS_ATTRIBUTES.period, AttributeType: "S" },
    { AttributeName: METRICS_ATTRIBUTES.bucket, AttributeType: "S" },
  ],
  BillingMode: "PAY_PER_REQUEST",
};

export const TASK_TOKENS_TABLE: TableDefinition = {
  logicalName: "taskTokens",
  description:
    "The task token of each order's fulfilment wait, until the operator fulfils it; expired by TTL",
  KeySchema: [{ AttributeName: "orderId", KeyType: "HASH" }],
  AttributeDefinitions: [{ AttributeName: "orderId", AttributeType: "S" }],
  BillingMode: "PAY_PER_REQUEST",
  timeToLiveAttribute: "expiresAt",
};

/** Every table, by logical name. */
export const TABLE_DEFINITIONS: Readonly<Record<TableLogicalName, TableDefinition>> = {
  orders: ORDERS_TABLE,
  fileHistory: FILE_HISTORY_TABLE,
  idempotency: IDEMPOTENCY_TABLE,
  products: PRODUCTS_TABLE,
  notifications: NOTIFICATIONS_TABLE,
  settings: SETTINGS_TABLE,
  metrics: METRICS_TABLE,
  taskTokens: TASK_TOKENS_TABLE,
};

/** The `CreateTable` input for a definition under a physical table name. */
export function createTableInput(definition: TableDefinition, tableName: string) {
  return {
    TableName: tableName,
    KeySchema: definition.KeySchema.map((k) => ({ ...k })),
    AttributeDefinitions: definition.AttributeDefinitions.map((a) => ({ ...a })),
    BillingMode: definition.BillingMode,
    ...(definition.GlobalSecondaryIndexes
      ? {
          GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes.map((index) => ({
            IndexName: index.IndexName,
            KeySchema: index.KeySchema.map((k) => ({ ...k })),
            Projection: { ...index.Projection },
          })),
        }
      : {}),
  };
}

/**
 * Creates the named tables (only those given) for local use: emulators,
 * LocalStack, integration tests. Production tables come from `deploy/`.
 * Enables TTL where the definition has one; an emulator that does not know
 * `UpdateTimeToLive` (dynalite) is tolerated, since the adapters never rely on
 * TTL deleting items (expiry is checked in their conditions).
 */
export async function createTables(
  client: DynamoDBClient,
  names: Partial<Record<TableLogicalName, string>>,
): Promise<void> {
  for (const [logicalName, tableName] of Object.entries(names) as [TableLogicalName, string | undefined][]) {
    if (tableName === undefined) continue;
    const definition = TABLE_DEFINITIONS[logicalName];
    await client.send(new CreateTableCommand(createTableInput(definition, tableName)));
    if (definition.timeToLiveAttribute) {
      try {
        await client.send(
          new UpdateTimeToLiveCommand({
            TableName: tableName,
            TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
          }),
        );
      } catch (err) {
        if ((err as { name?: unknown }).name !== "UnknownOperationException") throw err;
      }
    }
  }
}
