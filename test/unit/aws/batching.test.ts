import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type EntryFailure,
  packBatches,
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
