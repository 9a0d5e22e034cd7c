import { OrderFileError } from "./order-file-errors.js";

/**
 * Checks that a byte stream is valid UTF-8, chunk by chunk, without decoding
 * it, with the bytes of a character cut by a chunk boundary carried over to
 * the next chunk.
 *
 * Hand-written rather than a fatal `TextDecoder`: the check runs over every
 * byte of every file, and runs of ASCII (most of an order file) are skipped
 * four bytes at a time, which makes it several times faster than decoding;
 * it also tells where the first invalid sequence starts.
 */
export class Utf8Checker {
  /** The first bytes of a character that continues in the next chunk. */
  private carry: Uint8Array | undefined;
  private carryNeeds = 0;

  /** @throws OrderFileError (`FILE_ENCODING`) on invalid UTF-8; `base` is the offset of `buf[0]` in the file. */
  check(buf: Uint8Array, base: number): void {
    let from = 0;
    if (this.carry) {
      const carried = this.carry;
      const take = Math.min(this.carryNeeds - carried.length, buf.length);
      const joined = new Uint8Array(carried.length + take);
      joined.set(carried);
      joined.set(buf.subarray(0, take), carried.length);
      from = take;
      if (joined.length < this.carryNeeds) {
        this.carry = joined;
        for (const b of buf) if ((b & 0xc0) !== 0x80) throw invalid(base - carried.length);
        return;
      }
      this.carry = undefined;
      if (firstInvalidUtf8(joined) !== -1) throw invalid(base - carried.length);
    }
    const cut = buf.length - incompleteTail(buf, from);
    if (cut > from) {
      const at = firstInvalidUtf8(buf.subarray(from, cut));
      if (at !== -1) throw invalid(base + from + at);
    }
    if (cut < buf.length) {
      // A copy (a Buffer's `slice` would be a view): the producer may reuse its buffer.
      this.carry = new Uint8Array(buf.subarray(cut));
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
function incompleteTail(buf: Uint8Array, from: number): number {
  const n = buf.length;
  for (let k = 1; k <= 3 && n - k >= from; k++) {
    const b = buf[n - k]!;
    if ((b & 0xc0) === 0x80) continue;
    // Not a lead byte (ASCII, or one that starts no character at all): nothing to wait for,
    // and an invalid byte must be reported now, before a reader parses it as something else.
    if (b < 0xc2 || b > 0xf4) return 0;
    return sequenceLength(b) > k ? k : 0;
  }
  return 0;
}

const isContinuation = (b: number | undefined) => b !== undefined && (b & 0xc0) === 0x80;

/**
 * Where the first invalid (or truncated) sequence of `buf` starts, or -1 when
 * all of it is valid UTF-8 (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF).
 */
export function firstInvalidUtf8(buf: Uint8Array): number {
  const n = buf.length;
  // Words of the 4-byte-aligned part of `buf`, for skipping ASCII quickly.
  const head = (4 - (buf.byteOffset & 3)) & 3;
  const wordCount = n > head ? (n - head) >> 2 : 0;
  const words = wordCount > 0 ? new Uint32Array(buf.buffer, buf.byteOffset + head, wordCount) : undefined;
  let i = 0;
  while (i < n) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      const fromHead = i - head;
      if (words !== undefined && fromHead >= 0 && (fromHead & 3) === 0) {
        let w = fromHead >> 2;
        while (w < wordCount && (words[w]! & 0x80808080) === 0) w++;
        i = head + (w << 2);
      }
      continue;
    }
    const c1 = buf[i + 1];
    if (b >= 0xc2 && b <= 0xdf) {
      if (!isContinuation(c1)) return i;
      i += 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      if (!isContinuation(c1) || !isContinuation(buf[i + 2])) return i;
      if ((b === 0xe0 && c1! < 0xa0) || (b === 0xed && c1! > 0x9f)) return i;
      i += 3;
    } else if (b >= 0xf0 && b <= 0xf4) {
      if (!isContinuation(c1) || !isContinuation(buf[i + 2]) || !isContinuation(buf[i + 3])) return i;
      if ((b === 0xf0 && c1! < 0x90) || (b === 0xf4 && c1! > 0x8f)) return i;
      i += 4;
    } else {
      return i;
    }
  }
  return -1;
}
