import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { InMemoryLogger } from "../../src/adapters/memory/in-memory-logger.js";
import { FileIds } from "../../src/entrypoints/consumers/file-messages.js";
import { addFileFlows } from "../../src/entrypoints/in-memory/in-memory-file-flows.js";
import { createInMemoryOrderflow } from "../../src/memory.js";
import type { FileHistory, FileRecord } from "../../src/ports/file-history.js";
import { SEED, scaled, timeoutFor } from "./campaign.js";
import { buildFile, CAMPAIGN_LIMITS, type Plan, planArb } from "./hostile-files.js";

/**
 * Hostile batch files through the in-memory pipeline (validate-file, then
 * extract-orders, then every order's own flows, drained): encodings, layouts,
 * blank and CRLF lines, long lines, nesting, duplicate and prototype keys,
 * hostile text in every field, sizes at and over the limits, hostile names.
 * Each generated file comes with what must become of it (./hostile-files.ts).
 *
 * Holds for every file: no consumer fails, no dead-letter queue holds anything,
 * one history record with valid + invalid = total; a parseable file's counts
 * are exactly the generated ones, its errors name only invalid orders, each
 * valid order is placed exactly once and reaches a final state; a file that
 * cannot be parsed is rejected whole with its reason code and places nothing.
 */

const FILES_PER_RUN = 20;
const RUNS = scaled(100);
const PRODUCTS = [{ sku: "SKU-1", unitPrice: 1250, currency: "BRL", stock: 100_000_000 }];
const FINAL_STATUSES = ["CONFIRMED", "REJECTED"];

const tried = {
  files: 0,
  parseable: 0,
  rejectedWhole: 0,
  orders: { total: 0, valid: 0, invalid: 0 },
  placed: 0,
  byEncoding: {} as Record<string, number>,
  byLayout: {} as Record<string, number>,
  byBreakage: {} as Record<string, number>,
  limitsReached: {} as Record<string, number>,
};
const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};
let folder = 0;

async function allRecords(history: FileHistory): Promise<FileRecord[]> {
  const records: FileRecord[] = [];
  let nextToken: string | undefined;
  do {
    const page = await history.list({ limit: 100, ...(nextToken ? { nextToken } : {}) });
    records.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken);
  return records;
}

/** Runs `plans` as files through one pipeline and checks what became of each. */
async function runFiles(plans: readonly Plan[]): Promise<void> {
  const logger = new InMemoryLogger();
  const flow = createInMemoryOrderflow({ products: PRODUCTS, logger });
  const files = addFileFlows(flow, { limits: CAMPAIGN_LIMITS });
  const uploaded = [];
  for (const plan of plans) {
    const n = ++folder;
    const spec = buildFile(plan, (index) => `fz-${n}-${index}`);
    const { key, etag } = await files.upload(`${n}/${spec.name}`, spec.bytes);
    uploaded.push({ spec, key, version: etag.replace(/"/g, "") });
  }
  await flow.drain();

  expect(logger.entries.filter((entry) => entry.level === "error")).toEqual([]);
  for (const [name, queue] of Object.entries(flow.deadLetterQueues())) expect(queue.size, name).toBe(0);
  const records = new Map((await allRecords(files.history)).map((record) => [record.fileKey, record]));
  expect(records.size).toBe(plans.length);
  const placed = new Map<string, number>();
  for (const event of flow.events("OrderPlaced"))
    placed.set(event.orderId, (placed.get(event.orderId) ?? 0) + 1);

  let expectedPlaced = 0;
  for (const { spec, key, version } of uploaded) {
    const record = records.get(key);
    const file = `${JSON.stringify(key)} (${spec.layout}, ${spec.encoding}, ${spec.breakage})`;
    tried.files++;
    bump(tried.byEncoding, spec.encoding);
    bump(tried.byLayout, spec.layout);
    bump(tried.byBreakage, spec.breakage);
    for (const limit of spec.limitsReached) bump(tried.limitsReached, limit);
    expect(record, file).toBeDefined();
    const { total, valid, invalid } = record!.counts;
    expect(valid + invalid, file).toBe(total);

    if (spec.rejectedWith) {
      tried.rejectedWhole++;
      expect(record!.status, file).toBe("REJECTED");
      expect(spec.rejectedWith, `${file}: ${record!.errors[0]?.message}`).toContain(
        record!.errors[0]?.message.split(":")[0],
      );
      continue;
    }
    tried.parseable++;
    const validAt = spec.entries.flatMap((entry, index) => (entry.valid ? [index] : []));
    const expected = {
      total: spec.entries.length,
      valid: validAt.length,
      invalid: spec.entries.length - validAt.length,
    };
    tried.orders.total += expected.total;
    tried.orders.valid += expected.valid;
    tried.orders.invalid += expected.invalid;
    expect(record!.counts, `${file}: ${describeEntries(spec.entries)}`).toEqual(expected);
    if (expected.total === 0) {
      expect(record!.status, file).toBe("REJECTED");
      expect(record!.errors[0]?.message, file).toMatch(/^FILE_EMPTY: /);
      continue;
    }
    expect(record!.status, file).toBe(expected.valid > 0 ? "EXTRACTED" : "REJECTED");
    for (const error of record!.errors)
      expect(spec.entries[error.index ?? -1]?.valid, `${file}: ${error.message}`).toBe(false);

    const ids = new FileIds(key, version);
    for (const index of validAt) {
      const orderId = spec.entries[index]!.orderId ?? ids.orderId(index);
      expect(placed.get(orderId), `${file}: order ${index}`).toBe(1);
      expect(FINAL_STATUSES, `${file}: order ${index}`).toContain((await flow.api.getOrder(orderId)).status);
    }
    expectedPlaced += validAt.length;
  }
  expect(flow.events("OrderPlaced")).toHaveLength(expectedPlaced);
  tried.placed += expectedPlaced;
}

/** The entries of a file as a failure shows them: validity and (clipped) text. */
function describeEntries(entries: readonly { readonly text: string; readonly valid: boolean }[]): string {
  return JSON.stringify(entries.map((e) => `${e.valid ? "valid" : "invalid"} ${e.text.slice(0, 400)}`));
}

afterAll(() => {
  console.log(`batch-file campaign (seed ${SEED}): ${JSON.stringify(tried)}`);
});

describe("hostile batch files through the in-memory pipeline", () => {
  it(
    `${RUNS * FILES_PER_RUN} generated files: nothing crashes, is lost, duplicated or dead-lettered; every count is right`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(planArb, { minLength: FILES_PER_RUN, maxLength: FILES_PER_RUN }), runFiles),
        { seed: SEED, numRuns: RUNS, endOnFailure: false },
      );
      expect(tried.files).toBeGreaterThanOrEqual(RUNS * FILES_PER_RUN);
    },
    timeoutFor(120_000),
  );
});

