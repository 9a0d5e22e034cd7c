import { expect } from "vitest";
import type { Page, PageRequest } from "../paging.js";

/** Subjects may hold resources (clients, servers, tables): the suites call `teardown` after each test. */
export interface Teardown {
  /** Called after each test that used the subject. */
  readonly teardown?: (() => Promise<void>) | undefined;
}

/** The error `promise` rejected with; fails the test when it resolved. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  expect.fail("expected the call to throw, it resolved");
}

/** The stable `code` of an orderflow error (`instanceof` does not survive every boundary; codes do). */
export function codeOf(error: unknown): unknown {
  return typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
}

/**
 * Walks every page of a listing with `limit`, checking each page respects it,
 * and returns the items in order. Stops after `maxPages` so a broken token cannot loop forever.
 */
export async function allPages<T>(
  fetch: (page: PageRequest) => Promise<Page<T>>,
  limit: number,
  maxPages = 10_000,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await fetch(nextToken === undefined ? { limit } : { limit, nextToken });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    items.push(...page.items);
    nextToken = page.nextToken;
    pages += 1;
  } while (nextToken !== undefined && pages < maxPages);
  expect(nextToken, "listing did not end").toBeUndefined();
  return { items, pages };
}

/** Bytes → lowercase hex SHA-256 (WebCrypto, so the suites need no Node import). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Reads a stream whole (tests only: adapters must not). */
export async function readAll(
  body: AsyncIterable<Uint8Array>,
): Promise<{ bytes: Uint8Array; chunks: number }> {
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return { bytes: concatBytes(parts), chunks: parts.length };
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** Deterministic pseudo-random bytes (xorshift), so a failing comparison is reproducible. */
export function patternBytes(size: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
