/**
 * A stable fingerprint of a JSON value: canonical JSON (sorted keys) hashed
 * with cyrb53, a fast 53-bit non-cryptographic hash. Pure TypeScript so the
 * domain needs no crypto module; collisions only matter between two requests
 * that already share an id, where 2^-53 is negligible.
 */
export function fingerprint(value: unknown): string {
  return fingerprintOfCanonical(canonicalJson(value));
}

/** The fingerprint of a text that is already canonical (e.g. JSON built with a fixed key order). */
export function fingerprintOfCanonical(text: string): string {
  return cyrb53(text).toString(36);
}

/**
 * A stable id derived from a text (two cyrb53 hashes, 106 bits, base 36):
 * every copy of one event names the same notification, say, without the
 * domain needing a crypto module.
 */
export function stableId(text: string): string {
  // Each half padded to the width of 2^53 in base 36, so that two pairs of halves never spell the same id.
  const half = (seed: number) => cyrb53(text, seed).toString(36).padStart(11, "0");
  return `${half(0)}${half(0x9e3779b9)}`;
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function cyrb53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
