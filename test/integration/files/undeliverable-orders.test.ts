import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/adapters/memory/clocks.js";
import { InMemoryLogger } from "../../../src/adapters/memory/in-memory-logger.js";
import { InMemoryQueue } from "../../../src/adapters/memory/in-memory-queue.js";
import { addFileFlows } from "../../../src/entrypoints/in-memory/in-memory-file-flows.js";
import { InMemoryQueueDriver } from "../../../src/entrypoints/in-memory/in-memory-orderflow.js";
import { createInMemoryOrderflow } from "../../../src/memory.js";
import { asksFor, RefusingQueue } from "../../support/refusing-queue.js";

/**
 * One order of a file that the intake queue refuses for good (what it holds
 * cannot be carried) never costs the file its good ones: it is recorded as
 * invalid in the file's history and the others are placed. Validation refuses
 * such characters now, so the refusal is injected at the queue. A failure a
 * retry may fix still fails the extraction, which resumes from its checkpoint.
 */

const PRODUCTS = [{ sku: "SKU-1", unitPrice: 1250, currency: "BRL", stock: 1_000_000 }];
const order = (i: number, overrides: Record<string, unknown> = {}) => ({
  customerId: `c-${i}`,
  currency: "BRL",
  items: [{ sku: "SKU-1", quantity: 1, unitPrice: 1250 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
  ...overrides,
});
/** 100 orders, each under its own id (`o-<i>`), one a line. */
const hundredOrders = () =>
  Array.from({ length: 100 }, (_, i) => `${JSON.stringify(order(i, { orderId: `o-${i}` }))}\n`).join("");

function setup(options: { checkpointEvery?: number } = {}) {
  const logger = new InMemoryLogger();
  const clock = new ManualClock();
  const intakeDlq = new InMemoryQueue({ name: "orderflow-intake-dlq.fifo", clock });
  const intake = new InMemoryQueue({
    name: "orderflow-intake.fifo",
    clock,
    maxReceiveCount: 3,
    deadLetterQueue: intakeDlq,
  });
  const refusing = new RefusingQueue(intake, asksFor("o-42"));
  const flow = createInMemoryOrderflow({
    products: PRODUCTS,
    logger,
    clock,
    queues: {
      intake: {
        queue: refusing,
        driver: new InMemoryQueueDriver(intake),
        deadLetterDriver: new InMemoryQueueDriver(intakeDlq),
      },
    },
  });
  const files = addFileFlows(flow, options);
  const deadLettered = () =>
    Object.values({ ...flow.deadLetterQueues(), [intakeDlq.name]: intakeDlq }).reduce(
      (n, q) => n + q.size,
      0,
    );
  const placedTimes = (orderId: string) =>
    flow.events("OrderPlaced").filter((e) => e.orderId === orderId).length;
  return { flow, files, logger, refusing, deadLettered, placedTimes };
}

describe("an order the intake queue refuses for good, in a batch file", () => {
  it("100 orders, one refused: 99 created, the history names the one, nothing dead-lettered", async () => {
    const { flow, files, logger, deadLettered, placedTimes } = setup();
    await files.upload("day.jsonl", hundredOrders());
    await flow.drain();

    const [record] = (await files.history.list()).items;
    expect(record).toMatchObject({
      status: "EXTRACTED",
      counts: { total: 100, valid: 99, invalid: 1 },
      checkpoint: { index: 100, sent: 99 },
      location: "processed/day.jsonl",
    });
    expect(record?.errors).toEqual([
      expect.objectContaining({ index: 42, message: expect.stringContaining("refused order o-42 for good") }),
    ]);
    for (let i = 0; i < 100; i++) expect(placedTimes(`o-${i}`)).toBe(i === 42 ? 0 : 1);
    expect((await flow.api.getOrder("o-41")).status).toBe("CONFIRMED");
    await expect(flow.api.getOrder("o-42")).rejects.toMatchObject({ code: "ORDER_NOT_FOUND" });
    expect(deadLettered()).toBe(0);

    const alert = flow.alerts.published.find((a) => a.attributes?.kind === "FILE_PARTIALLY_VALID");
    expect(alert?.attributes).toMatchObject({ fileKey: "incoming/day.jsonl", invalidCount: "1" });
    expect(JSON.parse(JSON.parse(alert!.message).message)).toMatchObject({
      counts: { total: 100, valid: 99, invalid: 1 },
      errors: [expect.objectContaining({ index: 42 })],
    });
    expect(logger.entries.map((e) => e.message)).toContain("file extracted: 99 orders placed");
    expect(logger.entries.map((e) => e.message)).toContain(
      "orders refused for good by the intake queue, recorded as invalid: 1",
    );
    expect(logger.entries.filter((e) => e.level === "error")).toEqual([]);
  });

  it("a refusal that a retry may fix fails the extraction, which resumes from its checkpoint: each order placed once", async () => {
    const { flow, files, logger, refusing, deadLettered, placedTimes } = setup({ checkpointEvery: 20 });
    refusing.failNext(1, asksFor("o-57"));
    await files.upload("day.jsonl", hundredOrders());
    const report = await flow.drain();

    expect(report.failures).toBe(1);
    const [record] = (await files.history.list()).items;
    expect(record).toMatchObject({
      status: "EXTRACTED",
      counts: { total: 100, valid: 99, invalid: 1 },
      checkpoint: { index: 100, sent: 99 },
    });
    // The retry resumed from the checkpoint before both (index 40): o-42 was refused again, yet counted once.
    expect(
      logger.entries.find((e) => e.message === "extraction resumes from checkpoint")?.fields,
    ).toMatchObject({
      checkpoint: { index: 40 },
    });
    expect(refusing.refused.filter(asksFor("o-42"))).toHaveLength(2);
    expect(refusing.refused.filter(asksFor("o-57"))).toHaveLength(1);
    for (let i = 0; i < 100; i++) expect(placedTimes(`o-${i}`)).toBe(i === 42 ? 0 : 1);
    expect(deadLettered()).toBe(0);
  });
});

describe("validation counts text no transport carries as invalid, as the API refuses it", () => {
  // Each order as a line of JSON text, with its hostile text spelled as the file spells it.
  const line = (customerId: string, address: Record<string, string> = {}) =>
    `{"customerId":"${customerId}","currency":"BRL","items":[{"sku":"SKU-1","quantity":1,"unitPrice":1250}],` +
    `"shippingAddress":{"line1":"${address.line1 ?? "Rua A, 1"}","city":"${address.city ?? "Recife"}",` +
    `"postalCode":"50000-000","country":"BR"${address.line2 ? `,"line2":"${address.line2}"` : ""}}}`;
  const lines = [
    line("good-0"),
    line("escaped-\\uffff"),
    line("raw-\uffff"),
    line("c-3", { line1: "lone \\ud800 escape" }),
    line("c-4", { city: "raw \ufffe" }),
    line("good-5"),
    line("c-6", { line2: "\\udc00 trailing half" }),
    line("pair-\\ud83d\\ude00"),
    line("raw pair \u{1f600}"),
  ];
  const invalid = [
    { index: 1, path: "customerId" },
    { index: 2, path: "customerId" },
    { index: 3, path: "shippingAddress.line1" },
    { index: 4, path: "shippingAddress.city" },
    { index: 6, path: "shippingAddress.line2" },
  ];

  it.each([
    ["JSON Lines", "hostile.jsonl", lines.join("\n")],
    ["a JSON document", "hostile.json", `{"orders":[\n${lines.join(",\n")}\n]}`],
  ])("in %s: 9 orders, 4 valid and placed, 5 invalid by index and path", async (_format, name, body) => {
    const { flow, files, logger, deadLettered } = setup();
    await files.upload(name, body);
    await flow.drain();

    const [record] = (await files.history.list()).items;
    expect(record).toMatchObject({ status: "EXTRACTED", counts: { total: 9, valid: 4, invalid: 5 } });
    expect(record?.errors.map(({ index, path }) => ({ index, path }))).toEqual(invalid);
    expect(record?.errors[0]?.message).toContain("U+FFFF");
    expect(logger.entries.map((e) => e.message)).toContain(
      "file partially valid: 9 orders, 4 valid, 5 invalid",
    );
    expect(flow.events("OrderPlaced")).toHaveLength(4);
    expect(deadLettered()).toBe(0);
  });

  it.each([
    ["a surrogate encoded in UTF-8", [0xed, 0xa0, 0x80]],
    ["a byte that starts nothing", [0xff]],
  ])("bytes that are not UTF-8 (%s) reject the file whole, at their offset", async (_what, bytes) => {
    for (const [name, before, after] of [
      ["bad.jsonl", `${line("good-0")}\n{"customerId":"`, `"}\n`],
      ["bad.json", `[${line("good-0")},{"customerId":"`, `"}]`],
    ] as const) {
      const { flow, files, deadLettered } = setup();
      const body = Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
      await files.upload(name, body);
      await flow.drain();

      const [record] = (await files.history.list()).items;
      expect(record, name).toMatchObject({ status: "REJECTED", location: `rejected/${name}` });
      expect(record?.errors[0]?.message, name).toMatch(/^FILE_ENCODING: .*byte/);
      expect(record?.errors[0]?.message, name).toContain(String(Buffer.byteLength(before)));
      expect(flow.events("OrderPlaced"), name).toEqual([]);
      expect(deadLettered()).toBe(0);
    }
  });
});
