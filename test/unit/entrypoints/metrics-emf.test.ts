import { describe, expect, it } from "vitest";
import type { RecordMetricsOutcome } from "../../../src/domain/use-cases/record-order-metrics.js";
import {
  BUSINESS_METRICS_NAMESPACE,
  businessMetricLines,
} from "../../../src/entrypoints/consumers/metrics-emf.js";
import { PinoLogger } from "../../../src/entrypoints/logging.js";

const recorded = (counters: Record<string, number>): RecordMetricsOutcome => ({
  outcome: "RECORDED",
  counters,
});

/**
 * The EMF specification (CloudWatch "Embedded metric format specification"):
 * a root `_aws` object with `Timestamp` (epoch ms) and `CloudWatchMetrics`, an
 * array of directives `{ Namespace, Dimensions: [[name, …]], Metrics: [{ Name,
 * Unit? }] }`; every dimension and metric named must be a root member, metric
 * values numbers, dimension values strings; at most 30 dimensions a set, 100
 * metrics a directive.
 */
function expectValidEmf(line: Readonly<Record<string, unknown>>): void {
  const aws = line._aws as { Timestamp: unknown; CloudWatchMetrics: unknown[] };
  expect(Number.isInteger(aws.Timestamp)).toBe(true);
  expect(aws.CloudWatchMetrics.length).toBeGreaterThan(0);
  for (const directive of aws.CloudWatchMetrics as {
    Namespace: string;
    Dimensions: string[][];
    Metrics: { Name: string; Unit?: string }[];
  }[]) {
    expect(directive.Namespace).toMatch(/^[\w./#:-]{1,255}$/);
    expect(directive.Metrics.length).toBeLessThanOrEqual(100);
    for (const set of directive.Dimensions) {
      expect(set.length).toBeLessThanOrEqual(30);
      for (const name of set) expect(typeof line[name]).toBe("string");
    }
    for (const metric of directive.Metrics) {
      expect(typeof line[metric.Name]).toBe("number");
      expect(["Count", "None"]).toContain(metric.Unit);
    }
  }
  // It survives a JSON log line as it is.
  expect(JSON.parse(JSON.stringify(line))).toEqual(line);
}

describe("business metrics as EMF lines", () => {
  it("one line of outcome counts and one of revenue per currency, for the events counted first time only", () => {
    const lines = businessMetricLines(
      [
        recorded({ "orders.confirmed": 1, "revenue.BRL": 2500, "quantity.SKU-1": 2 }),
        recorded({ "orders.confirmed": 1, "revenue.USD": 700 }),
        recorded({ "orders.rejected": 1, "rejectedFor.UNKNOWN_SKU": 1 }),
        { outcome: "DUPLICATE", counters: { "orders.confirmed": 1, "revenue.BRL": 9999 } },
        { outcome: "FAILED", error: new Error("x") },
        { outcome: "IGNORED" },
      ],
      Date.UTC(2030, 0, 15, 10),
    );

    for (const line of lines) expectValidEmf(line);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({
      _aws: {
        Timestamp: Date.UTC(2030, 0, 15, 10),
        CloudWatchMetrics: [{ Namespace: BUSINESS_METRICS_NAMESPACE, Dimensions: [["Service"]] }],
      },
      Service: "orderflow",
      OrdersConfirmed: 2,
      OrdersRejected: 1,
      OrdersFulfilled: 0,
      OrdersCancelled: 0,
      OrdersPaymentFailed: 0,
    });
    expect(lines.slice(1).map((l) => [l.Currency, l.Revenue])).toEqual([
      ["BRL", 2500],
      ["USD", 700],
    ]);
  });

  it("no line when nothing was counted for the first time", () => {
    expect(businessMetricLines([{ outcome: "DUPLICATE", counters: { "orders.fulfilled": 1 } }], 0)).toEqual(
      [],
    );
  });

  it("written through the logger, each line is an EMF document at the top level of its JSON line", () => {
    const lines: string[] = [];
    const logger = PinoLogger.create({
      level: "info",
      destination: { write: (line: string) => void lines.push(line) },
    });
    const [emf] = businessMetricLines([recorded({ "orders.fulfilled": 1 })], 1_900_000_000_000);
    logger.child({ flow: "record-metrics" }).info("business metrics", emf);

    const written = JSON.parse(lines[0]!) as Record<string, unknown>;
    expectValidEmf(written);
    expect(written).toMatchObject({ _aws: emf!._aws, OrdersFulfilled: 1, Service: "orderflow" });
  });
});
