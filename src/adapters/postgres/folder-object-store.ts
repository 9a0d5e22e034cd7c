import { Buffer } from "node:buffer";
import { createHash, randomBytes } from "node:crypto";
import type { Dirent } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ObjectNotFoundError, PortError } from "../../ports/errors.js";
import type {
  GetOptions,
  ObjectContent,
  ObjectInfo,
  ObjectStore,
  PutOptions,
} from "../../ports/object-store.js";
import type { Page, PageRequest } from "../../ports/paging.js";
import { decodeCursor, encodeCursor, pageSize } from "./postgres-paging.js";

/** Size of the chunks a body is read in (as the in-memory store streams). */
const CHUNK_BYTES = 64 * 1024;
/** S3's limit on a key, kept so that a key that works here works on S3. */
const MAX_KEY_BYTES = 1024;
/** Most bytes in one file name on common file systems. */
const MAX_NAME_BYTES = 255;
/** Page size of `list` when none is given, and the most a page holds (S3's). */
const DEFAULT_PAGE_SIZE = 1_000;
const MAX_PAGE_SIZE = 1_000;
/** The store's own folder under the root: a name no key's segment encodes to (see `encodeSegment`). */
const OWN_FOLDER = ".orderflow";

/** A key this store cannot hold as a file (or S3 would refuse). */
export class InvalidObjectKeyError extends PortError {
  readonly code = "INVALID_OBJECT_KEY";

  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`the key cannot be stored in a folder: ${reason}`, { details: { reason } });
  }
}

/** What the store keeps beside each object's file. */
interface Meta {
  readonly key: string;
  /** The data file's identity when the meta was written: a meta that does not match it is stale. */
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly etag: string;
  readonly contentType?: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
}

export interface FolderObjectStoreOptions {
  /** The folder holding the objects (created when missing). */
  readonly root: string;
  /**
   * Called after every put, copy and move, like an S3 event notification, so
   * a pipeline can react to new files. A listener that throws does not undo the write.
   */
  readonly onPut?: ((info: ObjectInfo) => void) | undefined;
}

/**
 * {@link ObjectStore} on a local folder: the embedded deployment's files, with
 * no S3 (for a server deployment, point the S3 adapter at any S3-compatible
 * store instead: MinIO, Ceph RGW, Garage, a cloud's own).
 *
 * **Layout.** Each object is a plain file at its key's path under the root
 * (`incoming/orders.jsonl` is `<root>/incoming/orders.jsonl`), so an operator
 * can browse the folder. What a file cannot hold (ETag, content type, user
 * metadata) sits in a small JSON file under `<root>/.orderflow/meta/`, named
 * by a hash of the key (flat, so no key's path can collide with it). Key
 * segments are written as they are, except `%`, the characters file systems
 * refuse (`\ : * ? " < > |`, controls) and a leading `.`, which are
 * percent-encoded: no key reaches outside the root or into `.orderflow`.
 *
 * **Atomic writes.** A put streams the body into a temporary file in
 * `.orderflow/tmp` (same file system) while hashing it (the ETag is its MD5,
 * quoted, as S3's for a single-part upload), flushes it to disk, writes the
 * meta the same way, and renames both into place. A rename replaces a file
 * atomically: a reader sees the old object or the new one, never part of
 * either, and a crash leaves at most a temporary file. The meta records the
 * data file's inode, size and mtime; a meta that does not match the file
 * beside it (the window between the two renames, a crash in it, a file an
 * operator dropped in by hand) is ignored, and the object is answered with an
 * ETag made of those three and no metadata. Puts of one key are queued within
 * the process, so its meta is the meta of its last put.
 *
 * **Streamed reads.** `get` opens the file and answers a body that reads it in
 * 64 KiB chunks from the open descriptor: the whole object is never in
 * memory, and a put that replaces it meanwhile does not change what is read.
 * Read the body to its end (or break out of the loop) so the descriptor closes.
 *
 * **Limits.** A key cannot name both an object and a "folder" of others
 * (`a` and `a/b`), nor have empty segments, nor a segment of more than 255
 * bytes once encoded: such puts fail with {@link InvalidObjectKeyError}.
 * Listing walks the folder under the prefix and sorts the keys: fine for the
 * thousands of files of a local deployment, not for millions.
 */
