import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DynamoDbMetricsStore } from "../../../src/adapters/aws/dynamodb-metrics-store.js";
import { toDocumentClient } from "../../../src/adapters/aws/dynamodb-support.js";
import { createTables } from "../../../src/adapters/aws/dynamodb-tables.js";
import { describeMetricsStoreContract } from "../../../src/ports/contracts/metrics-store.contract.js";
import { ServiceUnavailableError } from "../../../src/ports/errors.js";
import type { DynaliteHandle } from "../../support/dynalite.js";
import { startDynalite } from "../../support/dynalite.js";

let dynalite: DynaliteHandle;
const tableName = "metrics";

beforeAll(async () => {
  dynalite = await startDynalite();
  await createTables(dynalite.client, { metrics: tableName });
});
afterAll(async () => {
  await dynalite?.stop();
});

describeMetricsStoreContract("DynamoDbMetricsStore on dynalite", () => ({
  store: new DynamoDbMetricsStore({ client: dynalite.client, tableName }),
}));

describe("DynamoDbMetricsStore on dynalite, what the contract cannot see", () => {
  const day = "2031-03-09T00:00:00.000Z";
  const at = "2031-03-09T14:05:00.000Z";
  const range = (granularity: "hour" | "day") => ({ from: day, to: "2031-03-10T00:00:00.000Z", granularity });

  it("a crash after the hour's write and before the day's: the redelivery completes the day and counts the hour once", async () => {
    const store = new DynamoDbMetricsStore({ client: dynalite.client, tableName });
    // The day's write fails once (the process died before it), the hour's goes through.
    let failDay = true;
    const flaky = new Proxy(toDocumentClient(dynalite.client), {
      get(target, property, receiver) {
        if (property !== "send") return Reflect.get(target, property, receiver);
        return (command: { input?: { Key?: Record<string, unknown> } }) => {
          const period = String(command.input?.Key?.period ?? "");
          if (command instanceof UpdateCommand && period.startsWith("day#") && failDay) {
            failDay = false;
            return Promise.reject(
              Object.assign(new Error("socket hang up"), { name: "TimeoutError", $retryable: {} }),
            );
          }
          return target.send(command as never);
        };
      },
    });
    const crashing = new DynamoDbMetricsStore({ client: flaky, tableName });

    const error = await crashing
      .record("order-9:4:0", at, { "orders.confirmed": 1, "revenue.EUR": 990 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((await store.query(range("hour")))[0]?.counters).toEqual({
      "orders.confirmed": 1,
      "revenue.EUR": 990,
    });
    expect(await store.query(range("day"))).toEqual([]);

    expect(await crashing.record("order-9:4:0", at, { "orders.confirmed": 1, "revenue.EUR": 990 })).toBe(
      true,
    );
    expect((await store.query(range("hour")))[0]?.counters).toEqual({
      "orders.confirmed": 1,
      "revenue.EUR": 990,
    });
    expect((await store.query(range("day")))[0]?.counters).toEqual({
      "orders.confirmed": 1,
      "revenue.EUR": 990,
    });
  });

  it("a bucket's events spread over its shards and read back as one bucket", async () => {
    const store = new DynamoDbMetricsStore({ client: dynalite.client, tableName });
    const hour = "2031-07-01T03:00:00.000Z";
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        store.record(`o-${i}:2:0`, hour, { "orders.rejected": 1, [`rejectedFor.C${i % 2}`]: 1 }),
      ),
    );
    const buckets = await store.query({ from: hour, to: "2031-07-01T04:00:00.000Z", granularity: "hour" });
    expect(buckets).toEqual([
      {
        start: hour,
        granularity: "hour",
        counters: { "orders.rejected": 40, "rejectedFor.C0": 20, "rejectedFor.C1": 20 },
      },
    ]);
  });

  it("a range across month and year boundaries reads every partition it covers", async () => {
    const store = new DynamoDbMetricsStore({ client: dynalite.client, tableName });
    await store.record("y-1:1:0", "2032-12-31T23:30:00.000Z", { "orders.fulfilled": 1 });
    await store.record("y-2:1:0", "2033-01-01T00:30:00.000Z", { "orders.fulfilled": 1 });
    const hours = await store.query({
      from: "2032-12-31T23:00:00.000Z",
      to: "2033-01-01T01:00:00.000Z",
      granularity: "hour",
    });
    expect(hours.map((b) => b.start)).toEqual(["2032-12-31T23:00:00.000Z", "2033-01-01T00:00:00.000Z"]);
    const days = await store.query({
      from: "2032-12-01T00:00:00.000Z",
      to: "2033-02-01T00:00:00.000Z",
      granularity: "day",
    });
    expect(days.map((b) => b.start)).toEqual(["2032-12-31T00:00:00.000Z", "2033-01-01T00:00:00.000Z"]);
  });
});
