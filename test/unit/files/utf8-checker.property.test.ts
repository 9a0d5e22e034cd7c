import { isUtf8 } from "node:buffer";
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OrderFileError } from "../../../src/domain/files/order-file-errors.js";
import { firstInvalidUtf8, Utf8Checker } from "../../../src/domain/files/utf8-checker.js";

const encoder = new TextEncoder();

/** Mostly valid UTF-8 (ASCII runs and multi-byte characters), sometimes with stray or cut bytes. */
const bytes = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }).map((s) => encoder.encode(s)) },
      { weight: 2, arbitrary: fc.string({ maxLength: 40 }).map((s) => encoder.encode(s)) },
      {
        weight: 1,
        arbitrary: fc.uint8Array({ minLength: 1, maxLength: 4 }),
      },
      {
        weight: 1,
        // Known edge cases: overlong forms, surrogates, above U+10FFFF, truncated sequences.
        arbitrary: fc
          .constantFrom(
            [0xc0, 0x80],
            [0xc1, 0xbf],
            [0xe0, 0x80, 0x80],
            [0xed, 0xa0, 0x80],
            [0xf0, 0x80, 0x80, 0x80],
            [0xf4, 0x90, 0x80, 0x80],
            [0xf5, 0x80, 0x80, 0x80],
            [0xe2, 0x82],
            [0xf0, 0x9f, 0x98],
            [0x80],
          )
          .map((b) => Uint8Array.from(b)),
      },
    ),
    { maxLength: 20 },
  )
  .map((parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  });

/** `buf` copied into a larger buffer at `shift`, so that every alignment of the word-wise ASCII skip is met. */
function shifted(buf: Uint8Array, shift: number): Uint8Array {
  const backing = new Uint8Array(buf.length + shift + 3).fill(0x41);
  backing.set(buf, shift);
  return backing.subarray(shift, shift + buf.length);
}

describe("firstInvalidUtf8 agrees with Node's isUtf8", () => {
  it("valid exactly when isUtf8 says so; otherwise the valid prefix ends at a non-ASCII byte", () => {
    fc.assert(
      fc.property(bytes, fc.integer({ min: 0, max: 3 }), (raw, shift) => {
        const buf = shifted(raw, shift);
        const at = firstInvalidUtf8(buf);
        expect(at === -1).toBe(isUtf8(raw));
        if (at !== -1) {
          expect(isUtf8(raw.subarray(0, at))).toBe(true);
          expect(raw[at]).toBeGreaterThanOrEqual(0x80);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("Utf8Checker finds the same first invalid byte, however the stream is cut", () => {
  it("any chunking", () => {
    fc.assert(
      fc.property(
        bytes,
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 }),
        (raw, sizes) => {
          const checker = new Utf8Checker();
          let offset = 0;
          let failedAt: number | undefined;
          try {
            for (let k = 0; offset < raw.length; k++) {
              const size = sizes[k % sizes.length]!;
              const chunk = raw.subarray(offset, offset + size);
              checker.check(chunk, offset);
              offset += chunk.length;
            }
            checker.end(offset);
          } catch (error) {
            if (!(error instanceof OrderFileError)) throw error;
            expect(error.code).toBe("FILE_ENCODING");
            failedAt = error.byteOffset;
          }
          const expected = firstInvalidUtf8(raw);
          expect(failedAt ?? -1).toBe(expected);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