export class FolderObjectStore implements ObjectStore {
  private readonly root: string;
  private readonly listeners: ((info: ObjectInfo) => void)[] = [];
  /** The tail of each key's queue of writes (puts, copies and moves to or from it). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(options: FolderObjectStoreOptions) {
    this.root = options.root;
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
    const handle = await this.openObject(key);
    if (!handle) return undefined;
    try {
      const info = await this.infoOf(key, handle);
      const from = Math.min(Math.max(0, Math.floor(options.fromByte ?? 0)), info.size);
      return { ...info, body: readChunks(handle, from, true) };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const handle = await this.openObject(key);
    if (!handle) return undefined;
    try {
      return await this.infoOf(key, handle);
    } finally {
      await handle.close();
    }
  }

  async put(
    key: string,
    body: Uint8Array | string | AsyncIterable<Uint8Array>,
    options: PutOptions = {},
  ): Promise<{ etag: string; versionId?: string | undefined }> {
    const metadata = Object.fromEntries(
      Object.entries(options.metadata ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
    );
    const info = await this.queued([key], () => this.write(key, body, options.contentType, metadata));
    this.notify(info);
    return { etag: info.etag };
  }

  async copy(from: string, to: string): Promise<void> {
    const handle = await this.openObject(from);
    if (!handle) throw new ObjectNotFoundError(from);
    let info: ObjectInfo;
    try {
      const source = await this.infoOf(from, handle);
      info = await this.queued([to], () =>
        this.write(to, readChunks(handle, 0, false), source.contentType, source.metadata),
      );
    } finally {
      await handle.close();
    }
    this.notify(info);
  }

  async move(from: string, to: string): Promise<void> {
    if (from === to) {
      if (!(await this.head(from))) throw new ObjectNotFoundError(from);
      return;
    }
    const info = await this.queued([from, to], async () => {
      const handle = await this.openObject(from);
      if (!handle) throw new ObjectNotFoundError(from);
      let source: ObjectInfo;
      try {
        source = await this.infoOf(from, handle);
      } finally {
        await handle.close();
      }
      // A rename keeps the inode, size and mtime: the meta written for `to` matches the moved file.
      const fileStats = await stat(this.dataPath(from));
      const target = this.dataPath(to);
      await this.writeMeta(to, {
        key: to,
        ino: fileStats.ino,
        size: fileStats.size,
        mtimeMs: fileStats.mtimeMs,
        etag: source.etag,
        ...(source.contentType === undefined ? {} : { contentType: source.contentType }),
        metadata: source.metadata,
      });
      await this.placeFile(to, this.dataPath(from), target);
      await rm(this.metaPath(from), { force: true });
      return { ...source, key: to };
    });
    this.notify(info);
  }

  async delete(key: string): Promise<void> {
    const path = this.dataPath(key);
    await this.queued([key], async () => {
      try {
        await unlink(path);
      } catch (err) {
        // Nothing there, or a "folder" of other keys: either way no object has this key.
        if (!["ENOENT", "EISDIR", "ENOTDIR", "EPERM"].includes(errorCode(err) ?? "")) throw err;
      }
      await rm(this.metaPath(key), { force: true });
    });
  }

  async list(prefix: string, page: PageRequest = {}): Promise<Page<ObjectInfo>> {
    const listing = `objects:${prefix}`;
    const limit = pageSize(page.limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const after = page.nextToken === undefined ? undefined : decodeCursor(page.nextToken, listing, 1)[0]!;
    // Walk only the folder the prefix reaches down to (its segments before the last `/`).
    const folderKey = prefix.slice(0, prefix.lastIndexOf("/") + 1);
    const keys = (await this.keysUnder(folderKey))
      .filter((key) => key.startsWith(prefix) && (after === undefined || key > after))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const items: ObjectInfo[] = [];
    let next = 0;
    while (next < keys.length && items.length < limit) {
      const info = await this.head(keys[next]!);
      next += 1;
      if (info) items.push(info); // deleted since the walk: left out
    }
    return next < keys.length ? { items, nextToken: encodeCursor(listing, [keys[next - 1]!]) } : { items };
  }

  // ─── Files ────────────────────────────────────────────────────────────────

  private dataPath(key: string): string {
    return join(this.root, ...segmentsOf(key).map(encodeSegment));
  }

  private metaPath(key: string): string {
    return join(this.root, OWN_FOLDER, "meta", `${createHash("sha256").update(key).digest("hex")}.json`);
  }

  private tempPath(): string {
    return join(this.root, OWN_FOLDER, "tmp", randomBytes(12).toString("hex"));
  }

  /** The object's open file, or undefined when no object has this key. */
  private async openObject(key: string): Promise<FileHandle | undefined> {
    let handle: FileHandle;
    try {
      handle = await open(this.dataPath(key), "r");
    } catch (err) {
      if (["ENOENT", "ENOTDIR"].includes(errorCode(err) ?? "") || err instanceof InvalidObjectKeyError) {
        return undefined;
      }
      throw err;
    }
    if ((await handle.stat()).isDirectory()) {
      await handle.close();
      return undefined;
    }
    return handle;
  }

