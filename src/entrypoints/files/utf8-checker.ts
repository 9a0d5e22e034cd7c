import { Buffer, isUtf8 } from "node:buffer";
import { OrderFileError } from "./order-file-errors.js";

/**
 * Checks that a byte stream is valid UTF-8, chunk by chunk, without decoding
 * it: Node's `isUtf8` (SIMD) on each chunk, with the bytes of a character cut
 * by a chunk boundary carried over to the next chunk.
 */
export class Utf8Checker {
  /** The first bytes of a character that continues in the next chunk. */
  private carry: Buffer | undefined;
  private carryNeeds = 0;

  /** @throws OrderFileError (`FILE_ENCODING`) on invalid UTF-8; `base` is the offset of `buf[0]` in the file. */
  check(buf: Buffer, base: number): void {
    let from = 0;
    if (this.carry) {
      const carried = this.carry;
      const take = Math.min(this.carryNeeds - carried.length, buf.length);
      const joined = Buffer.concat([carried, buf.subarray(0, take)]);
      from = take;
      if (joined.length < this.carryNeeds) {
        this.carry = joined;
        for (const b of buf) if ((b & 0xc0) !== 0x80) throw invalid(base - carried.length);
        return;
      }
      this.carry = undefined;
      if (!isUtf8(joined)) throw invalid(base - carried.length);
    }
    const cut = buf.length - incompleteTail(buf, from);
    if (cut > from && !isUtf8(buf.subarray(from, cut)))
      throw invalid(base + from + firstInvalid(buf.subarray(from, cut)));
    if (cut < buf.length) {
      this.carry = Buffer.from(buf.subarray(cut));
      this.carryNeeds = sequenceLength(buf[cut]!);
    }
  }

  /** @throws OrderFileError when the stream ended inside a character. */
  end(offset: number): void {
    if (this.carry) throw invalid(offset - this.carry.length);
  }
}

function invalid(at: number): OrderFileError {
  return new OrderFileError(
    "FILE_ENCODING",
    `the file is not valid UTF-8 (at byte ${at}); order files must be UTF-8`,
    at,
  );
}

function sequenceLength(lead: number): number {
  return lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : 2;
}

/** How many bytes at the end of `buf` start a character that is not complete yet (0..3). */
function incompleteTail(buf: Buffer, from: number): number {
  const n = buf.length;
  for (let k = 1; k <= 3 && n - k >= from; k++) {
    const b = buf[n - k]!;
    if ((b & 0xc0) === 0x80) continue;
    if (b < 0xc0) return 0;
    return sequenceLength(b) > k ? k : 0;
  }
  return 0;
}

/** Position of the first byte of the first invalid sequence (only called once a chunk is known bad). */
function firstInvalid(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xf4 ? sequenceLength(b) : 0;
    if (length === 0 || !isUtf8(buf.subarray(i, i + length))) return i;
    i += length;
  }
  return 0;
}
