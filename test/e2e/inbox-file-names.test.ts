import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InMemoryLogger } from "../../src/adapters/memory/in-memory-logger.js";
import { type LocalRunner, startLocalRunner } from "../../src/entrypoints/local/local-runner.js";
import type { MemoryBackend } from "../../src/entrypoints/local/memory-backend.js";

/**
 * Files named with what a file system allows and a queue or topic refuses
 * (U+FFFE, U+FFFF, control characters), and what URL encoding must get right
 * (spaces, `+`, `%`, parentheses, non-ASCII, names near the 255-byte limit),
 * dropped into the local runner's inbox: each is validated and extracted
 * under its own name, each alert names it, nothing reaches a dead-letter queue, and each
 * file moves to the inbox's `processed/` folder under its name.
 */

const NAMES = [
  "space and+plus %25 (1) ~!'*.jsonl",
  "nonchar \ufffe\uffff.jsonl",
  "control \u0001\u0007\u001b\u007f\u0085.jsonl",
  "tab\tand\nline break.jsonl",
  "unicode ünï 日本 😀.jsonl",
  `${"l".repeat(244)}.jsonl`,
  `${"é".repeat(122)}.jsonl`,
];
const order = (customerId: string) => ({
  customerId,
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 1, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
});

let dir: string;
let runner: LocalRunner<MemoryBackend>;
const logger = new InMemoryLogger();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "orderflow-names-"));
  runner = await startLocalRunner({
    port: 0,
    inbox: join(dir, "inbox"),
    logger,
    pollIntervalMs: 20,
  });
});
afterAll(async () => {
  await runner?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("hostile file names through the local runner's inbox", () => {
  it("each file is extracted under the very name it was dropped with; no dead-letter queue holds anything", async () => {
    const { files, flow } = runner.backend;
    // One valid order and one invalid each, so that every file's alert names it too.
    for (const [i, name] of NAMES.entries())
      await writeFile(join(runner.inbox, name), `${JSON.stringify(order(`c-${i}`))}\n{"nope":1}\n`);

    await expect
      .poll(
        async () =>
          (await files.history.list({ limit: 100 })).items.filter((r) => r.status === "EXTRACTED").length,
        { timeout: 15_000 },
      )
      .toBe(NAMES.length);
    await runner.settle();

    const records = (await files.history.list({ limit: 100 })).items;
    expect(records.map((r) => r.fileKey).sort()).toEqual(NAMES.map((name) => `incoming/${name}`).sort());
    for (const record of records) {
      expect(record).toMatchObject({ counts: { total: 2, valid: 1, invalid: 1 } });
      expect(record.location).toBe(`processed/${record.fileKey.slice("incoming/".length)}`);
    }
    const alerted = flow.alerts.published.map((p) => JSON.parse(JSON.parse(p.message).message).fileKey);
    expect(alerted.sort()).toEqual(NAMES.map((name) => `incoming/${name}`).sort());
    expect(flow.events("OrderPlaced")).toHaveLength(NAMES.length);
    for (const [name, queue] of Object.entries(flow.deadLetterQueues())) expect(queue.size, name).toBe(0);
    await expect
      .poll(async () => (await readdir(join(runner.inbox, "processed"))).sort(), { timeout: 5_000 })
      .toEqual([...NAMES].sort());
    expect(logger.entries.filter((e) => e.level === "error")).toEqual([]);
  }, 30_000);
});