/** What the pipeline records for one file. */
async function recordOf(name: string, bytes: Uint8Array | string): Promise<FileRecord> {
  const flow = createInMemoryOrderflow({ products: PRODUCTS });
  const files = addFileFlows(flow, { limits: CAMPAIGN_LIMITS });
  await files.upload(name, bytes);
  await flow.drain();
  for (const [queue, dlq] of Object.entries(flow.deadLetterQueues())) expect(dlq.size, queue).toBe(0);
  const [record] = (await files.history.list()).items;
  return record!;
}

const ORDER_LINE =
  '{"customerId":"c-1","currency":"BRL","items":[{"sku":"SKU-1","quantity":1,"unitPrice":1250}],' +
  '"shippingAddress":{"line1":"Rua A, 1","city":"Recife","postalCode":"50000-000","country":"BR"}}';

// Shrunk counterexamples of the campaign, each the rule it taught the campaign's oracle.
describe("batch-file campaign regressions", () => {
  it("a UTF-16 file over the size limit is rejected for its size: the size is checked before any byte is read", async () => {
    const text = `${ORDER_LINE}\n`.repeat(
      Math.ceil(CAMPAIGN_LIMITS.maxFileBytes / 2 / (ORDER_LINE.length + 1)),
    );
    const record = await recordOf(
      "big.jsonl",
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]),
    );
    expect(record.status).toBe("REJECTED");
    expect(record.errors[0]?.message).toMatch(/^FILE_TOO_LARGE: /);
  });

  it("a NUL byte among the first four rejects a file as not UTF-8; further on, it only spoils its line", async () => {
    const early = await recordOf("early.jsonl", `nul\u0000l\n${ORDER_LINE}\n`);
    expect(early.status).toBe("REJECTED");
    expect(early.errors[0]?.message).toMatch(/^FILE_ENCODING: /);
    const later = await recordOf("later.jsonl", `{"a":1,"b":"\u0000"}\n${ORDER_LINE}\n`);
    expect(later).toMatchObject({ status: "EXTRACTED", counts: { total: 2, valid: 1, invalid: 1 } });
  });

  it("a control character that trimming removes (a trailing tab) leaves the text valid", async () => {
    const line = ORDER_LINE.replace('"city":"Recife"', '"city":"Recife\\u0009 "');
    const record = await recordOf("trimmed.jsonl", `${line}\n`);
    expect(record).toMatchObject({ status: "EXTRACTED", counts: { total: 1, valid: 1, invalid: 0 } });
  });
});
