import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  describeInvalidJson,
  jsonSyntaxErrorByte,
  jsonSyntaxErrorIndex,
} from "../../../src/domain/files/json-syntax.js";

/** JSON texts, and JSON texts with a few characters put in place of one of theirs (mostly broken). */
const texts = fc.oneof(
  fc.json(),
  fc.string(),
  fc
    .json()
    .chain((json) =>
      fc
        .tuple(fc.nat(json.length), fc.string({ maxLength: 3 }))
        .map(([at, put]) => json.slice(0, at) + put + json.slice(at + 1)),
    ),
);

/** Where V8 says the text stops being JSON, when its message says so. */
function v8Position(text: string): { valid: boolean; position?: number | undefined } {
  try {
    JSON.parse(text);
    return { valid: true };
  } catch (error) {
    const message = (error as Error).message;
    const at = /at position (\d+)/.exec(message);
    if (at) return { valid: false, position: Number(at[1]) };
    return { valid: false, position: /end of JSON input/.test(message) ? text.length : undefined };
  }
}

describe("jsonSyntaxErrorIndex", () => {
  it("agrees with JSON.parse on validity, and with V8 on the position whenever V8 gives one", () => {
    fc.assert(
      fc.property(texts, (text) => {
        const expected = v8Position(text);
        const index = jsonSyntaxErrorIndex(text);
        expect(index === undefined).toBe(expected.valid);
        if (expected.position !== undefined) expect(index).toBe(expected.position);
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    ['{"a": Rua 1}', 6],
    ['{"a":1,}', 7],
    ["[1, 2", 5],
    ['{"a" 1}', 5],
    ['"tab\there"', 4],
    ['"\\x"', 2],
    ["01", 1],
    ["1.", 2],
    ["nul", 3],
    ["", 0],
    ["[] x", 3],
  ])("%j breaks at %i", (text, index) => {
    expect(jsonSyntaxErrorIndex(text)).toBe(index);
  });

  it("handles deep nesting without recursion", () => {
    expect(jsonSyntaxErrorIndex(`${"[".repeat(100_000)}${"]".repeat(100_000)}`)).toBeUndefined();
    expect(jsonSyntaxErrorIndex(`${"[".repeat(100_000)}x`)).toBe(100_000);
  });

  it("counts bytes in UTF-8 and quotes nothing", () => {
    const text = '{"cidade": "São Paulo", "rua": Avenida Secreta}';
    expect(jsonSyntaxErrorByte(text)).toBe(Buffer.byteLength(text.slice(0, text.indexOf("Avenida"))));
    expect(describeInvalidJson(text, "order")).toBe(
      `invalid JSON at byte ${text.indexOf("Avenida") + 1} of the order`,
    );
    expect(describeInvalidJson("{}", "order")).toBe("invalid JSON in the order");
  });
});
