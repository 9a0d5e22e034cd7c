/**
 * A loopback stand-in for the AWS services a cold-start measurement reaches:
 * the handler's SDK clients are pointed at it (`AWS_ENDPOINT_URL`) and it
 * answers them as AWS would on the success path. DynamoDB is dynalite (real
 * conditional writes, so a handler's versioned updates succeed or fail as on
 * AWS); EventBridge `PutEvents`, SQS `SendMessage(Batch)` and SNS
 * `Publish(Batch)` are accepted whole. Every call is listed by operation, so a
 * benchmark can check that the handlers it compares made the same calls.
 */
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import dynalite from "dynalite";
import { createTables, type TableLogicalName } from "../../src/adapters/aws/dynamodb-tables.js";

export interface AwsStandIn {
  /** `http://127.0.0.1:<port>`: the endpoint of every service. */
  readonly endpoint: string;
  /** A client of the stand-in's DynamoDB, to seed what a run reads. */
  readonly dynamoDb: DynamoDBClient;
  /** The operations called so far, in order (`DynamoDB.GetItem`, `EventBridge.PutEvents`, ...). */
  readonly calls: string[];
  stop(): Promise<void>;
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
  const count = (operation: string) => calls.push(operation);

  const server = createServer((request, response) => {
    const target = String(request.headers["x-amz-target"] ?? "");
    if (target.startsWith("DynamoDB_")) {
      count(`DynamoDB.${target.split(".")[1]}`);
      answerDynamoDb(request, response);
      return;
    }
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const operation = target
        ? target.replace("AWSEvents.", "EventBridge.").replace("AmazonSQS.", "SQS.")
        : snsAction(body);
      count(operation);
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
  return {
    endpoint,
    dynamoDb,
    calls,
    async stop() {
      dynamoDb.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => (dynamo as Server).close(() => resolve()));
    },
  };
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
