/**
 * A loopback stand-in for the AWS services a cold-start measurement reaches:
 * the handler's SDK clients are pointed at it (`AWS_ENDPOINT_URL`) and it
 * answers them as AWS would on the success path. DynamoDB is dynalite (real
 * conditional writes, so a handler's versioned updates succeed or fail as on
 * AWS); S3 keeps objects in memory (path-style: GET with a range, HEAD, PUT,
 * copy, DELETE); EventBridge `PutEvents`, SQS `SendMessage(Batch)`, SNS
 * `Publish(Batch)` and Step Functions' `StartExecution` and `SendTask*` are
 * accepted whole. Every call is listed by operation, so a benchmark can check
 * that the handlers it compares made the same calls, and kept whole
 * ({@link StandInRequest}), so that it can read what a handler sent or send it again.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  DynamoDBClient,
  ScanCommand,
  type WriteRequest,
} from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import {
  createTables,
  TABLE_DEFINITIONS,
  type TableLogicalName,
} from "../../src/adapters/aws/dynamodb-tables.js";

export interface AwsStandIn {
  /** `http://127.0.0.1:<port>`: the endpoint of every service. */
  readonly endpoint: string;
  /** A client of the stand-in's DynamoDB, to seed what a run reads. */
  readonly dynamoDb: DynamoDBClient;
  /** The operations called so far, in order (`DynamoDB.GetItem`, `EventBridge.PutEvents`, ...). */
  readonly calls: string[];
  /** The same calls, whole: cleared with `calls` (`calls.length = 0` clears both). */
  readonly requests: StandInRequest[];
  /** Stores an object in the stood-in S3. */
  putObject(bucket: string, key: string, body: string, contentType?: string): void;
  /** Every item of every table and every object: what {@link AwsStandIn.restore} brings back. */
  snapshot(): Promise<StandInState>;
  /** Empties the tables and the buckets, then writes `state` back. */
  restore(state: StandInState): Promise<void>;
  stop(): Promise<void>;
}

/** One call as it reached the stand-in. */
export interface StandInRequest {
  /** `DynamoDB.GetItem`, `S3.GetObject`, `SNS.Publish`, ... */
  readonly operation: string;
  readonly method: string;
  /** The path and query (S3 names its bucket and key here). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON for the JSON protocols, a form for SNS, the object for S3 `PutObject`. */
  readonly body: string;
  /** The answer's HTTP status, once answered: a handler may expect a call to fail (a conditional write lost). */
  status?: number;
}

export interface StandInState {
  readonly items: Readonly<Record<string, readonly Record<string, AttributeValue>[]>>;
  readonly objects: ReadonlyMap<string, StoredObject>;
}

interface StoredObject {
  readonly body: Buffer;
  readonly contentType: string;
  readonly etag: string;
  readonly lastModified: Date;
}

type Answer = (request: IncomingMessage, body: string, response: ServerResponse) => void;

