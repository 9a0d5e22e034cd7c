import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Client, S3ObjectStore } from "../../../src/adapters/aws/s3-object-store.js";
import { patternBytes, readAll, sha256Hex } from "../../../src/ports/contracts/helpers.js";
import { describeObjectStoreContract } from "../../../src/ports/contracts/object-store.contract.js";
import { countRequests } from "../../support/request-counter.js";
import { type S3Emulator, startS3 } from "../../support/s3rver.js";

let s3: S3Emulator;

beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await s3?.stop();
});

describeObjectStoreContract("S3ObjectStore (s3rver)", () => ({
  store: new S3ObjectStore({ client: s3.client, bucket: s3.bucket }),
}));

describe("S3ObjectStore on s3rver", () => {
  const MiB = 1024 * 1024;

  async function* inChunks(bytes: Uint8Array, chunkSize: number): AsyncIterable<Uint8Array> {
    for (let offset = 0; offset < bytes.byteLength; offset += chunkSize)
      yield bytes.subarray(offset, offset + chunkSize);
  }

  it("uploads a 12 MiB stream as a multipart upload of three parts, byte for byte", async () => {
    // The factory's defaults for an endpoint (checksums only when required) must keep uploads intact.
    const client = createS3Client({
      endpoint: s3.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    });
    const store = new S3ObjectStore({ client, bucket: s3.bucket });
    const counter = countRequests(client);
    const bytes = patternBytes(12 * MiB, 3);

    await store.put("multipart/big.bin", inChunks(bytes, 64 * 1024), { metadata: { kind: "test" } });

    expect(counter.byCommand).toMatchObject({
      CreateMultipartUpload: 1,
      UploadPart: 3,
      CompleteMultipartUpload: 1,
    });
    const got = await store.get("multipart/big.bin");
    const read = await readAll(got!.body);
    expect(read.bytes.byteLength).toBe(bytes.byteLength);
    expect(await sha256Hex(read.bytes)).toBe(await sha256Hex(bytes));
    expect(got!.size).toBe(12 * MiB);
    expect(got!.metadata).toEqual({ kind: "test" });
    client.destroy();
  });

  it("reads from the end of an object as an empty body", async () => {
    const store = new S3ObjectStore({ client: s3.client, bucket: s3.bucket });
    await store.put("offset/end.txt", "12345");

    const got = await store.get("offset/end.txt", { fromByte: 5 });

    expect(got).toMatchObject({ key: "offset/end.txt", size: 5 });
    expect((await readAll(got!.body)).bytes.byteLength).toBe(0);
  });

  it("reports the whole object's size when reading from an offset", async () => {
    const store = new S3ObjectStore({ client: s3.client, bucket: s3.bucket });
    await store.put("offset/size.txt", "0123456789");

    const got = await store.get("offset/size.txt", { fromByte: 4 });

    expect(got!.size).toBe(10);
    expect(new TextDecoder().decode((await readAll(got!.body)).bytes)).toBe("456789");
  });

  it("copies and moves keys with spaces and non-ASCII characters", async () => {
    const store = new S3ObjectStore({ client: s3.client, bucket: s3.bucket });
    await store.put("incoming/pedidos de março ✓.jsonl", "{}");

    await store.move("incoming/pedidos de março ✓.jsonl", "processed/pedidos de março ✓.jsonl");

    expect(await store.head("incoming/pedidos de março ✓.jsonl")).toBeUndefined();
    expect((await store.head("processed/pedidos de março ✓.jsonl"))!.size).toBe(2);
  });
});