  /** The object's info: from its meta when the meta describes this very file, else from the file alone. */
  private async infoOf(key: string, handle: FileHandle): Promise<ObjectInfo> {
    const file = await handle.stat();
    const meta = await this.readMeta(key);
    const current = meta && meta.ino === file.ino && meta.size === file.size && meta.mtimeMs === file.mtimeMs;
    return {
      key,
      size: file.size,
      etag: current
        ? meta.etag
        : `"${file.ino.toString(16)}-${file.size.toString(16)}-${Math.floor(file.mtimeMs).toString(16)}"`,
      lastModified: new Date(Math.floor(file.mtimeMs)),
      ...(current && meta.contentType !== undefined ? { contentType: meta.contentType } : {}),
      metadata: current ? { ...meta.metadata } : {},
    };
  }

  private async readMeta(key: string): Promise<Meta | undefined> {
    try {
      const meta = JSON.parse(await readFile(this.metaPath(key), "utf8")) as Meta;
      return meta.key === key ? meta : undefined;
    } catch {
      return undefined; // missing or torn: the file alone answers
    }
  }

  private async writeMeta(key: string, meta: Meta): Promise<void> {
    const temp = this.tempPath();
    await mkdir(dirname(temp), { recursive: true });
    await writeFile(temp, JSON.stringify(meta), { flush: true });
    await mkdir(dirname(this.metaPath(key)), { recursive: true });
    await rename(temp, this.metaPath(key));
  }

  /** Writes the object through a temporary file and renames it into place (see the class notes). */
  private async write(
    key: string,
    body: Uint8Array | string | AsyncIterable<Uint8Array>,
    contentType: string | undefined,
    metadata: Readonly<Record<string, string>>,
  ): Promise<ObjectInfo> {
    const target = this.dataPath(key);
    const temp = this.tempPath();
    await mkdir(dirname(temp), { recursive: true });
    const hash = createHash("md5");
    const file = await open(temp, "wx");
    try {
      try {
        for await (const chunk of chunksOf(body)) {
          hash.update(chunk);
          await file.write(chunk);
        }
        await file.sync();
      } finally {
        await file.close();
      }
      const written = await stat(temp);
      const meta: Meta = {
        key,
        ino: written.ino,
        size: written.size,
        mtimeMs: written.mtimeMs,
        etag: `"${hash.digest("hex")}"`,
        ...(contentType === undefined ? {} : { contentType }),
        metadata,
      };
      await this.writeMeta(key, meta);
      await this.placeFile(key, temp, target);
      return {
        key,
        size: meta.size,
        etag: meta.etag,
        lastModified: new Date(Math.floor(meta.mtimeMs)),
        ...(contentType === undefined ? {} : { contentType }),
        metadata: { ...metadata },
      };
    } finally {
      await rm(temp, { force: true });
    }
  }

  /** Renames `from` to the key's path, creating its folders; a key that clashes with a folder is refused. */
  private async placeFile(key: string, from: string, target: string): Promise<void> {
    try {
      await mkdir(dirname(target), { recursive: true });
      await rename(from, target);
    } catch (err) {
      if (["EEXIST", "ENOTDIR", "EISDIR", "ENOTEMPTY"].includes(errorCode(err) ?? "")) {
        throw new InvalidObjectKeyError(
          key,
          "another key uses one of its segments as a folder, or it is one",
        );
      }
      if (errorCode(err) === "ENAMETOOLONG") throw new InvalidObjectKeyError(key, "a path is too long");
      throw err;
    }
  }

