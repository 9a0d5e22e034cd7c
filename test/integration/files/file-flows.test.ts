import { describe, expect, it } from "vitest";
import { InMemoryLogger } from "../../../src/adapters/memory/in-memory-logger.js";
import { FileIds } from "../../../src/entrypoints/consumers/file-messages.js";
import { s3PutEvent } from "../../../src/entrypoints/consumers/s3-events.js";
import {
  addFileFlows,
  FILE_INTAKE_QUEUE_NAME,
} from "../../../src/entrypoints/in-memory/in-memory-file-flows.js";
import { createInMemoryOrderflow } from "../../../src/memory.js";
import type { FileRecord } from "../../../src/ports/file-history.js";

const PRODUCTS = [{ sku: "SKU-1", unitPrice: 1250, currency: "BRL", stock: 1_000_000 }];

const order = (i: number, overrides: Record<string, unknown> = {}) => ({
  customerId: `c-${i}`,
  currency: "BRL",
  items: [{ sku: "SKU-1", quantity: 1 + (i % 3), unitPrice: 1250 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
  ...overrides,
});
const jsonl = (values: readonly unknown[]) => values.map((v) => `${JSON.stringify(v)}\n`).join("");
const orders = (n: number) => Array.from({ length: n }, (_, i) => order(i));

function setup(options: Parameters<typeof addFileFlows>[1] = {}) {
  const logger = new InMemoryLogger();
  const flow = createInMemoryOrderflow({ products: PRODUCTS, logger });
  const files = addFileFlows(flow, options);
  const records = async (): Promise<FileRecord[]> => [...(await files.history.list({ limit: 100 })).items];
  const alerts = () =>
    flow.alerts.published.map((p) => ({ ...JSON.parse(p.message), attributes: p.attributes }));
  return { flow, files, logger, records, alerts };
}

/** The one history record there should be, after the pipeline ran. */
async function onlyRecord(records: () => Promise<FileRecord[]>): Promise<FileRecord> {
  const all = await records();
  expect(all).toHaveLength(1);
  return all[0]!;
}

describe("batch files through the in-memory pipeline", () => {
  it("a valid JSON Lines file: validated, extracted, moved to processed/, its orders confirmed", async () => {
    const { flow, files, records, alerts, logger } = setup();
    const { key, etag } = await files.upload("orders.jsonl", jsonl(orders(25)));
    await flow.drain();

    const record = await onlyRecord(records);
    expect(record).toMatchObject({
      fileKey: "incoming/orders.jsonl",
      fileVersion: etag.replace(/"/g, ""),
      status: "EXTRACTED",
      format: "jsonl",
      counts: { total: 25, valid: 25, invalid: 0 },
      errors: [],
      checkpoint: { index: 25, sent: 25 },
      location: "processed/orders.jsonl",
    });
    expect(alerts()).toEqual([]);
    expect(await files.objects.head(key)).toBeUndefined();
    expect(await files.objects.head("processed/orders.jsonl")).toBeDefined();

    const ids = new FileIds(key, record.fileVersion);
    const view = await flow.api.getOrder(ids.orderId(7));
    expect(view).toMatchObject({ orderId: ids.orderId(7), customerId: "c-7", status: "CONFIRMED" });
    expect(flow.events("OrderPlaced")).toHaveLength(25);
    expect(logger.entries.map((e) => e.message)).toContain("file valid: 25 orders, 25 valid, 0 invalid");
  });

  it("a partially valid JSON document: the valid orders go on, each invalid one is reported by index and path", async () => {
    const { flow, files, records, alerts } = setup();
    const doc = {
      orders: [
        order(0, { orderId: "mine-0" }),
        order(1, { currency: "real" }),
        order(2),
        { nope: true },
        order(4),
      ],
    };
    await files.upload("batch.json", JSON.stringify(doc, null, 2));
    await flow.drain();

    const record = await onlyRecord(records);
    expect(record).toMatchObject({
      status: "EXTRACTED",
      format: "json",
      counts: { total: 5, valid: 3, invalid: 2 },
      location: "processed/batch.json",
    });
    expect(record.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ index: 1, path: "currency" }),
        expect.objectContaining({ index: 3, path: "customerId" }),
      ]),
    );
    expect(alerts()).toEqual([
      expect.objectContaining({
        kind: "FILE_PARTIALLY_VALID",
        severity: "WARNING",
        attributes: expect.objectContaining({
          status: "PARTIALLY_VALID",
          fileKey: "incoming/batch.json",
          invalidCount: "2",
        }),
      }),
    ]);
    expect((await flow.api.getOrder("mine-0")).status).toBe("CONFIRMED");
    expect(flow.events("OrderPlaced").map((e) => e.orderId)).toHaveLength(3);
  });

  it("an order whose id another order holds is not placed: an alert names it, the others go on", async () => {
    const { flow, files, alerts } = setup();
    await flow.api.placeOrder({ ...order(0), orderId: "taken-1" });
    await files.upload(
      "clash.jsonl",
      jsonl([order(1, { orderId: "taken-1" }), order(2, { orderId: "free-2" })]),
    );
    await flow.drain();

    expect((await flow.api.getOrder("taken-1")).customerId).toBe("c-0");
    expect((await flow.api.getOrder("free-2")).status).toBe("CONFIRMED");
    expect(alerts()).toEqual([
      expect.objectContaining({
        kind: "FILE_ORDER_ID_TAKEN",
        message: expect.stringContaining('"orders":[{"index":0,"orderId":"taken-1"}]'),
      }),
    ]);
    // Each valid order is placed once.
    expect(flow.events("OrderPlaced").filter((event) => event.orderId === "free-2")).toHaveLength(1);
  });

  it("an unparseable file is rejected whole: alert, rejected/, no orders", async () => {
    const { flow, files, records, alerts } = setup();
    await files.upload("broken.json", `{"orders": [${JSON.stringify(order(0))}, {"customerId": }]}`);
    await flow.drain();

    const record = await onlyRecord(records);
    expect(record).toMatchObject({ status: "REJECTED", location: "rejected/broken.json" });
    expect(record.errors[0]?.message).toBe(
      "FILE_NOT_PARSEABLE: order 1: invalid JSON at byte 15 of the order",
    );
    expect(alerts()).toEqual([
      expect.objectContaining({
        kind: "FILE_REJECTED",
        attributes: expect.objectContaining({ status: "REJECTED", reason: "FILE_NOT_PARSEABLE" }),
      }),
    ]);
    expect(flow.events("OrderPlaced")).toEqual([]);
    expect(await files.objects.head("rejected/broken.json")).toBeDefined();
  });

  it("an empty file is rejected", async () => {
    const { flow, files, records, alerts } = setup();
    await files.upload("empty.jsonl", "\n\n");
    await flow.drain();
    const record = await onlyRecord(records);
    expect(record).toMatchObject({
      status: "REJECTED",
      counts: { total: 0, valid: 0, invalid: 0 },
      location: "rejected/empty.jsonl",
    });
    expect(record.errors[0]?.message).toMatch(/^FILE_EMPTY/);
    expect(alerts().map((a) => a.kind)).toEqual(["FILE_REJECTED"]);
  });

  it("a line over the size limit is one invalid order, not a crash", async () => {
    const { flow, files, records } = setup({ limits: { maxOrderBytes: 1024 } });
    const huge = order(1, { customerId: "x".repeat(5000) });
    await files.upload("huge.jsonl", jsonl([order(0), huge, order(2)]));
    await flow.drain();
    const record = await onlyRecord(records);
    expect(record).toMatchObject({ status: "EXTRACTED", counts: { total: 3, valid: 2, invalid: 1 } });
    expect(record.errors).toEqual([
      { index: 1, path: "", message: "line 2: the order is larger than 1024 bytes" },
    ]);
    expect(flow.events("OrderPlaced")).toHaveLength(2);
  });

  it("a UTF-8 byte-order mark is skipped; UTF-16 and invalid UTF-8 reject the file", async () => {
    const { flow, files, records, alerts } = setup();
    await files.upload("bom.jsonl", `\ufeff${jsonl(orders(2))}`);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(jsonl(orders(2)), "utf16le")]);
    await files.upload("utf16.jsonl", utf16);
    await files.upload("latin1.jsonl", Buffer.from(jsonl([order(0, { customerId: "José" })]), "latin1"));
    await flow.drain();

    const byKey = Object.fromEntries((await records()).map((r) => [r.fileKey, r]));
    expect(byKey["incoming/bom.jsonl"]).toMatchObject({ status: "EXTRACTED", counts: { valid: 2 } });
    expect(byKey["incoming/utf16.jsonl"]).toMatchObject({
      status: "REJECTED",
      location: "rejected/utf16.jsonl",
    });
    expect(byKey["incoming/utf16.jsonl"]?.errors[0]?.message).toMatch(/^FILE_ENCODING: .*UTF-16/);
    expect(byKey["incoming/latin1.jsonl"]).toMatchObject({
      status: "REJECTED",
      location: "rejected/latin1.jsonl",
    });
    expect(byKey["incoming/latin1.jsonl"]?.errors[0]?.message).toMatch(
      /^FILE_ENCODING: the file is not valid UTF-8 \(at byte \d+\)/,
    );
    expect(
      alerts()
        .map((a) => a.attributes.reason)
        .sort(),
    ).toEqual(["FILE_ENCODING", "FILE_ENCODING"]);
    expect(flow.events("OrderPlaced")).toHaveLength(2);
  });

  it("the same notification twice: one history record, one alert, one set of orders", async () => {
    const { flow, files, records, alerts } = setup();
    const { etag } = await files.upload("twice.jsonl", jsonl([...orders(12), { bad: 1 }]));
    const body = s3PutEvent({
      bucket: "orderflow-files",
      key: "incoming/twice.jsonl",
      size: 1,
      etag,
      sequencer: "01",
      eventTime: new Date(),
    });
    await files.intake.queue.send([{ body }]);
    await flow.drain();
    // And once more, long after the first was done.
    await files.intake.queue.send([{ body }]);
    await flow.drain();

    const record = await onlyRecord(records);
    expect(record).toMatchObject({ status: "EXTRACTED", counts: { total: 13, valid: 12, invalid: 1 } });
    expect(alerts()).toHaveLength(1);
    expect(flow.events("OrderPlaced")).toHaveLength(12);
    expect(new Set(flow.events("OrderPlaced").map((e) => e.orderId)).size).toBe(12);
  });

  it("duplicate deliveries of a standard queue change nothing either", async () => {
    const logger = new InMemoryLogger();
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const flow = createInMemoryOrderflow({ products: PRODUCTS, logger, duplicateDeliveryRate: 0.5, random });
    const files = addFileFlows(flow);
    for (let i = 0; i < 4; i++) await files.upload(`f${i}.jsonl`, jsonl(orders(15)));
    await flow.drain();
    const all = (await files.history.list({ limit: 10 })).items;
    expect(all.map((r) => r.status)).toEqual(["EXTRACTED", "EXTRACTED", "EXTRACTED", "EXTRACTED"]);
    expect(flow.events("OrderPlaced")).toHaveLength(60);
  });

  it("the s3:TestEvent is acknowledged and does nothing", async () => {
    const { flow, files, records, alerts, logger } = setup();
    await files.intake.queue.send([
      {
        body: JSON.stringify({
          Service: "Amazon S3",
          Event: "s3:TestEvent",
          Time: "2026-01-01T00:00:00.000Z",
          Bucket: "orderflow-files",
          RequestId: "R",
          HostId: "H",
        }),
      },
    ]);
    const report = await flow.drain();
    expect(report).toMatchObject({
      failures: 0,
      deadLettered: expect.objectContaining({ [`${FILE_INTAKE_QUEUE_NAME}-dlq`]: 0 }),
    });
    expect(await records()).toEqual([]);
    expect(alerts()).toEqual([]);
    expect(logger.entries.map((e) => e.message)).toContain("S3 test event acknowledged");
  });

  it("a body that is no S3 event is acknowledged with an alert, not retried into the DLQ", async () => {
    const { flow, files, alerts } = setup();
    await files.intake.queue.send([{ body: "hello" }]);
    const report = await flow.drain();
    expect(report.failures).toBe(0);
    expect(alerts().map((a) => a.kind)).toEqual(["MALFORMED_MESSAGE"]);
  });

  it("a long extraction continues from its checkpoint in later invocations", async () => {
    let calls = 0;
    // Time runs low at every 5th look at the clock (every 250 orders).
    const remainingTimeMs = () => (++calls % 5 === 0 ? 1_000 : 600_000);
    const { flow, files, records, logger } = setup({ checkpointEvery: 100, remainingTimeMs });
    await files.upload("long.json", JSON.stringify({ orders: orders(3000) }));
    await flow.drain();
    const record = await onlyRecord(records);
    expect(record).toMatchObject({
      status: "EXTRACTED",
      checkpoint: { index: 3000, sent: 3000 },
      location: "processed/long.json",
    });
    expect(flow.events("OrderPlaced")).toHaveLength(3000);
    const pauses = logger.entries.filter((e) => e.message.startsWith("extraction paused"));
    const resumes = logger.entries.filter((e) => e.message === "extraction resumes from checkpoint");
    expect(pauses).toHaveLength(12);
    expect(resumes.map((e) => (e.fields.checkpoint as { index: number }).index)).toEqual([
      250, 500, 750, 1000, 1250, 1500, 1750, 2000, 2250, 2500, 2750, 3000,
    ]);
  });

  it("file names with spaces and non-ASCII characters survive the notification's URL encoding", async () => {
    const { flow, files, records } = setup();
    await files.upload("março 2026/pedidos do dia.jsonl", jsonl(orders(3)));
    await flow.drain();
    const record = await onlyRecord(records);
    expect(record).toMatchObject({
      fileKey: "incoming/março 2026/pedidos do dia.jsonl",
      status: "EXTRACTED",
      location: "processed/março 2026/pedidos do dia.jsonl",
    });
  });
});
