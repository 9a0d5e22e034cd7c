import { createHash } from "node:crypto";
import type { Clock } from "../../ports/clock.js";
import { ObjectNotFoundError, PortError } from "../../ports/errors.js";
import type {
  GetOptions,
  ObjectContent,
  ObjectInfo,
  ObjectStore,
  PutOptions,
} from "../../ports/object-store.js";
import type { Page, PageRequest } from "../../ports/paging.js";
import { paginate } from "./paging.js";

/** Size of the chunks a body is streamed in, so consumers meet the same chunked reads as with S3. */
export const OBJECT_CHUNK_BYTES = 64 * 1024;

/** S3's limit on a key: 1,024 bytes of UTF-8. */
export const MAX_OBJECT_KEY_BYTES = 1024;

/** A key S3 would refuse: empty, longer than {@link MAX_OBJECT_KEY_BYTES}, or not text UTF-8 can encode. */
export class InvalidObjectKeyError extends PortError {
  readonly code = "INVALID_OBJECT_KEY";

  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`S3 refuses the key: ${reason}`, { details: { reason } });
  }
}

// An unpaired surrogate, which no UTF-8 encoder writes (the SDK would send U+FFFD instead).
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface StoredObject {
  readonly bytes: Uint8Array;
  readonly info: ObjectInfo;
}

export interface InMemoryObjectStoreOptions {
  /** Time source for `lastModified`; the system clock by default. */
  readonly clock?: Clock | undefined;
  /**
   * Called after every successful put (and after the write of a copy or move),
   * like an S3 event notification, so a pipeline can react to new files.
   * A listener that throws does not undo the put.
   */
  readonly onPut?: ((info: ObjectInfo) => void) | undefined;
}

/**
 * Objects held as bytes in a Map, with S3's observable behaviour: quoted MD5
 * ETags, lower-cased user metadata keys, metadata kept on copy, bodies streamed in
 * {@link OBJECT_CHUNK_BYTES} chunks, keys listed in ascending order, keys S3
 * would refuse refused ({@link InvalidObjectKeyError}).
 */
export class InMemoryObjectStore implements ObjectStore {
  private readonly objects = new Map<string, StoredObject>();
  private readonly listeners: ((info: ObjectInfo) => void)[] = [];
  private readonly clock: Clock | undefined;

  constructor(options: InMemoryObjectStoreOptions = {}) {
    this.clock = options.clock;
    if (options.onPut) this.listeners.push(options.onPut);
  }

  /** Adds a listener called after every put, copy and move; returns a function that removes it. */
  onPut(listener: (info: ObjectInfo) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const index = this.listeners.indexOf(listener);
      if (index >= 0) this.listeners.splice(index, 1);
    };
  }

  async get(key: string, options: GetOptions = {}): Promise<ObjectContent | undefined> {
    const stored = this.objects.get(key);
    if (!stored) return undefined;
    const from = Math.min(Math.max(0, options.fromByte ?? 0), stored.bytes.byteLength);
    return { ...copyInfo(stored.info), body: chunks(stored.bytes, from) };
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const stored = this.objects.get(key);
    return stored ? copyInfo(stored.info) : undefined;
  }

  async put(
    key: string,
    body: Uint8Array | string | AsyncIterable<Uint8Array>,
    options: PutOptions = {},
  ): Promise<{ etag: string; versionId?: string | undefined }> {
    const bytes = await toBytes(body);
    const metadata = Object.fromEntries(
      Object.entries(options.metadata ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
    );
    const info = this.write(key, bytes, options.contentType, metadata);
    return { etag: info.etag };
  }

  async copy(from: string, to: string): Promise<void> {
    const source = this.objects.get(from);
    if (!source) throw new ObjectNotFoundError(from);
    this.write(to, source.bytes, source.info.contentType, source.info.metadata);
  }

  async move(from: string, to: string): Promise<void> {
    await this.copy(from, to);
    if (from !== to) this.objects.delete(from);
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async list(prefix: string, page?: PageRequest): Promise<Page<ObjectInfo>> {
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort(compareKeys);
    const listed = paginate(keys, page);
    return {
      items: listed.items.map((key) => copyInfo(this.objects.get(key)!.info)),
      ...(listed.nextToken === undefined ? {} : { nextToken: listed.nextToken }),
    };
  }

  /** Every key currently stored, in ascending order (for tests). */
  keys(): string[] {
    return [...this.objects.keys()].sort(compareKeys);
  }

  private write(
    key: string,
    bytes: Uint8Array,
    contentType: string | undefined,
    metadata: Readonly<Record<string, string>>,
  ): ObjectInfo {
    checkKey(key);
    const info: ObjectInfo = {
      key,
      size: bytes.byteLength,
      etag: `"${createHash("md5").update(bytes).digest("hex")}"`,
      lastModified: this.clock?.now() ?? new Date(),
      ...(contentType === undefined ? {} : { contentType }),
      metadata: { ...metadata },
    };
    // Bytes are immutable once stored: callers keep no reference to them.
    this.objects.set(key, { bytes, info });
    for (const listener of [...this.listeners]) listener(copyInfo(info));
    return info;
  }
}

function copyInfo(info: ObjectInfo): ObjectInfo {
  return { ...info, lastModified: new Date(info.lastModified.getTime()), metadata: { ...info.metadata } };
}

/** S3 orders keys by their UTF-8 bytes; for the keys orderflow uses that is code-unit order. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function toBytes(body: Uint8Array | string | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  if (typeof body === "string") return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body.slice();
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const part of body) {
    parts.push(part.slice());
    total += part.byteLength;
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}

/**
 * The bytes as a stream would deliver them: a chunk at a time, each after a
 * turn of the event loop, as from a socket or a file (a reader of a large
 * object would otherwise hold the process until the last byte).
 */
async function* chunks(bytes: Uint8Array, from: number): AsyncGenerator<Uint8Array> {
  for (let offset = from; offset < bytes.byteLength; offset += OBJECT_CHUNK_BYTES) {
    await new Promise((resume) => setImmediate(resume));
    yield bytes.slice(offset, Math.min(offset + OBJECT_CHUNK_BYTES, bytes.byteLength));
  }
}

function checkKey(key: string): void {
  if (key.length === 0) throw new InvalidObjectKeyError(key, "a key must not be empty");
  if (UNPAIRED_SURROGATE.test(key))
    throw new InvalidObjectKeyError(key, "a key must be UTF-8, and holds an unpaired surrogate");
  const bytes = Buffer.byteLength(key, "utf8");
  if (bytes > MAX_OBJECT_KEY_BYTES)
    throw new InvalidObjectKeyError(key, `a key is at most ${MAX_OBJECT_KEY_BYTES} bytes, got ${bytes}`);
}
