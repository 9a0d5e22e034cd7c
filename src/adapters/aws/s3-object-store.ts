import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { ObjectNotFoundError } from "../../ports/errors.js";
import type {
  GetOptions,
  ObjectContent,
  ObjectInfo,
  ObjectStore,
  PutOptions,
} from "../../ports/object-store.js";
import type { Page, PageRequest } from "../../ports/paging.js";
import { awsErrorName, translateAwsError } from "./aws-errors.js";
import { type AwsClientOptions, baseClientConfig } from "./client-options.js";

/** S3's minimum size of every part of a multipart upload but the last. */
export const S3_MIN_PART_BYTES = 5 * 1024 * 1024;
/** S3 accepts at most this many parts per upload. */
const S3_MAX_PARTS = 10_000;
/** ListObjectsV2 returns at most this many keys per call. */
const S3_MAX_KEYS = 1000;

export interface S3ObjectStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /**
   * Size of the parts of a multipart upload (streamed `put`), at least
   * {@link S3_MIN_PART_BYTES} (the default). One part is held in memory at a time.
   */
  readonly partSizeBytes?: number | undefined;
}

/** Options of {@link createS3Client}. */
export interface S3ClientOptions extends AwsClientOptions {
  /**
   * When the SDK adds checksums to requests and checks those of responses.
   * Defaults to `WHEN_REQUIRED` when `endpoint` is set (emulators such as s3rver
   * corrupt streamed uploads with the newer default), to the SDK default otherwise.
   */
  readonly checksums?: "WHEN_REQUIRED" | "WHEN_SUPPORTED" | undefined;
}

/** An S3 client for {@link S3ObjectStore}; created by the caller, never at import time. */
export function createS3Client(options: S3ClientOptions = {}): S3Client {
  const checksums = options.checksums ?? (options.endpoint === undefined ? undefined : "WHEN_REQUIRED");
  const config: S3ClientConfig = {
    ...baseClientConfig(options),
    ...(options.forcePathStyle === undefined ? {} : { forcePathStyle: options.forcePathStyle }),
    ...(checksums === undefined
      ? {}
      : { requestChecksumCalculation: checksums, responseChecksumValidation: checksums }),
  };
  return new S3Client(config);
}

/**
 * {@link ObjectStore} on an S3 bucket.
 *
 * - `get` streams the object: the body is the SDK's response stream, read chunk by
 *   chunk, never buffered whole; its iterator's `return()` (what `for await` calls
 *   on `break`) closes the response, even before the first chunk. `fromByte`
 *   becomes a `Range: bytes=N-` header (past the end: an empty body). `size` is
 *   the size of the whole object.
 * - `put` of a string or bytes is one PutObject; an async iterable is uploaded
 *   with a multipart upload in parts of `partSizeBytes` (a stream shorter than one
 *   part becomes a PutObject), aborted when anything fails.
 * - `copy` is a CopyObject (metadata copied, objects up to 5 GB), `move` a copy
 *   then a delete, `delete` a DeleteObject (missing objects are fine).
 * - `list` is ListObjectsV2 (S3's continuation token is the `nextToken`, `limit`
 *   capped at 1000); it gives no content type and an empty `metadata` (S3 lists
 *   neither: `head` each key to read them).
 * - S3 lowercases user-metadata keys; `versionId` is set on versioned buckets.
 * - `NoSuchKey` / `NotFound` become `undefined` or ObjectNotFoundError as the port
 *   says; transient errors become ServiceUnavailableError; others pass unchanged.
 */
