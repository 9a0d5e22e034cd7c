import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3ObjectStore } from "../../../src/adapters/aws/s3-object-store.js";
import { InMemoryLogger } from "../../../src/adapters/memory/in-memory-logger.js";
import { runIngestCommand } from "../../../src/entrypoints/cli/ingest-command.js";
import { addFileFlows } from "../../../src/entrypoints/in-memory-file-flows.js";
import { createInMemoryOrderflow } from "../../../src/memory.js";
import { type S3Emulator, startS3 } from "../../support/s3rver.js";

const PRODUCTS = [{ sku: "SKU-1", unitPrice: 1250, currency: "BRL", stock: 1_000_000 }];
const order = (i: number) => ({
  customerId: `c-${i}`,
  currency: "BRL",
  items: [{ sku: "SKU-1", quantity: 1, unitPrice: 1250 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
});

let s3: S3Emulator;
beforeAll(async () => {
  s3 = await startS3("orderflow-files");
});
afterAll(async () => {
  await s3?.stop();
});

describe("batch files on S3 (s3rver)", () => {
  it("validates and extracts a file streamed from S3, resuming with ranged reads", async () => {
    const objects = new S3ObjectStore({ client: s3.client, bucket: s3.bucket });
    const logger = new InMemoryLogger();
    const flow = createInMemoryOrderflow({ products: PRODUCTS, logger });
    let calls = 0;
    // Time runs low every 10th look at the clock: extraction continues with ranged GETs from its checkpoints.
    const files = addFileFlows(flow, {
      objects,
      bucket: s3.bucket,
      remainingTimeMs: () => (++calls % 10 === 0 ? 0 : 900_000),
    });
    const values = Array.from({ length: 2500 }, (_, i) => (i === 1234 ? { customerId: "x" } : order(i)));
    // Over 5 MiB so the upload is multipart, and the object arrives in many chunks.
    const padded = values.map((v) => `${JSON.stringify(v)}${" ".repeat(2100)}`);
    await files.upload("big orders.json", `{"orders": [\n${padded.join(",\n")}\n]}`);
    await flow.drain();

    const [record] = (await files.history.list()).items;
    expect(record).toMatchObject({
      fileKey: "incoming/big orders.json",
      status: "EXTRACTED",
      format: "json",
      counts: { total: 2500, valid: 2499, invalid: 1 },
      checkpoint: { index: 2500, sent: 2499 },
      location: "processed/big orders.json",
    });
    expect(record?.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ index: 1234, path: "currency" })]),
    );
    expect(flow.events("OrderPlaced")).toHaveLength(2499);
    expect(
      logger.entries.filter((e) => e.message === "extraction resumes from checkpoint").length,
    ).toBeGreaterThanOrEqual(4);
    expect(await objects.head("incoming/big orders.json")).toBeUndefined();
    expect(await objects.head("processed/big orders.json")).toBeDefined();
  });

  it("orderflow ingest --bucket stores the file in the bucket and streams it from there", async () => {
    const dir = await mkdtemp(join(tmpdir(), "orderflow-ingest-"));
    try {
      const path = join(dir, "day.jsonl");
      await writeFile(path, Array.from({ length: 30 }, (_, i) => JSON.stringify(order(i))).join("\n"));
      let out = "";
      const code = await runIngestCommand([path, "--bucket", s3.bucket], {
        stdout: (t) => (out += t),
        stderr: () => {},
        env: {},
        objectStore: async (bucket) => new S3ObjectStore({ client: s3.client, bucket }),
      });
      expect(code).toBe(0);
      expect(out).toContain("day.jsonl: EXTRACTED (jsonl");
      expect(out).toContain("object: processed/day.jsonl");
      const stored = new S3ObjectStore({ client: s3.client, bucket: s3.bucket });
      expect(await stored.head("processed/day.jsonl")).toBeDefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
