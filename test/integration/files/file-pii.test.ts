import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { InMemoryLogger } from "../../../src/adapters/memory/in-memory-logger.js";
import { OrderFileReader } from "../../../src/domain/files/order-file-reader.js";
import { addFileFlows } from "../../../src/entrypoints/in-memory/in-memory-file-flows.js";
import { createInMemoryOrderflow } from "../../../src/memory.js";

const PRODUCTS = [{ sku: "SKU-1", unitPrice: 1250, currency: "BRL", stock: 1_000 }];
/** Stands for a customer's address: it must appear nowhere but in the file itself. */
const SECRET = "Rua Zanzibar 4471";

const order = (i: number) => ({
  customerId: `c-${i}`,
  currency: "BRL",
  items: [{ sku: "SKU-1", quantity: 1, unitPrice: 1250 }],
  shippingAddress: { line1: "Rua A, 1", city: "Recife", postalCode: "50000-000", country: "BR" },
});
/** An order whose address was written without quotes: JSON.parse quotes the text around the fault. */
const brokenOrder = `{"customerId":"c-9","currency":"BRL","shippingAddress":{"line1": ${SECRET}}}`;

function setup() {
  const logger = new InMemoryLogger();
  const flow = createInMemoryOrderflow({ products: PRODUCTS, logger });
  const files = addFileFlows(flow);
  /** Everything the pipeline wrote about the file: history records, alerts, log lines. */
  const traces = async (): Promise<string> =>
    JSON.stringify({
      records: (await files.history.list({ limit: 100 })).items,
      alerts: flow.alerts.published,
      logs: logger.entries,
    });
  return { flow, files, traces };
}

describe("what the file flows report never quotes an order", () => {
  it("JSON Lines: a broken line is reported by line and byte, without its text", async () => {
    const { flow, files, traces } = setup();
    await files.upload("mixed.jsonl", `${JSON.stringify(order(0))}\n${brokenOrder}\n`);
    await flow.drain();

    const [record] = (await files.history.list({ limit: 10 })).items;
    expect(record?.counts).toEqual({ total: 2, valid: 1, invalid: 1 });
    expect(record?.errors).toEqual([
      {
        index: 1,
        path: "",
        message: `line 2: invalid JSON at byte ${brokenOrder.indexOf(SECRET)} of the order`,
      },
    ]);
    expect(flow.alerts.published).toHaveLength(1);
    expect(await traces()).not.toContain("Zanzibar");
  });

  it("JSON document: the file is rejected with the order's index and the byte, without its text", async () => {
    const { flow, files, traces } = setup();
    const prefix = `{"orders": [${JSON.stringify(order(0))}, `;
    await files.upload("broken.json", `${prefix}${brokenOrder}]}`);
    await flow.drain();

    const [record] = (await files.history.list({ limit: 10 })).items;
    expect(record?.status).toBe("REJECTED");
    expect(record?.errors[0]?.message).toBe(
      `FILE_NOT_PARSEABLE: order 1: invalid JSON at byte ${brokenOrder.indexOf(SECRET)} of the order`,
    );
    expect(flow.alerts.published).toHaveLength(1);
    expect(await traces()).not.toContain("Zanzibar");
  });

  it("the reader's own errors carry positions only", () => {
    const lines = new OrderFileReader({ format: "jsonl" });
    const entries = [...lines.write(new TextEncoder().encode(`${brokenOrder}\n`)), ...lines.end()];
    expect(entries.map((e) => e.error)).toEqual([
      `invalid JSON at byte ${brokenOrder.indexOf(SECRET)} of the order`,
    ]);

    const document = new OrderFileReader({ format: "json" });
    let thrown: unknown;
    try {
      document.write(new TextEncoder().encode(`[${brokenOrder}]`));
      document.end();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: "FILE_NOT_PARSEABLE", byteOffset: 1 + brokenOrder.indexOf(SECRET) });
    expect(JSON.stringify(thrown)).not.toContain("Zanzibar");
    expect((thrown as Error).message).not.toContain("Zanzibar");
  });

  it("a malformed queue message is alerted by length and hash, never by its text", async () => {
    const { flow, files, traces } = setup();
    const intakeBody = `not an S3 event: ${SECRET}`;
    const extractionBody = `{"type": "ExtractFile", "fileKey": ${SECRET}}`;
    await files.intake.queue.send([{ body: intakeBody }]);
    await files.extraction.queue.send([{ body: extractionBody }]);
    const report = await flow.drain();

    expect(report.failures).toBe(0);
    // The topic holds each alert as JSON; the alert's own message is JSON too.
    const alerts = flow.alerts.published.map(
      (p) => JSON.parse((JSON.parse(p.message) as { message: string }).message) as Record<string, unknown>,
    );
    const sha = (body: string) => createHash("sha256").update(body).digest("hex");
    expect(alerts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          flow: "validate-file",
          bodyBytes: Buffer.byteLength(intakeBody),
          bodySha256: sha(intakeBody).slice(0, 16),
        }),
        expect.objectContaining({
          flow: "extract-orders",
          bodyBytes: Buffer.byteLength(extractionBody),
          bodySha256: sha(extractionBody).slice(0, 16),
          issues: [
            {
              path: "",
              code: "INVALID_JSON",
              message: `invalid JSON at byte ${extractionBody.indexOf(SECRET)} of the message body`,
            },
          ],
        }),
      ]),
    );
    expect(alerts).toHaveLength(2);
    expect(await traces()).not.toContain("Zanzibar");
  });
});
