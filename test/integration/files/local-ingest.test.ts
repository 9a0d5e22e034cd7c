import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InMemoryLogger } from "../../../src/adapters/memory/in-memory-logger.js";
import { runIngestCommand } from "../../../src/entrypoints/cli/ingest-command.js";
import { FileIds } from "../../../src/entrypoints/consumers/file-messages.js";
import { startLocalRunner } from "../../../src/entrypoints/local/local-runner.js";

const order = (i: number, sku = "CAFE-ESPRESSO-250G") => ({
  customerId: `c-${i}`,
  currency: "BRL",
  items: [{ sku, quantity: 1, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
});

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "orderflow-files-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("local ways in for batch files", () => {
  it("a file dropped in the local runner's inbox: summary in the log, orders at GET /orders/{id}", async () => {
    const logger = new InMemoryLogger();
    const runner = await startLocalRunner({
      port: 0,
      inbox: join(dir, "inbox"),
      logger,
      pollIntervalMs: 20,
    });
    try {
      const { files } = runner.backend;
      const body = [order(0), { ...order(1), orderId: "inbox-1" }, { nope: 1 }]
        .map((o) => JSON.stringify(o))
        .join("\n");
      await writeFile(join(runner.inbox, "drop.jsonl"), body);

      await expect
        .poll(async () => (await files.history.list()).items[0]?.status, { timeout: 10_000 })
        .toBe("EXTRACTED");
      await runner.settle();
      const summary = logger.entries.find((e) => e.message.startsWith("file partially valid"));
      expect(summary?.message).toBe("file partially valid: 3 orders, 2 valid, 1 invalid");

      const response = await fetch(`${runner.url}/orders/inbox-1`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ orderId: "inbox-1", status: "CONFIRMED" });
      const record = (await files.history.list()).items[0]!;
      const generated = new FileIds("incoming/drop.jsonl", record.fileVersion).orderId(0);
      expect(await (await fetch(`${runner.url}/orders/${generated}`)).json()).toMatchObject({
        customerId: "c-0",
      });
    } finally {
      await runner.stop();
    }
  });

  it("orderflow ingest <file> runs the file through the pipeline and reports", async () => {
    const path = join(dir, "batch.json");
    await writeFile(
      path,
      JSON.stringify({ orders: [order(0), order(1), order(2, "NO-SUCH-SKU"), { customerId: "" }] }),
    );
    let out = "";
    let err = "";
    const code = await runIngestCommand([path], {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      env: {},
    });
    expect(err).toBe("");
    expect(code).toBe(0);
    expect(out).toContain("batch.json: EXTRACTED (json,");
    expect(out).toContain("orders: 4 total, 3 valid, 1 invalid");
    expect(out).toContain("object: processed/batch.json");
    expect(out).toContain("order 3 customerId:");
    expect(out).toContain("in the pipeline: 2 CONFIRMED, 1 REJECTED");
  });

  it("orderflow ingest shows a progress line for large files and exits 1 for a rejected one", async () => {
    const path = join(dir, "big.jsonl");
    // Long addresses: past the 4 MiB that turns the progress line on, with few orders.
    const line = `${JSON.stringify({ ...order(0), shippingAddress: { ...order(0).shippingAddress, line1: "R".repeat(200), line2: "L".repeat(200) } })}\n`;
    await writeFile(path, `${line.repeat(10_000)}{"customerId": \n`.replace(/\n$/, "") + "\u0000");
    let err = "";
    let out = "";
    const code = await runIngestCommand([path], {
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      env: {},
      progressInPlace: false,
    });
    expect(err).toMatch(/validating big\.jsonl: 4\.0 \/ [\d.]+ MB \(\d+%\), [\d,]+ orders/);
    expect(out).toContain("big.jsonl: EXTRACTED (jsonl");
    expect(out).toContain("orders: 10001 total, 10000 valid, 1 invalid");
    expect(code).toBe(0);

    const bad = join(dir, "utf16.jsonl");
    await writeFile(bad, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(line, "utf16le")]));
    expect(await runIngestCommand([bad], { stdout: () => {}, stderr: () => {}, env: {} })).toBe(1);
  });

  it("orderflow ingest without a file is a usage error", async () => {
    let err = "";
    expect(await runIngestCommand([], { stdout: () => {}, stderr: (t) => (err += t), env: {} })).toBe(2);
    expect(err).toContain("Usage: orderflow ingest <file>");
  });
});
