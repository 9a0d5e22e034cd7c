import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-vitest/extend";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { copySourceOf, S3_MIN_PART_BYTES, S3ObjectStore } from "../../../src/adapters/aws/s3-object-store.js";
import { ObjectNotFoundError, ServiceUnavailableError } from "../../../src/ports/errors.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const BUCKET = "orderflow-files";

async function* chunks(count: number, size: number, failAfter?: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < count; i++) {
    if (failAfter !== undefined && i === failAfter) throw new Error("source stream broke");
    yield new Uint8Array(size).fill(i);
  }
}

function s3Double() {
  const client = new S3Client({ region: "us-east-1" });
  const mock = mockClient(client);
  mock.on(PutObjectCommand).resolves({ ETag: '"put"' });
  mock.on(CreateMultipartUploadCommand).resolves({ UploadId: "upload-1" });
  mock
    .on(UploadPartCommand)
    .callsFake((input: { PartNumber?: number }) => ({ ETag: `"part-${input.PartNumber}"` }));
  mock.on(CompleteMultipartUploadCommand).resolves({ ETag: '"whole-3"', VersionId: "v1" });
  mock.on(AbortMultipartUploadCommand).resolves({});
  return { client, mock, store: new S3ObjectStore({ client, bucket: BUCKET }) };
}

const serverError = () =>
  new S3ServiceException({
    name: "InternalError",
    $fault: "server",
    $metadata: { httpStatusCode: 500 },
    message: "We encountered an internal error.",
  });

describe("S3ObjectStore streamed put", () => {
  it("uploads a stream in parts of at least 5 MiB and completes with every part in order", async () => {
    const s3 = s3Double();

    const result = await s3.store.put("incoming/big.jsonl", chunks(11, 1024 * 1024), {
      contentType: "application/x-ndjson",
    });

    expect(result).toEqual({ etag: '"whole-3"', versionId: "v1" });
    const parts = s3.mock.commandCalls(UploadPartCommand).map((c) => c.args[0].input);
    expect(parts.map((p) => [p.PartNumber, (p.Body as Uint8Array).byteLength])).toEqual([
      [1, 5 * 1024 * 1024],
      [2, 5 * 1024 * 1024],
      [3, 1024 * 1024],
    ]);
    expect(s3.mock).toHaveReceivedCommandWith(CreateMultipartUploadCommand, {
      ContentType: "application/x-ndjson",
    });
    expect(s3.mock).toHaveReceivedCommandWith(CompleteMultipartUploadCommand, {
      UploadId: "upload-1",
      MultipartUpload: { Parts: [1, 2, 3].map((n) => ({ PartNumber: n, ETag: `"part-${n}"` })) },
    });
  });

  it("sends a stream shorter than one part with a single PutObject", async () => {
    const s3 = s3Double();

    await s3.store.put("incoming/small.jsonl", chunks(3, 1000));

    expect(s3.mock).toHaveReceivedCommandTimes(CreateMultipartUploadCommand, 0);
    expect((s3.mock.commandCalls(PutObjectCommand)[0]!.args[0].input.Body as Uint8Array).byteLength).toBe(
      3000,
    );
  });

  it("aborts the upload when a part fails, and reports a retryable error", async () => {
    const s3 = s3Double();
    s3.mock.on(UploadPartCommand).rejects(serverError());

    const error = await s3.store.put("incoming/big.jsonl", chunks(12, 1024 * 1024)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(s3.mock).toHaveReceivedCommandWith(AbortMultipartUploadCommand, {
      Bucket: BUCKET,
      Key: "incoming/big.jsonl",
      UploadId: "upload-1",
    });
    expect(s3.mock).toHaveReceivedCommandTimes(CompleteMultipartUploadCommand, 0);
  });

  it("aborts the upload when the source stream fails, and rethrows its error", async () => {
    const s3 = s3Double();

    const error = await s3.store
      .put("incoming/big.jsonl", chunks(12, 1024 * 1024, 7))
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ message: "source stream broke" });
    expect(s3.mock).toHaveReceivedCommandTimes(AbortMultipartUploadCommand, 1);
    expect(s3.mock).toHaveReceivedCommandTimes(CompleteMultipartUploadCommand, 0);
  });

  it("refuses parts smaller than S3 accepts", () => {
    expect(
      () =>
        new S3ObjectStore({ client: new S3Client({}), bucket: BUCKET, partSizeBytes: S3_MIN_PART_BYTES - 1 }),
    ).toThrow(RangeError);
  });
});

describe("S3ObjectStore copy", () => {
  it("URL-encodes each segment of the copy source", async () => {
    const s3 = s3Double();
    s3.mock.on(CopyObjectCommand).resolves({});

    await s3.store.copy("incoming/pedidos de março+1?.json", "processed/x.json");

    expect(copySourceOf(BUCKET, "a b/ç+?#.json")).toBe(`${BUCKET}/a%20b/%C3%A7%2B%3F%23.json`);
    expect(s3.mock).toHaveReceivedCommandWith(CopyObjectCommand, {
      Bucket: BUCKET,
      Key: "processed/x.json",
      CopySource: `${BUCKET}/incoming/pedidos%20de%20mar%C3%A7o%2B1%3F.json`,
    });
  });

  it("turns NoSuchKey into ObjectNotFoundError naming the source", async () => {
    const s3 = s3Double();
    s3.mock
      .on(CopyObjectCommand)
      .rejects(
        new NoSuchKey({ message: "The specified key does not exist.", $metadata: { httpStatusCode: 404 } }),
      );

    const error = await s3.store.copy("incoming/gone.json", "processed/gone.json").catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect(error).toMatchObject({ key: "incoming/gone.json" });
  });
});

describe("S3ObjectStore get", () => {
  /** A response body as the SDK gives it in Node: a Readable of Buffers. */
  function respondWith(s3: ReturnType<typeof s3Double>, chunks: string[]): Readable {
    const stream = Readable.from(chunks.map((c) => Buffer.from(c)));
    s3.mock.on(GetObjectCommand).resolves({
      Body: stream as unknown as GetObjectCommandOutput["Body"],
      ETag: '"e"',
      ContentLength: 6,
    });
    return stream;
  }

  it("streams the body chunk by chunk", async () => {
    const s3 = s3Double();
    respondWith(s3, ["abc", "def"]);

    const content = await s3.store.get("incoming/a.json");
    const read: string[] = [];
    for await (const chunk of content!.body) read.push(Buffer.from(chunk).toString());

    expect(read).toEqual(["abc", "def"]);
  });

  it("closes the response stream when the body is let go before any chunk was read", async () => {
    const s3 = s3Double();
    const stream = respondWith(s3, ["abc", "def"]);

    const content = await s3.store.get("incoming/a.json");
    await content!.body[Symbol.asyncIterator]().return?.();

    expect(stream.destroyed).toBe(true);
  });

  it("closes the response stream when reading stops half-way", async () => {
    const s3 = s3Double();
    const stream = respondWith(s3, ["abc", "def"]);

    const content = await s3.store.get("incoming/a.json");
    for await (const _chunk of content!.body) break;

    expect(stream.destroyed).toBe(true);
  });
});
