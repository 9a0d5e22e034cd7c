import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sendRefusal } from "../../../src/adapters/memory/sqs-message-rules.js";
import { deliverableJson, escapeUndeliverable } from "../../../src/domain/deliverable-text.js";
import { keyAttribute } from "../../../src/domain/use-cases/file-flow.js";

/** Whether SQS would take `text` as a message body. */
const carried = (text: string) => sendRefusal({ body: text }, false, false) === undefined;

describe("file keys in messages and alerts", () => {
  it("escapes what a queue refuses and nothing else", () => {
    expect(escapeUndeliverable("a\uffffb\ufffe\u0001\t\n\r\u007f\u{1f600}é")).toBe(
      "a\\uffffb\\ufffe\\u0001\t\n\r\u007f\u{1f600}é",
    );
    expect(escapeUndeliverable("lone \ud800 and \udc00, a pair \ud83d\ude00")).toBe(
      "lone \\ud800 and \\udc00, a pair \ud83d\ude00",
    );
    expect(escapeUndeliverable("plain")).toBe("plain");
  });

  it("JSON of any text is carried by a queue and parses back to the same text", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
        (key) => {
          const json = deliverableJson({ fileKey: key });
          expect(carried(json)).toBe(true);
          expect(JSON.parse(json)).toEqual({ fileKey: key });
          expect(carried(keyAttribute(key))).toBe(key.length === 0 ? false : true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("a key attribute is cut at 1,024 characters without leaving half a pair", () => {
    const attribute = keyAttribute(`${"k".repeat(1023)}\u{1f600}`);
    expect(carried(attribute)).toBe(true);
    expect(attribute).toBe(`${"k".repeat(1023)}\\ud83d`);
  });
});
