import { describe, expect, it } from "vitest";
import { handlerEnvironment, loadConfig } from "../../../src/entrypoints/config.js";
import { s3PutEvent } from "../../../src/entrypoints/consumers/s3-events.js";
import { createMemoryAdapters, memoryModule } from "../../../src/entrypoints/container/memory-module.js";
import { createExtractOrdersHandler } from "../../../src/entrypoints/lambda/extract-orders.js";
import { createValidateFileHandler } from "../../../src/entrypoints/lambda/validate-file.js";

const order = (i: number) => ({
  customerId: `c-${i}`,
  currency: "BRL",
  items: [{ sku: "SKU-1", quantity: 1, unitPrice: 1250 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
});
const sqsRecord = (messageId: string, body: string) => ({
  messageId,
  body,
  attributes: { ApproximateReceiveCount: "1" },
});

describe("the file Lambda handlers", () => {
  it("validate-file then extract-orders, on in-memory adapters behind the same ports", async () => {
    const adapters = createMemoryAdapters();
    const options = {
      env: { ORDERFLOW_ADAPTERS: "memory", AWS_REGION: "us-east-1" },
      adapters: () => [memoryModule(adapters)],
    };
    const body = Array.from({ length: 23 }, (_, i) => JSON.stringify(order(i))).join("\n");
    const { etag } = await adapters.objectStore.put("incoming/day 1.jsonl", body);
    const event = s3PutEvent({
      bucket: "b",
      key: "incoming/day 1.jsonl",
      size: body.length,
      etag,
      sequencer: "1",
      eventTime: new Date(),
    });

    const validated = await createValidateFileHandler(options)({ Records: [sqsRecord("m-1", event)] });
    expect(validated.batchItemFailures).toEqual([]);
    const [extraction] = adapters.fileExtractionQueue.receive();
    expect(extraction).toBeDefined();

    let remaining = 900_000;
    const context = { awsRequestId: "r-1", getRemainingTimeInMillis: () => (remaining -= 1000) };
    const extracted = await createExtractOrdersHandler(options)(
      { Records: [sqsRecord("m-2", extraction!.body)] },
      context,
    );
    expect(extracted.batchItemFailures).toEqual([]);
    expect(adapters.intakeQueue.size).toBe(23);
    const [record] = (await adapters.fileHistory.list()).items;
    expect(record).toMatchObject({
      status: "EXTRACTED",
      counts: { valid: 23 },
      location: "processed/day 1.jsonl",
    });
  });

  it("names every missing variable of the AWS environment", () => {
    expect(() => loadConfig("validate-file", { AWS_REGION: "us-east-1" })).toThrow(
      /FILES_BUCKET is missing.*FILE_HISTORY_TABLE is missing.*ALERT_TOPIC_ARN is missing.*FILE_EXTRACTION_QUEUE_URL is missing/,
    );
    expect(() => loadConfig("extract-orders", { AWS_REGION: "us-east-1" })).toThrow(
      /FILES_BUCKET is missing.*FILE_HISTORY_TABLE is missing.*ALERT_TOPIC_ARN is missing.*ORDERS_TABLE is missing.*INTAKE_QUEUE_URL is missing.*FILE_EXTRACTION_QUEUE_URL is missing/,
    );
  });
});

describe("the file Lambda handlers on AWS", () => {
  const env = {
    AWS_REGION: "us-east-1",
    LOG_LEVEL: "silent",
    FILES_BUCKET: "orderflow-files",
    FILE_HISTORY_TABLE: "orderflow-file-history",
    ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:orderflow-alerts",
    ORDERS_TABLE: "orderflow-orders",
    INTAKE_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/orderflow-intake.fifo",
    FILE_EXTRACTION_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/orderflow-file-extraction",
  };
  /** Only the variables `handler` declares. */
  const envOf = (handler: "validate-file" | "extract-orders") =>
    Object.fromEntries(Object.entries(env).filter(([name]) => name in handlerEnvironment(handler).shape));

  it.each([
    ["validate-file", createValidateFileHandler],
    ["extract-orders", createExtractOrdersHandler],
  ] as const)(
    "%s: its environment alone wires it on AWS (an empty batch sends no request)",
    async (name, create) => {
      const own = envOf(name);
      expect(Object.keys(own).filter((v) => !(v in loadConfig(name, own)))).toEqual([]);
      expect(await create({ env: own })({ Records: [] })).toEqual({ batchItemFailures: [] });
    },
  );
});