export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly partSizeBytes: number;

  constructor(options: S3ObjectStoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.partSizeBytes = options.partSizeBytes ?? S3_MIN_PART_BYTES;
    if (this.partSizeBytes < S3_MIN_PART_BYTES) {
      throw new RangeError(`partSizeBytes must be at least ${S3_MIN_PART_BYTES} (S3's minimum part size)`);
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<ObjectContent | undefined> {
    const fromByte = options.fromByte ?? 0;
    try {
      const output = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ...(fromByte > 0 ? { Range: `bytes=${fromByte}-` } : {}),
        }),
      );
      return {
        key,
        size: totalSizeOf(output.ContentRange) ?? (output.ContentLength ?? 0) + fromByte,
        etag: output.ETag ?? "",
        lastModified: output.LastModified ?? new Date(0),
        metadata: { ...(output.Metadata ?? {}) },
        ...(output.ContentType === undefined ? {} : { contentType: output.ContentType }),
        ...(output.VersionId === undefined ? {} : { versionId: output.VersionId }),
        body: closableChunksOf(output.Body),
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      // Reading from the end (or past it) of a file is a valid resume point: nothing is left.
      if (awsErrorName(err) === "InvalidRange") {
        const info = await this.head(key);
        return info && { ...info, body: emptyBody() };
      }
      throw this.translate(err, key);
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const output = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        key,
        size: output.ContentLength ?? 0,
        etag: output.ETag ?? "",
        lastModified: output.LastModified ?? new Date(0),
        metadata: { ...(output.Metadata ?? {}) },
        ...(output.ContentType === undefined ? {} : { contentType: output.ContentType }),
        ...(output.VersionId === undefined ? {} : { versionId: output.VersionId }),
      };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw this.translate(err, key);
    }
  }

  async put(
    key: string,
    body: Uint8Array | string | AsyncIterable<Uint8Array>,
    options: PutOptions = {},
  ): Promise<{ etag: string; versionId?: string | undefined }> {
    if (typeof body === "string" || body instanceof Uint8Array) return this.putWhole(key, body, options);
    return this.putStream(key, body, options);
  }

  async copy(from: string, to: string): Promise<void> {
    try {
      await this.client.send(
        new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: copySourceOf(this.bucket, from) }),
      );
    } catch (err) {
      if (isNotFound(err)) throw new ObjectNotFoundError(from);
      throw this.translate(err, from);
    }
  }

  async move(from: string, to: string): Promise<void> {
    if (from === to) {
      // S3 refuses to copy an object onto itself, and a delete would then lose it.
      if ((await this.head(from)) === undefined) throw new ObjectNotFoundError(from);
      return;
    }
    await this.copy(from, to);
    await this.delete(from);
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      if (isNotFound(err)) return;
      throw this.translate(err, key);
    }
  }

  async list(prefix: string, page: PageRequest = {}): Promise<Page<ObjectInfo>> {
    try {
      const output = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          MaxKeys: Math.max(1, Math.min(page.limit ?? S3_MAX_KEYS, S3_MAX_KEYS)),
          ...(page.nextToken === undefined ? {} : { ContinuationToken: page.nextToken }),
        }),
      );
      const items: ObjectInfo[] = (output.Contents ?? []).map((object) => ({
        key: object.Key ?? "",
        size: object.Size ?? 0,
        etag: object.ETag ?? "",
        lastModified: object.LastModified ?? new Date(0),
        metadata: {},
      }));
      return output.IsTruncated && output.NextContinuationToken
        ? { items, nextToken: output.NextContinuationToken }
        : { items };
    } catch (err) {
      throw this.translate(err, prefix);
    }
  }

  private async putWhole(
    key: string,
    body: Uint8Array | string,
    options: PutOptions,
  ): Promise<{ etag: string; versionId?: string | undefined }> {
    try {
      const output = await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ...this.headersOf(options) }),
      );
      return withVersion(output.ETag ?? "", output.VersionId);
    } catch (err) {
      throw this.translate(err, key);
    }
  }

  /**
   * Multipart upload, one part in memory at a time. Parts are at least
   * `partSizeBytes` (S3 wants 5 MiB for all but the last); a stream that ends
   * before the first part is full is sent with one PutObject instead, since S3
   * has no multipart upload of less than one part anyway.
   */
  private async putStream(
    key: string,
    body: AsyncIterable<Uint8Array>,
    options: PutOptions,
  ): Promise<{ etag: string; versionId?: string | undefined }> {
    const iterator = body[Symbol.asyncIterator]();
    let buffered: Uint8Array[] = [];
    let bufferedBytes = 0;
    let done = false;
    const fill = async (): Promise<Uint8Array> => {
      while (!done && bufferedBytes < this.partSizeBytes) {
        const next = await iterator.next();
        if (next.done) done = true;
        else if (next.value.byteLength > 0) {
          buffered.push(next.value);
          bufferedBytes += next.value.byteLength;
        }
      }
      const part = concat(buffered, bufferedBytes);
      buffered = [];
      bufferedBytes = 0;
      return part;
    };

    const first = await fill();
    if (done) return this.putWhole(key, first, options);

    let uploadId: string | undefined;
    try {
      const created = await this.client.send(
        new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ...this.headersOf(options) }),
      );
      uploadId = created.UploadId;
      if (!uploadId) throw new Error("CreateMultipartUpload returned no UploadId");
      const parts: { ETag: string; PartNumber: number }[] = [];
      let part: Uint8Array | undefined = first;
      while (part !== undefined) {
        const partNumber = parts.length + 1;
        if (partNumber > S3_MAX_PARTS) {
          throw new RangeError(`more than ${S3_MAX_PARTS} parts: raise partSizeBytes to upload ${key}`);
        }
        const uploaded = await this.client.send(
          new UploadPartCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: partNumber,
            Body: part,
            ContentLength: part.byteLength,
          }),
        );
        parts.push({ ETag: uploaded.ETag ?? "", PartNumber: partNumber });
        part = done ? undefined : await fill();
        if (part !== undefined && part.byteLength === 0 && done) part = undefined;
      }
      const completed = await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
      );
      return withVersion(completed.ETag ?? "", completed.VersionId);
    } catch (err) {
      if (uploadId) await this.abort(key, uploadId);
      await iterator.return?.();
      throw err instanceof RangeError ? err : this.translate(err, key);
    }
  }

  private async abort(key: string, uploadId: string): Promise<void> {
    try {
      await this.client.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }),
      );
    } catch {
      // The upload's own error matters more; a bucket lifecycle rule should clean up incomplete uploads.
    }
  }

  private headersOf(options: PutOptions): { ContentType?: string; Metadata?: Record<string, string> } {
    return {
      ...(options.contentType === undefined ? {} : { ContentType: options.contentType }),
      ...(options.metadata === undefined ? {} : { Metadata: { ...options.metadata } }),
    };
  }

  private translate(err: unknown, key: string): unknown {
    return translateAwsError(err, `S3 object ${this.bucket}/${key}`);
  }
}

