import { describe, expect, it } from "vitest";
import { OrderFileError } from "../../../src/domain/files/order-file-errors.js";
import {
  type OrderFileEntry,
  OrderFileReader,
  type OrderFileReaderOptions,
} from "../../../src/domain/files/order-file-reader.js";

function readAll(input: string | Buffer, options: OrderFileReaderOptions = {}, chunk = 7) {
  const bytes = typeof input === "string" ? Buffer.from(input) : input;
  const reader = new OrderFileReader(options);
  const entries: OrderFileEntry[] = [];
  for (let i = 0; i < bytes.length; i += chunk) entries.push(...reader.write(bytes.subarray(i, i + chunk)));
  entries.push(...reader.end());
  return { entries, format: reader.format, values: entries.map((e) => e.value ?? { error: e.error }) };
}

function failure(input: string | Buffer, options: OrderFileReaderOptions = {}, chunk = 7): OrderFileError {
  try {
    readAll(input, options, chunk);
  } catch (error) {
    if (error instanceof OrderFileError) return error;
    throw error;
  }
  throw new Error("expected the file to be rejected");
}

describe("OrderFileReader", () => {
  describe("format", () => {
    it.each([
      ["orders.jsonl", '{"a":1}\n', "jsonl"],
      ["orders.ndjson", '{"a":1}\n', "jsonl"],
      ["orders.json", '[{"a":1}]', "json"],
      ["orders.txt", '  [{"a":1}]', "json"],
      ["orders", '{ "orders": [{"a":1}] }', "json"],
      ["orders", '{"a":1}\n{"a":2}\n', "jsonl"],
      [undefined, '\ufeff\r\n  {"orders":[]}', "json"],
    ])("%s with %j is %s", (fileName, text, format) => {
      expect(readAll(text, { fileName }).format).toBe(format);
    });

    it("tells a JSON Lines file named .json to rename itself", () => {
      expect(failure('{"a":1}\n{"a":2}\n', { fileName: "x.json" }).message).toMatch(
        /is this JSON Lines\? name it \.jsonl/,
      );
    });
  });

  describe("JSON Lines", () => {
    it("handles CRLF, blank lines and a last line without a break; indexes orders, counts lines", () => {
      const { entries } = readAll('{"a":1}\r\n\r\n   \n{"a":2}\r\nnope\n{"a":3}', { fileName: "f.jsonl" });
      expect(entries.map((e) => [e.index, e.line, e.value ?? e.error])).toEqual([
        [0, 1, { a: 1 }],
        [1, 4, { a: 2 }],
        [2, 5, "invalid JSON at byte 1 of the order"],
        [3, 6, { a: 3 }],
      ]);
    });

    it("a line over the limit is one unreadable order, held in no buffer", () => {
      const huge = `{"a":"${"x".repeat(10_000)}"}`;
      const { entries } = readAll(
        `{"a":1}\n${huge}\n{"a":2}\n`,
        { fileName: "f.jsonl", limits: { maxOrderBytes: 100 } },
        64,
      );
      expect(entries.map((e) => e.value ?? e.error)).toEqual([
        { a: 1 },
        "the order is larger than 100 bytes",
        { a: 2 },
      ]);
    });
  });

  describe("JSON documents", () => {
    it("skips other top-level keys, before or after the orders", () => {
      const { values } = readAll(
        '{"source": {"x": [1, "]"]}, "orders": [{"a": 1}], "count": 1, "ok": true}',
        { fileName: "f.json" },
      );
      expect(values).toEqual([{ a: 1 }]);
    });

    it("accepts an empty orders array", () => {
      expect(readAll('{"orders": []}').entries).toEqual([]);
    });

    it("reads strings with escaped quotes, backslashes and brackets", () => {
      const value = { a: 'q"uo\\te}]', b: ["[", "{"], c: "\\" };
      expect(readAll(JSON.stringify([value, value]), {}, 1).values).toEqual([value, value]);
    });

    it("an element over the limit is one unreadable order; the others are read", () => {
      const { values } = readAll(
        `[{"a":1}, {"big":"${"x".repeat(500)}"}, {"a":2}]`,
        { limits: { maxOrderBytes: 100 } },
        16,
      );
      expect(values).toEqual([{ a: 1 }, { error: "the order is larger than 100 bytes" }, { a: 2 }]);
    });

    it.each([
      ['{"orders": [{"a":1}, {"a":}]}', /^order 1: invalid JSON at byte 5 of the order$/],
      ['{"orders": [{"a":1},]}', /an order was expected after the comma/],
      ['{"orders": [{"a":1}', /ends before its JSON document does/],
      ['{"orders": {"a":1}}', /"orders" must be an array/],
      ['{"items": []}', /has no "orders" array/],
      ['{"orders": [], "orders": []}', /two "orders" keys/],
      ['[{"a":1}] [', /nothing may follow/],
      ["", /the file is empty/],
      ["true", /must be \{ "orders": \[ … \] \} or an array/],
    ])("%j is unparseable", (text, message) => {
      const error = failure(text, { fileName: "f.json" });
      expect(error.code).toBe("FILE_NOT_PARSEABLE");
      expect(error.message).toMatch(message);
    });
  });

  describe("encoding", () => {
    it("skips a UTF-8 byte-order mark, even split across chunks", () => {
      expect(readAll('\ufeff[{"a":"é"}]', {}, 1).values).toEqual([{ a: "é" }]);
    });

    it.each([
      [
        "UTF-16 LE",
        Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[{"a":1}]', "utf16le")]),
        /UTF-16/,
      ],
      ["UTF-16 BE", Buffer.from([0xfe, 0xff, 0, 0x5b]), /UTF-16/],
      ["UTF-16 without a mark", Buffer.from('[{"a":1}]', "utf16le"), /NUL bytes/],
      ["Latin-1", Buffer.from('[{"a":"José"}]', "latin1"), /not valid UTF-8 \(at byte 10\)/],
      [
        "a truncated sequence at the end",
        Buffer.concat([Buffer.from('[{"a":"'), Buffer.from([0xe2, 0x82])]),
        /not valid UTF-8/,
      ],
      // Found by the batch-file campaign: reported as "nothing may follow the JSON document".
      [
        "a byte that starts no character, right after the document",
        Buffer.from([0x5b, 0x5d, 0xff]),
        /at byte 2/,
      ],
      [
        "a byte that starts no character, right after the orders",
        Buffer.concat([Buffer.from('{"orders":[]}'), Buffer.from([0xfe])]),
        /at byte 13/,
      ],
      [
        "an overlong encoding",
        Buffer.concat([Buffer.from('[{"a":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}]')]),
        /not valid UTF-8/,
      ],
    ])("%s rejects the file", (_what, bytes, message) => {
      for (const chunk of [1, 2, 3, 64]) {
        const error = failure(bytes, {}, chunk);
        expect(error.code).toBe("FILE_ENCODING");
        expect(error.message).toMatch(message);
      }
    });

    it("accepts multi-byte characters cut anywhere by chunk boundaries", () => {
      const value = { a: "€😀日本語ç" };
      for (const chunk of [1, 2, 3, 5])
        expect(readAll(`[${JSON.stringify(value)}]`, {}, chunk).values).toEqual([value]);
    });
  });

  describe("limits", () => {
    it("rejects a file over the size limit", () => {
      expect(failure('[{"a":1},{"a":2}]', { limits: { maxFileBytes: 10 } }).code).toBe("FILE_TOO_LARGE");
    });

    it("rejects a file with too many orders", () => {
      const error = failure('{"a":1}\n{"a":2}\n{"a":3}\n', { fileName: "f.jsonl", limits: { maxOrders: 2 } });
      expect(error.code).toBe("FILE_TOO_MANY_ORDERS");
    });
  });

  describe("resume", () => {
    const text = '{"orders": [ {"a":1} , {"a":2},{"a":3} ], "after": "ignored"}';

    it("continues just past an entry, with the next index, and stops at the end of the orders", () => {
      const all = readAll(text).entries;
      const at = all[0]!;
      const rest = readAll(
        Buffer.from(text).subarray(at.end),
        { format: "json", resume: { byteOffset: at.end, index: 1 } },
        3,
      ).entries;
      expect(rest.map((e) => [e.index, e.value, e.start])).toEqual([
        [1, { a: 2 }, all[1]!.start],
        [2, { a: 3 }, all[2]!.start],
      ]);
    });

    it("needs the format", () => {
      expect(() => new OrderFileReader({ resume: { byteOffset: 10, index: 1 } })).toThrow(/format/);
    });
  });
});
