import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbFileHistory } from "../../../src/adapters/aws/dynamodb-file-history.js";
import { createTables } from "../../../src/adapters/aws/dynamodb-tables.js";
import { S3ObjectStore } from "../../../src/adapters/aws/s3-object-store.js";
import { addFileFlows } from "../../../src/entrypoints/in-memory/in-memory-file-flows.js";
import { type AwsPipeline, startAwsPipeline } from "../../support/aws-pipeline.js";
import { asksFor, RefusingQueue } from "../../support/refusing-queue.js";
import { type S3Emulator, startS3 } from "../../support/s3rver.js";

/**
 * The batch-file case of "one bad order never costs a file its good ones" on
 * the AWS adapters: the file in S3 (s3rver), its history and the orders in
 * DynamoDB (dynalite), the intake FIFO queue in SQS (local-aws-sqs). The
 * intake queue refuses one order for good and fails another once (30 orders:
 * the 100-order case runs in memory, in test/integration/files).
 */

const PRODUCTS = [{ sku: "SKU-1", unitPrice: 1250, currency: "BRL", stock: 1_000_000 }];
const order = (i: number) => ({
  orderId: `o-${i}`,
  customerId: `c-${i}`,
  currency: "BRL",
  items: [{ sku: "SKU-1", quantity: 1, unitPrice: 1250 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
});

let pipeline: AwsPipeline;
let s3: S3Emulator;
let refusing: RefusingQueue;

beforeAll(async () => {
  [pipeline, s3] = await Promise.all([
    startAwsPipeline({
      products: PRODUCTS,
      maxReceiveCount: 3,
      intake: (queue) => {
        refusing = new RefusingQueue(queue, asksFor("o-12"));
        return refusing;
      },
    }),
    startS3("orderflow-files"),
  ]);
  await createTables(pipeline.dynamoDb, { fileHistory: "file-history" });
}, 60_000);
afterAll(async () => {
  await Promise.allSettled([pipeline?.stop(), s3?.stop()]);
});

describe("a batch file with an order the intake queue refuses, on DynamoDB, SQS and S3 emulators", () => {
  it("29 of 30 orders created once each, the history names the refused one, no dead-letter queue holds anything", async () => {
    const { flow } = pipeline;
    const files = addFileFlows(flow, {
      objects: new S3ObjectStore({ client: s3.client, bucket: s3.bucket }),
      history: new DynamoDbFileHistory({ client: pipeline.dynamoDb, tableName: "file-history" }),
      bucket: s3.bucket,
      checkpointEvery: 10,
    });
    refusing.failNext(1, asksFor("o-17"));
    const lines = Array.from({ length: 30 }, (_, i) => `${JSON.stringify(order(i))}\n`).join("");
    await files.upload("day.jsonl", lines);
    await flow.drain();

    const [record] = (await files.history.list()).items;
    expect(record).toMatchObject({
      status: "EXTRACTED",
      counts: { total: 30, valid: 29, invalid: 1 },
      checkpoint: { index: 30, sent: 29 },
      location: "processed/day.jsonl",
    });
    expect(record?.errors).toEqual([expect.objectContaining({ index: 12 })]);
    const placed = flow.events("OrderPlaced").map((e) => e.orderId);
    expect(new Set(placed).size).toBe(29);
    expect(placed).toHaveLength(29);
    expect(placed).not.toContain("o-12");
    expect((await flow.api.getOrder("o-17")).status).toBe("CONFIRMED");

    const deadLetters = [
      ...Object.values(flow.flows).map((queue) => queue.deadLetterDriver),
      files.intake.deadLetterDriver,
      files.extraction.deadLetterDriver,
    ];
    for (const driver of deadLetters) expect(await driver.size(), driver.name).toBe(0);
  }, 60_000);
});
