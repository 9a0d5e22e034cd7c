import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type EntryFailure,
  packBatches,
  packGroupedBatches,
  safeEntryId,
  sendBatchWithRetry,
} from "../../../src/adapters/aws/batching.js";

describe("packBatches", () => {
  it("keeps every item, in order, in batches within both limits, closing a batch only when the next item does not fit", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 100, max: 400 }),
        (sizes, maxEntries, maxBytes) => {
          const batches = packBatches(sizes, (size) => size, { maxEntries, maxBytes });
          const sum = (batch: number[]) => batch.reduce((a, b) => a + b, 0);

          expect(batches.flat()).toEqual(sizes);
          for (const batch of batches) {
            expect(batch.length).toBeGreaterThan(0);
            expect(batch.length).toBeLessThanOrEqual(maxEntries);
            expect(sum(batch)).toBeLessThanOrEqual(maxBytes);
          }
          for (let i = 0; i + 1 < batches.length; i++) {
            const full = batches[i]!.length === maxEntries;
            expect(full || sum(batches[i]!) + batches[i + 1]![0]! > maxBytes).toBe(true);
          }
        },
      ),
    );
  });

  it("packs 25 entries into 3 batches of at most 10", () => {
    expect(
      packBatches(
        Array.from({ length: 25 }, (_, i) => i),
        () => 1,
        { maxEntries: 10, maxBytes: 1000 },
      ).map((b) => b.length),
    ).toEqual([10, 10, 5]);
  });

  it("refuses an item larger than a whole batch", () => {
    expect(() => packBatches([5, 500], (n) => n, { maxEntries: 10, maxBytes: 100 })).toThrow(RangeError);
  });
});

describe("packGroupedBatches", () => {
  it("keeps every item within the limits, a group at most once per batch and in its order across batches", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            group: fc.constantFrom("a", "b", "c", "d", "e"),
            size: fc.integer({ min: 0, max: 100 }),
          }),
          {
            maxLength: 60,
          },
        ),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 100, max: 400 }),
        (specs, maxEntries, maxBytes) => {
          const items = specs.map((spec, index) => ({ ...spec, index }));
          const batches = packGroupedBatches(
            items,
            (i) => i.size,
            (i) => i.group,
            { maxEntries, maxBytes },
          );

          expect(
            batches
              .flat()
              .map((i) => i.index)
              .sort((x, y) => x - y),
          ).toEqual(items.map((i) => i.index));
          for (const batch of batches) {
            expect(batch.length).toBeGreaterThan(0);
            expect(batch.length).toBeLessThanOrEqual(maxEntries);
            expect(batch.reduce((sum, i) => sum + i.size, 0)).toBeLessThanOrEqual(maxBytes);
            expect(new Set(batch.map((i) => i.group)).size).toBe(batch.length);
          }
          const sent = batches.flat();
          for (const group of new Set(items.map((i) => i.group))) {
            const order = sent.filter((i) => i.group === group).map((i) => i.index);
            expect(order).toEqual([...order].sort((x, y) => x - y));
          }
        },
      ),
    );
  });

  it("fills batches of 10 with distinct groups, and sends one group one message per batch", () => {
    const distinct = Array.from({ length: 25 }, (_, i) => `g${i}`);
    const limits = { maxEntries: 10, maxBytes: 1000 };
    expect(
      packGroupedBatches(
        distinct,
        () => 1,
        (g) => g,
        limits,
      ).map((b) => b.length),
    ).toEqual([10, 10, 5]);
    expect(
      packGroupedBatches(
        ["a", "a", "a"],
        () => 1,
        (g) => g,
        limits,
      ),
    ).toEqual([["a"], ["a"], ["a"]]);
    expect(
      packGroupedBatches(
        ["a1", "a2", "b1", "a3"],
        () => 1,
        (g) => g[0]!,
        limits,
      ),
    ).toEqual([["a1", "b1"], ["a2"], ["a3"]]);
  });
});

describe("safeEntryId", () => {
  it("always gives a valid SQS/SNS entry id, distinct for distinct positions", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), fc.nat({ max: 100_000 }), (id, index) => {
        expect(safeEntryId(index, id)).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
        expect(safeEntryId(index, id)).not.toBe(safeEntryId(index + 1, id));
      }),
    );
  });
});

describe("sendBatchWithRetry", () => {
  it("sends again only the retryable failures and reports the permanent ones at once", async () => {
    const calls: string[][] = [];
    const outcome = await sendBatchWithRetry(
      ["a", "b", "c", "d"],
      async (entries) => {
        calls.push([...entries]);
        return entries.flatMap((entry): EntryFailure<string>[] => {
          if (entry === "b") return [{ entry, reason: "Invalid", retryable: false }];
          if (entry === "c" && calls.length < 3) return [{ entry, reason: "Throttled", retryable: true }];
          return [];
        });
      },
      { retry: { sleep: async () => {} }, isCallRetryable: () => false },
    );

    expect(calls).toEqual([["a", "b", "c", "d"], ["c"], ["c"]]);
    expect(outcome).toEqual({ failures: [{ entry: "b", reason: "Invalid", retryable: false }] });
  });
});
