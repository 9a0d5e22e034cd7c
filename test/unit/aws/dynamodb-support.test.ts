import { describe, expect, it } from "vitest";
import type { DynamoKey } from "../../../src/adapters/aws/dynamodb-support.js";
import {
  decodePageToken,
  dynamoDbItemSize,
  encodePageToken,
  pageSize,
  readPage,
} from "../../../src/adapters/aws/dynamodb-support.js";

describe("page tokens", () => {
  it("round-trip a key and refuse anything else with VALIDATION_FAILED", () => {
    const key = { orderId: "o-1", customerId: "c-1", byCustomerSk: "2030-01-01T00:00:00.000Z#o-1" };
    const token = encodePageToken(key);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodePageToken(token, Object.keys(key))).toEqual(key);

    for (const bad of [
      "",
      "%%%",
      encodePageToken({ orderId: "o-1" }),
      Buffer.from("[1]").toString("base64url"),
    ]) {
      expect(() => decodePageToken(bad, Object.keys(key))).toThrow(
        expect.objectContaining({ code: "VALIDATION_FAILED" }),
      );
    }
  });

  it("caps page sizes", () => {
    expect(pageSize(undefined)).toBe(50);
    expect(pageSize(0)).toBe(1);
    expect(pageSize(10_000)).toBe(100);
  });
});

describe("readPage", () => {
  /** A table of `n` items that answers at most `perCall` items per call, like DynamoDB's 1 MB pages. */
  function table(n: number, perCall: number) {
    const rows = Array.from({ length: n }, (_, i) => ({ id: `k${String(i).padStart(3, "0")}` }));
    return async (start: DynamoKey | undefined, limit: number) => {
      const from = start ? rows.findIndex((r) => r.id === start.id) + 1 : 0;
      const items = rows.slice(from, from + Math.min(limit, perCall));
      const last = items[items.length - 1];
      // Like DynamoDB: a LastEvaluatedKey whenever the call stopped at its limit, even at the very end.
      return {
        items,
        lastEvaluatedKey: last && items.length === Math.min(limit, perCall) ? { id: last.id } : undefined,
      };
    };
  }

  it("fills pages across short reads and gives a token only when more items follow", async () => {
    const read = table(7, 2);
    const seen: string[] = [];
    let startKey: DynamoKey | undefined;
    let pages = 0;
    do {
      const page = await readPage(read, { limit: 3, startKey, keyAttributes: ["id"] });
      expect(page.items.length).toBe(pages < 2 ? 3 : 1);
      seen.push(...page.items.map((r) => r.id));
      startKey = page.nextKey;
      pages++;
    } while (startKey);
    expect(pages).toBe(3);
    expect(seen).toEqual(["k000", "k001", "k002", "k003", "k004", "k005", "k006"]);

    const exact = await readPage(table(3, 10), { limit: 3, startKey: undefined, keyAttributes: ["id"] });
    expect(exact.items).toHaveLength(3);
    expect(exact.nextKey).toBeUndefined();
  });
});

describe("dynamoDbItemSize", () => {
  it("counts names and values as DynamoDB does", () => {
    expect(dynamoDbItemSize({ a: "xyz" })).toBe(4);
    expect(dynamoDbItemSize({ a: "€" })).toBe(4);
    expect(dynamoDbItemSize({ n: 12345 })).toBe(1 + 4);
    expect(dynamoDbItemSize({ b: true, z: null })).toBe(4);
    // list: 3 + (1 + 1) + (1 + 2); map: 3 + (1 + 1 + 1)
    expect(dynamoDbItemSize({ l: ["a", "bc"], m: { k: "v" } })).toBe(1 + 8 + 1 + 6);
  });
});