/** Starts the stand-in on a free loopback port, with `tables` (logical name → table name) created. */
export async function startAwsStandIn(
  tables: Partial<Record<TableLogicalName, string>>,
): Promise<AwsStandIn> {
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const answerDynamoDb = dynamo.listeners("request")[0] as (
    req: IncomingMessage,
    res: ServerResponse,
  ) => void;
  const calls: string[] = [];
  const requests: StandInRequest[] = [];
  // `calls.length = 0` is how callers start afresh: the whole requests follow.
  const count = (request: Omit<StandInRequest, "operation">, operation: string, response: ServerResponse) => {
    if (requests.length > calls.length) requests.length = calls.length;
    calls.push(operation);
    const entry: StandInRequest = { operation, ...request };
    requests.push(entry);
    response.on("finish", () => {
      entry.status = response.statusCode;
    });
  };
  const objects = new Map<string, StoredObject>();
  const answerS3 = s3Answers(objects);

  const server = createServer((request, response) => {
    const target = String(request.headers["x-amz-target"] ?? "");
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString("utf8");
      const s3 = !target && !isSnsRequest(request, body);
      const operation = target.startsWith("DynamoDB_")
        ? `DynamoDB.${target.split(".")[1]}`
        : target
          ? target
              .replace("AWSEvents.", "EventBridge.")
              .replace("AmazonSQS.", "SQS.")
              .replace("AWSStepFunctions.", "SFN.")
          : s3
            ? s3Operation(request)
            : snsAction(body);
      count(
        { method: request.method ?? "GET", url: request.url ?? "/", headers: keptHeaders(request), body },
        operation,
        response,
      );
      if (target.startsWith("DynamoDB_")) {
        // dynalite reads the body from the request stream: hand it a fresh one.
        const replayed = Readable.from([raw]) as unknown as IncomingMessage;
        Object.assign(replayed, { headers: request.headers, method: request.method, url: request.url });
        answerDynamoDb(replayed, response);
        return;
      }
      if (s3) {
        answerS3(operation, request, raw, response);
        return;
      }
      const answer = ANSWERS[operation];
      if (answer) answer(request, body, response);
      else
        json(response, 400, { __type: "UnknownOperationException", message: `${operation} is not stood in` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dynamoDb = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
  });
  await createTables(dynamoDb, tables);
  calls.length = 0;
  const tableNames = Object.entries(tables).filter(
    (entry): entry is [TableLogicalName, string] => !!entry[1],
  );
  return {
    endpoint,
    dynamoDb,
    calls,
    requests,
    putObject(bucket, key, body, contentType = "application/octet-stream") {
      objects.set(`${bucket}/${key}`, storedObject(Buffer.from(body, "utf8"), contentType));
    },
    async snapshot() {
      const items: Record<string, Record<string, AttributeValue>[]> = {};
      for (const [, table] of tableNames) items[table] = await scanAll(dynamoDb, table);
      return { items, objects: new Map(objects) };
    },
    async restore(state) {
      for (const [logicalName, table] of tableNames) {
        const keyNames = TABLE_DEFINITIONS[logicalName].KeySchema.map((key) => key.AttributeName);
        const keys = (await scanAll(dynamoDb, table)).map((item) =>
          Object.fromEntries(keyNames.map((name) => [name, item[name]!])),
        );
        await writeAll(
          dynamoDb,
          table,
          keys.map((Key) => ({ DeleteRequest: { Key } })),
        );
        await writeAll(
          dynamoDb,
          table,
          (state.items[table] ?? []).map((Item) => ({ PutRequest: { Item } })),
        );
      }
      objects.clear();
      for (const [key, object] of state.objects) objects.set(key, object);
    },
    async stop() {
      dynamoDb.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => (dynamo as Server).close(() => resolve()));
    },
  };
}

/** SNS speaks the query protocol: a form posted to `/` whose `Action` names the operation. */
function isSnsRequest(request: IncomingMessage, body: string): boolean {
  return (
    request.method === "POST" &&
    (request.url ?? "/").split("?")[0] === "/" &&
    new URLSearchParams(body).has("Action")
  );
}

/** SNS speaks the query protocol: the operation is the form's `Action`. */
function snsAction(body: string): string {
  return `SNS.${new URLSearchParams(body).get("Action") ?? "unknown"}`;
}

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
  response.end(JSON.stringify(body));
}

function xml(response: ServerResponse, action: string, result: string): void {
  response.writeHead(200, { "content-type": "text/xml" });
  response.end(
    `<${action}Response xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><${action}Result>${result}</${action}Result>` +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
  );
}

const md5 = (text: string) => createHash("md5").update(text, "utf8").digest("hex");

/** What each stood-in operation answers: every entry accepted. */
const ANSWERS: Readonly<Record<string, Answer>> = {
  "EventBridge.PutEvents": (_, body, response) => {
    const { Entries = [] } = JSON.parse(body) as { Entries?: unknown[] };
    json(response, 200, { FailedEntryCount: 0, Entries: Entries.map(() => ({ EventId: randomUUID() })) });
  },
  "SQS.SendMessageBatch": (_, body, response) => {
    const { Entries = [] } = JSON.parse(body) as { Entries?: { Id: string; MessageBody: string }[] };
    json(response, 200, {
      Successful: Entries.map((entry) => ({
        Id: entry.Id,
        MessageId: randomUUID(),
        // The SDK checks each body's digest.
        MD5OfMessageBody: md5(entry.MessageBody),
      })),
      Failed: [],
    });
  },
  "SQS.SendMessage": (_, body, response) => {
    const { MessageBody } = JSON.parse(body) as { MessageBody: string };
    json(response, 200, { MessageId: randomUUID(), MD5OfMessageBody: md5(MessageBody) });
  },
  "SFN.StartExecution": (_, body, response) => {
    const { stateMachineArn, name } = JSON.parse(body) as { stateMachineArn: string; name?: string };
    json(response, 200, {
      executionArn: `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name ?? randomUUID()}`,
      startDate: Date.now() / 1000,
    });
  },
  "SFN.SendTaskSuccess": (_, __, response) => json(response, 200, {}),
  "SFN.SendTaskFailure": (_, __, response) => json(response, 200, {}),
  "SFN.SendTaskHeartbeat": (_, __, response) => json(response, 200, {}),
  "SNS.Publish": (_, __, response) => xml(response, "Publish", `<MessageId>${randomUUID()}</MessageId>`),
  "SNS.PublishBatch": (_, body, response) => {
    const form = new URLSearchParams(body);
    const ids = [...form.keys()].filter((key) => /^PublishBatchRequestEntries\.member\.\d+\.Id$/.test(key));
    xml(
      response,
      "PublishBatch",
      `<Successful>${ids.map((key) => `<member><Id>${form.get(key)}</Id><MessageId>${randomUUID()}</MessageId></member>`).join("")}</Successful><Failed/>`,
    );
  },
};

