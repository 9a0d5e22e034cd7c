import { describe, expect, it } from "vitest";
import * as lazy from "../../../../src/entrypoints/container/aws/adapter-loaders.js";
import * as eager from "../../../../src/entrypoints/container/aws/eager-adapter-loaders.js";

describe("the AWS adapter loaders", () => {
  it("are the same in the library (dynamic imports) and in the Lambda bundles (static imports)", async () => {
    expect(Object.keys(eager).sort()).toEqual(Object.keys(lazy).sort());
    const lazyLoaders: Record<string, () => Promise<unknown>> = { ...lazy };
    const eagerLoaders: Record<string, () => Promise<unknown>> = { ...eager };
    for (const [name, load] of Object.entries(lazyLoaders)) {
      // Same module instances: a bundle's services get exactly what the library's would.
      expect(await eagerLoaders[name]?.(), name).toBe(await load());
    }
  });

  it("load each service's client factory and adapters", async () => {
    const dynamoDb = await lazy.loadDynamoDbAdapters();
    expect(typeof dynamoDb.createDynamoDbClient).toBe("function");
    for (const adapter of [
      dynamoDb.DynamoDbOrderRepository,
      dynamoDb.DynamoDbIdempotencyStore,
      dynamoDb.DynamoDbProductCatalog,
      dynamoDb.DynamoDbFileHistory,
    ])
      expect(typeof adapter).toBe("function");
    expect(typeof (await lazy.loadEventBridgeAdapters()).EventBridgeEventBus).toBe("function");
    expect(typeof (await lazy.loadSnsAdapters()).SnsAlertPublisher).toBe("function");
    expect(typeof (await lazy.loadSqsAdapters()).SqsCommandQueue).toBe("function");
    expect(typeof (await lazy.loadS3Adapters()).S3ObjectStore).toBe("function");
  });
});
