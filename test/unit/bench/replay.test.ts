import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { PublishBatchCommand, SNSClient } from "@aws-sdk/client-sns";
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replaying } from "../../../bench/bare/replay.js";
import { replayedCall } from "../../../bench/cold-start-every-handler.js";
import { type AwsStandIn, startAwsStandIn } from "../../support/aws-stand-in.js";

/**
 * The bare handler of the every-handler cold-start bench makes the calls the
 * stand-in recorded, as SDK commands: each must reach the stand-in again as
 * the same request, whatever its protocol (JSON, SNS's query form, S3's REST).
 */
let standIn: AwsStandIn;
const config = () => ({
  endpoint: standIn.endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});

beforeAll(async () => {
  standIn = await startAwsStandIn({ orders: "orders" });
});
afterAll(async () => {
  await standIn?.stop();
});

const SERVICES = {
  DynamoDB: {
    client: () => new DynamoDBClient(config()),
    commands: { PutItem: PutItemCommand, UpdateItem: UpdateItemCommand, CreateTable: CreateTableCommand },
  },
  SNS: { client: () => new SNSClient(config()), commands: { PublishBatch: PublishBatchCommand } },
  SQS: { client: () => new SQSClient(config()), commands: { SendMessageBatch: SendMessageBatchCommand } },
  S3: {
    client: () => new S3Client({ ...config(), forcePathStyle: true }),
    commands: { PutObject: PutObjectCommand, GetObject: GetObjectCommand },
  },
  SFN: { client: () => new SFNClient(config()), commands: { StartExecution: StartExecutionCommand } },
};

describe("replaying recorded calls", () => {
  it("sends every recorded call again as the same request, a failed one failing again", async () => {
    const clients = Object.fromEntries(Object.entries(SERVICES).map(([name, s]) => [name, s.client()]));
    const send = (service: keyof typeof SERVICES, command: unknown) =>
      (clients[service] as { send(c: unknown): Promise<unknown> }).send(command);
    const state = await standIn.snapshot();
    standIn.calls.length = 0;

    await send("DynamoDB", new PutItemCommand({ TableName: "orders", Item: { orderId: { S: "o-1" } } }));
    await expect(
      send(
        "DynamoDB",
        new UpdateItemCommand({
          TableName: "orders",
          Key: { orderId: { S: "o-2" } },
          UpdateExpression: "SET #s = :s",
          ConditionExpression: "attribute_exists(orderId)",
          ExpressionAttributeNames: { "#s": "status" },
          ExpressionAttributeValues: { ":s": { S: "PAID" } },
        }),
      ),
    ).rejects.toThrow(/conditional/i);
    await send(
      "SNS",
      new PublishBatchCommand({
        TopicArn: "arn:aws:sns:us-east-1:123456789012:t",
        PublishBatchRequestEntries: [
          {
            Id: "a",
            Message: '{"x":"é & ="}',
            MessageAttributes: { priority: { DataType: "String", StringValue: "high" } },
          },
          { Id: "b", Message: "two" },
        ],
      }),
    );
    await send(
      "SQS",
      new SendMessageBatchCommand({
        QueueUrl: `${standIn.endpoint}/123456789012/q.fifo`,
        Entries: [{ Id: "0", MessageBody: "{}", MessageGroupId: "g", MessageDeduplicationId: "d" }],
      }),
    );
    await send(
      "S3",
      new PutObjectCommand({ Bucket: "b", Key: "in/a b.jsonl", Body: "{}\n", ContentType: "text/plain" }),
    );
    const object = (await send(
      "S3",
      new GetObjectCommand({ Bucket: "b", Key: "in/a b.jsonl", Range: "bytes=1-" }),
    )) as {
      Body: { transformToString(): Promise<string> };
    };
    expect(await object.Body.transformToString()).toBe("}\n");
    await send(
      "SFN",
      new StartExecutionCommand({
        stateMachineArn: "arn:aws:states:us-east-1:123456789012:stateMachine:m",
        name: "o-1",
        input: "{}",
      }),
    );
    const recorded = standIn.requests.map((request) => ({ ...request }));
    expect(recorded.map((request) => [request.operation, request.status])).toEqual([
      ["DynamoDB.PutItem", 200],
      ["DynamoDB.UpdateItem", 400],
      ["SNS.PublishBatch", 200],
      ["SQS.SendMessageBatch", 200],
      ["S3.PutObject", 200],
      ["S3.GetObject", 206],
      ["SFN.StartExecution", 200],
    ]);

    await standIn.restore(state);
    standIn.calls.length = 0;
    const replay = replaying(SERVICES);
    await replay({ replay: recorded.map(replayedCall) });

    const again = standIn.requests;
    expect(again.map((request) => [request.operation, request.status])).toEqual(
      recorded.map((request) => [request.operation, request.status]),
    );
    for (const [index, request] of again.entries()) {
      expect(request.url).toBe(recorded[index]!.url);
      expect(request.headers).toEqual(recorded[index]!.headers);
      // SNS's form may list its fields in another order: compared as fields.
      if (request.operation.startsWith("SNS."))
        expect([...new URLSearchParams(request.body)].sort()).toEqual(
          [...new URLSearchParams(recorded[index]!.body)].sort(),
        );
      else expect(request.body).toBe(recorded[index]!.body);
    }
  });
});