  /** Every key stored under the folder of `folderKey` (`""` or ending in `/`). */
  private async keysUnder(folderKey: string): Promise<string[]> {
    let start: string;
    try {
      start = folderKey === "" ? this.root : this.dataPath(folderKey.slice(0, -1));
    } catch {
      return []; // a prefix no key could be under
    }
    const keys: string[] = [];
    const walk = async (dir: string, keyPrefix: string): Promise<void> => {
      let entries: Dirent[];
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if (["ENOENT", "ENOTDIR"].includes(errorCode(err) ?? "")) return;
        throw err;
      }
      for (const entry of entries) {
        const segment = decodeSegment(entry.name);
        if (segment === undefined) continue; // not a name this store writes (.orderflow among them)
        if (entry.isDirectory()) await walk(join(dir, entry.name), `${keyPrefix}${segment}/`);
        else if (entry.isFile()) keys.push(`${keyPrefix}${segment}`);
      }
    };
    await walk(start, folderKey);
    return keys;
  }

  // ─── Queues and listeners ──────────────────────────────────────────────────

  /** Runs `work` after the writes queued on `keys` before it, and makes later ones wait for it. */
  private async queued<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const before = keys.map((key) => this.queues.get(key));
    const done = Promise.allSettled(before).then(work);
    const tail = done.catch(() => {});
    for (const key of keys) this.queues.set(key, tail);
    try {
      return await done;
    } finally {
      for (const key of keys) if (this.queues.get(key) === tail) this.queues.delete(key);
    }
  }

  private notify(info: ObjectInfo): void {
    for (const listener of [...this.listeners]) {
      try {
        listener({ ...info, metadata: { ...info.metadata } });
      } catch {
        // A listener's failure is its own; the object is stored.
      }
    }
  }
}

// ─── Keys and file names ────────────────────────────────────────────────────

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Characters written percent-encoded in a file name: `%` itself, what file systems refuse, controls. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what it matches.
const ENCODED = /[%\\:*?"<>|\u0000-\u001f\u007f]/g;

/** The key's segments. @throws InvalidObjectKeyError for a key a folder cannot hold. */
function segmentsOf(key: string): string[] {
  if (key.length === 0) throw new InvalidObjectKeyError(key, "a key must not be empty");
  if (UNPAIRED_SURROGATE.test(key))
    throw new InvalidObjectKeyError(key, "a key must be UTF-8, and holds an unpaired surrogate");
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) {
    throw new InvalidObjectKeyError(key, `a key is at most ${MAX_KEY_BYTES} bytes`);
  }
  const segments = key.split("/");
  if (segments.some((segment) => segment === "")) {
    throw new InvalidObjectKeyError(
      key,
      "a key's segments must not be empty (no leading, trailing or double /)",
    );
  }
  for (const segment of segments) {
    if (Buffer.byteLength(encodeSegment(segment), "utf8") > MAX_NAME_BYTES) {
      throw new InvalidObjectKeyError(key, `a segment is at most ${MAX_NAME_BYTES} bytes once encoded`);
    }
  }
  return segments;
}

function percent(char: string): string {
  return `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;
}

/** A key segment as a file name: see the class notes. */
function encodeSegment(segment: string): string {
  const encoded = segment.replace(ENCODED, percent);
  return encoded.startsWith(".") ? `%2E${encoded.slice(1)}` : encoded;
}

/** The key segment a file name stands for, or undefined when this store would not have written that name. */
function decodeSegment(name: string): string | undefined {
  const segment = name.replace(/%([0-9A-F]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
  return segment !== "" && encodeSegment(segment) === name ? segment : undefined;
}

// ─── Bodies ─────────────────────────────────────────────────────────────────

async function* chunksOf(body: Uint8Array | string | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  if (typeof body === "string") yield Buffer.from(body, "utf8");
  else if (body instanceof Uint8Array) yield body;
  else yield* body;
}

/** Reads an open file from `from` to its end in chunks; with `close`, closes it when done or abandoned. */
async function* readChunks(handle: FileHandle, from: number, close: boolean): AsyncGenerator<Uint8Array> {
  try {
    let position = from;
    for (;;) {
      const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    if (close) await handle.close();
  }
}

function errorCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null
    ? ((err as { code?: unknown }).code as string | undefined)
    : undefined;
}