/** The headers a call's input is read back from (S3 carries part of its input in them). */
function keptHeaders(request: IncomingMessage): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (
      typeof value === "string" &&
      (name === "x-amz-target" ||
        name === "content-type" ||
        name === "range" ||
        name.startsWith("x-amz-meta-") ||
        name === "x-amz-copy-source")
    )
      kept[name] = value;
  return kept;
}

/** S3 is a REST protocol (path-style here): the method, the path and the copy header name the operation. */
function s3Operation(request: IncomingMessage): string {
  const [path = "/", query = ""] = (request.url ?? "/").split("?");
  const hasKey = path.split("/").filter(Boolean).length > 1;
  const params = new URLSearchParams(query);
  switch (request.method) {
    case "GET":
      return hasKey
        ? "S3.GetObject"
        : params.get("list-type") === "2"
          ? "S3.ListObjectsV2"
          : "S3.ListObjects";
    case "HEAD":
      return hasKey ? "S3.HeadObject" : "S3.HeadBucket";
    case "PUT":
      return request.headers["x-amz-copy-source"] ? "S3.CopyObject" : "S3.PutObject";
    case "DELETE":
      return "S3.DeleteObject";
    default:
      return `S3.${request.method}`;
  }
}

function storedObject(body: Buffer, contentType: string): StoredObject {
  return { body, contentType, etag: `"${md5Bytes(body)}"`, lastModified: new Date() };
}

const md5Bytes = (bytes: Buffer) => createHash("md5").update(bytes).digest("hex");

/** S3's answers over `objects` (by `bucket/key`): enough for reading, writing, copying and deleting files. */
function s3Answers(objects: Map<string, StoredObject>) {
  const notFound = (response: ServerResponse, method: string) => {
    response.writeHead(404, { "content-type": "application/xml" });
    response.end(
      method === "HEAD" ? undefined : "<Error><Code>NoSuchKey</Code><Message>not found</Message></Error>",
    );
  };
  return (operation: string, request: IncomingMessage, body: Buffer, response: ServerResponse): void => {
    const path = decodeURIComponent((request.url ?? "/").split("?")[0]!.slice(1));
    const headersOf = (object: StoredObject) => ({
      "content-type": object.contentType,
      etag: object.etag,
      "last-modified": object.lastModified.toUTCString(),
      "accept-ranges": "bytes",
    });
    switch (operation) {
      case "S3.PutObject": {
        const object = storedObject(
          body,
          String(request.headers["content-type"] ?? "application/octet-stream"),
        );
        objects.set(path, object);
        response.writeHead(200, { etag: object.etag });
        response.end();
        return;
      }
      case "S3.CopyObject": {
        const from = decodeURIComponent(
          String(request.headers["x-amz-copy-source"]).replace(/^\//, "").split("?")[0]!,
        );
        const source = objects.get(from);
        if (!source) {
          notFound(response, "PUT");
          return;
        }
        const copy = storedObject(source.body, source.contentType);
        objects.set(path, copy);
        response.writeHead(200, { "content-type": "application/xml" });
        response.end(
          `<CopyObjectResult><ETag>${copy.etag}</ETag><LastModified>${copy.lastModified.toISOString()}</LastModified></CopyObjectResult>`,
        );
        return;
      }
      case "S3.DeleteObject":
        objects.delete(path);
        response.writeHead(204);
        response.end();
        return;
      case "S3.HeadObject":
      case "S3.GetObject": {
        const object = objects.get(path);
        if (!object) {
          notFound(response, request.method ?? "GET");
          return;
        }
        const range = /^bytes=(\d+)-(\d*)$/.exec(String(request.headers.range ?? ""));
        const size = object.body.length;
        if (range && Number(range[1]) >= size) {
          response.writeHead(416, { "content-type": "application/xml" });
          response.end("<Error><Code>InvalidRange</Code><Message>past the end</Message></Error>");
          return;
        }
        const from = range ? Number(range[1]) : 0;
        const to = range?.[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
        const part = object.body.subarray(from, to + 1);
        response.writeHead(range ? 206 : 200, {
          ...headersOf(object),
          "content-length": String(operation === "S3.HeadObject" ? size : part.length),
          ...(range ? { "content-range": `bytes ${from}-${to}/${size}` } : {}),
        });
        response.end(operation === "S3.HeadObject" ? undefined : part);
        return;
      }
      default:
        response.writeHead(400, { "content-type": "application/xml" });
        response.end(
          `<Error><Code>NotImplemented</Code><Message>${operation} is not stood in</Message></Error>`,
        );
    }
  };
}

async function scanAll(client: DynamoDBClient, table: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function writeAll(client: DynamoDBClient, table: string, writes: WriteRequest[]): Promise<void> {
  for (let i = 0; i < writes.length; i += 25) {
    let pending: WriteRequest[] | undefined = writes.slice(i, i + 25);
    while (pending?.length) {
      const output: BatchWriteItemCommandOutput = await client.send(
        new BatchWriteItemCommand({ RequestItems: { [table]: pending } }),
      );
      pending = output.UnprocessedItems?.[table];
    }
  }
}
