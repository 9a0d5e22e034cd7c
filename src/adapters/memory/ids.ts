import { randomFillSync } from "node:crypto";

/** Random bytes for {@link randomUuid}, drawn 128 UUIDs at a time (allocated on first use). */
let uuidRandom: Uint8Array | undefined;
let uuidRandomOffset = 0;
let uuidText: Buffer | undefined;
let hexCodes: Uint8Array | undefined;
/** Where each of the 16 bytes goes in `xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx`. */
const UUID_BYTE_POSITIONS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

/**
 * @internal A random (version 4) UUID, like `crypto.randomUUID()`, written into
 * one flat string. Node's builds it from twenty concatenations, and a message
 * or envelope id is kept as long as its message or envelope: a tree of string
 * pieces per id would cost memory and garbage-collection time. Measured with
 * `npm run bench`: `crypto.randomUUID()` in its place costs about 12–22 % of
 * the pipeline's ratio to its baseline.
 */
export function randomUuid(): string {
  if (uuidRandom === undefined || uuidRandomOffset === uuidRandom.length) {
    uuidRandom ??= new Uint8Array(16 * 128);
    randomFillSync(uuidRandom);
    uuidRandomOffset = 0;
  }
  if (uuidText === undefined || hexCodes === undefined) {
    uuidText = Buffer.alloc(36, "-");
    hexCodes = new Uint8Array(512);
    for (let byte = 0; byte < 256; byte++) {
      const hex = byte.toString(16).padStart(2, "0");
      hexCodes[2 * byte] = hex.charCodeAt(0);
      hexCodes[2 * byte + 1] = hex.charCodeAt(1);
    }
  }
  const random = uuidRandom;
  const offset = uuidRandomOffset;
  uuidRandomOffset += 16;
  for (let i = 0; i < 16; i++) {
    let byte = random[offset + i]!;
    if (i === 6)
      byte = (byte & 0x0f) | 0x40; // version 4
    else if (i === 8) byte = (byte & 0x3f) | 0x80; // RFC 4122 variant
    const position = UUID_BYTE_POSITIONS[i]!;
    uuidText[position] = hexCodes[2 * byte]!;
    uuidText[position + 1] = hexCodes[2 * byte + 1]!;
  }
  return uuidText.toString("latin1", 0, 36);
}