function isNotFound(err: unknown): boolean {
  const name = awsErrorName(err);
  return name === "NoSuchKey" || name === "NotFound";
}

/** `bucket/key` with each key segment URL-encoded, as CopyObject's `CopySource` requires. */
export function copySourceOf(bucket: string, key: string): string {
  return `${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

/** The object's total size from a `Content-Range: bytes 10-99/100` header. */
function totalSizeOf(contentRange: string | undefined): number | undefined {
  const total = contentRange?.match(/\/(\d+)\s*$/)?.[1];
  return total === undefined ? undefined : Number(total);
}

function withVersion(etag: string, versionId: string | undefined): { etag: string; versionId?: string } {
  return versionId === undefined ? { etag } : { etag, versionId };
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}

/**
 * {@link chunksOf} whose `return()` also closes the response stream, even when
 * no chunk was read yet: a generator that has not started ignores `return()`,
 * which would leave the HTTP response open and its socket held (on a warm
 * Lambda, until the pool runs dry). A body read to its end needs no closing.
 */
function closableChunksOf(body: unknown): AsyncIterableIterator<Uint8Array> {
  const chunks = chunksOf(body);
  let closed = false;
  const iterator: AsyncIterableIterator<Uint8Array> = {
    [Symbol.asyncIterator]: () => iterator,
    next: () => chunks.next(),
    async return(value?: unknown): Promise<IteratorResult<Uint8Array>> {
      try {
        await chunks.return(undefined);
      } finally {
        if (!closed) {
          closed = true;
          await closeBody(body);
        }
      }
      return { done: true, value };
    },
  };
  return iterator;
}

/** Closes a response body that will not be read to its end: a Node `Readable` or a web `ReadableStream`. */
async function closeBody(body: unknown): Promise<void> {
  if (body === undefined || body === null || typeof body !== "object") return;
  const readable = body as { destroy?: unknown; destroyed?: boolean };
  if (typeof readable.destroy === "function") {
    if (readable.destroyed !== true) (body as { destroy(): void }).destroy();
    return;
  }
  const stream = body as Partial<ReadableStream<Uint8Array>>;
  if (typeof stream.cancel === "function" && stream.locked === false) await stream.cancel();
}

/**
 * The chunks of a response body as they arrive. In Node the SDK gives a
 * `Readable` (async iterable of Buffers); in other runtimes a web
 * `ReadableStream` or a `Blob`.
 */
async function* chunksOf(body: unknown): AsyncGenerator<Uint8Array> {
  if (body === undefined || body === null) return;
  if (typeof body === "object" && Symbol.asyncIterator in body) {
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) {
      yield typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
    }
    return;
  }
  const stream =
    typeof (body as { getReader?: unknown }).getReader === "function"
      ? (body as ReadableStream<Uint8Array>)
      : typeof (body as { stream?: unknown }).stream === "function"
        ? (body as Blob).stream()
        : undefined;
  if (stream === undefined) throw new TypeError("S3 returned a body that is not a stream");
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
