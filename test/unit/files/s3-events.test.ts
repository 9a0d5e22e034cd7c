import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FileIds } from "../../../src/entrypoints/consumers/file-messages.js";
import {
  decodeS3Key,
  encodeS3Key,
  parseS3EventMessage,
  s3PutEvent,
} from "../../../src/entrypoints/consumers/s3-events.js";

/** An S3 event notification as S3 delivers it to SQS (from the AWS documentation's example). */
const REAL_EVENT = {
  Records: [
    {
      eventVersion: "2.1",
      eventSource: "aws:s3",
      awsRegion: "us-west-2",
      eventTime: "2026-01-01T12:00:00.000Z",
      eventName: "ObjectCreated:CompleteMultipartUpload",
      userIdentity: { principalId: "AWS:AIDAJDPLRKLG7UEXAMPLE" },
      requestParameters: { sourceIPAddress: "127.0.0.1" },
      responseElements: {
        "x-amz-request-id": "C3D13FE58DE4C810",
        "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD",
      },
      s3: {
        s3SchemaVersion: "1.0",
        configurationId: "incoming",
        bucket: {
          name: "orderflow-files",
          ownerIdentity: { principalId: "A3NL1KOZZKExample" },
          arn: "arn:aws:s3:::orderflow-files",
        },
        object: {
          key: "incoming/pedidos+de+mar%C3%A7o%2B1.jsonl",
          size: 1024,
          eTag: "d41d8cd98f00b204e9800998ecf8427e",
          versionId: "096fKKXTRTtl3on89fVO.nfljtsv6qko",
          sequencer: "0055AED6DCD90281E5",
        },
      },
    },
  ],
};

describe("S3 event notifications", () => {
  it("reads bucket, URL-decoded key (+ is a space), size, ETag, version and sequencer", () => {
    expect(parseS3EventMessage(JSON.stringify(REAL_EVENT))).toEqual({
      kind: "files",
      files: [
        {
          bucket: "orderflow-files",
          key: "incoming/pedidos de março+1.jsonl",
          size: 1024,
          etag: "d41d8cd98f00b204e9800998ecf8427e",
          versionId: "096fKKXTRTtl3on89fVO.nfljtsv6qko",
          sequencer: "0055AED6DCD90281E5",
          eventName: "ObjectCreated:CompleteMultipartUpload",
          eventTime: "2026-01-01T12:00:00.000Z",
        },
      ],
    });
  });

  it("unwraps an S3 event delivered through an SNS topic", () => {
    const wrapped = JSON.stringify({
      Type: "Notification",
      MessageId: "m",
      TopicArn: "arn:aws:sns:us-east-1:123456789012:t",
      Message: JSON.stringify(REAL_EVENT),
    });
    expect(parseS3EventMessage(wrapped)).toMatchObject({
      kind: "files",
      files: [{ key: "incoming/pedidos de março+1.jsonl" }],
    });
  });

  it("recognises the s3:TestEvent", () => {
    const test = {
      Service: "Amazon S3",
      Event: "s3:TestEvent",
      Time: "2026-01-01T12:00:00.000Z",
      Bucket: "orderflow-files",
      RequestId: "R",
      HostId: "H",
    };
    expect(parseS3EventMessage(JSON.stringify(test))).toEqual({ kind: "test", bucket: "orderflow-files" });
  });

  it.each([["not json"], ['{"hello": 1}'], ['{"Records": [{"eventName": "ObjectCreated:Put"}]}']])(
    "%s is malformed, with issues",
    (body) => {
      const parsed = parseS3EventMessage(body);
      expect(parsed.kind).toBe("malformed");
      expect(parsed.kind === "malformed" ? parsed.issues.length : 0).toBeGreaterThan(0);
    },
  );

  it("a record that names no version (neither ETag nor versionId) is malformed, not retried", () => {
    const [record] = REAL_EVENT.Records;
    const { eTag: _eTag, versionId: _versionId, ...object } = record!.s3.object;
    const unversioned = { Records: [{ ...record, s3: { ...record!.s3, object } }] };
    expect(parseS3EventMessage(JSON.stringify(unversioned))).toEqual({
      kind: "malformed",
      issues: [
        {
          path: "Records.0.s3.object.eTag",
          message: "an ETag or a versionId is required: it names the file's version",
        },
      ],
    });
    const withVersionOnly = {
      Records: [{ ...record, s3: { ...record!.s3, object: { ...object, versionId: "v1" } } }],
    };
    expect(parseS3EventMessage(JSON.stringify(withVersionOnly))).toMatchObject({
      kind: "files",
      files: [{ etag: "", versionId: "v1" }],
    });
  });

  it("encodes keys the way S3 does, and back", () => {
    const key = "incoming/a b/c+d/é%.jsonl";
    expect(encodeS3Key(key)).toBe("incoming/a+b/c%2Bd/%C3%A9%25.jsonl");
    expect(decodeS3Key(encodeS3Key(key))).toBe(key);
    const event = parseS3EventMessage(
      s3PutEvent({ bucket: "b", key, size: 3, etag: '"e"', sequencer: "1", eventTime: new Date(0) }),
    );
    expect(event).toMatchObject({ kind: "files", files: [{ key, etag: "e" }] });
  });
});

/** Any Unicode scalar value: what UTF-8, and so an S3 key, can hold. */
const anyCharacter = fc
  .integer({ min: 0, max: 0x10ffff - 0x800 })
  .map((code) => String.fromCodePoint(code >= 0xd800 ? code + 0x800 : code));

describe("keys in S3 event notifications", () => {
  it.each([
    ["incoming/red flower.jpg", "incoming/red+flower.jpg"],
    ["incoming/a+b%c.json", "incoming/a%2Bb%25c.json"],
    ["incoming/(1) ~!'*-_.jsonl", "incoming/%281%29+%7E%21%27*-_.jsonl"],
    ["incoming/ü日😀.jsonl", "incoming/%C3%BC%E6%97%A5%F0%9F%98%80.jsonl"],
    ["incoming/\ufffe\uffff.jsonl", "incoming/%EF%BF%BE%EF%BF%BF.jsonl"],
    ["incoming/\u0001\t\n\u007f.jsonl", "incoming/%01%09%0A%7F.jsonl"],
  ])("%j is form-URL-encoded as S3 writes it: %s", (key, encoded) => {
    expect(encodeS3Key(key)).toBe(encoded);
    expect(decodeS3Key(encoded)).toBe(key);
  });

  it("every key S3 can hold comes back whole from a notification", () => {
    fc.assert(
      fc.property(fc.array(anyCharacter, { minLength: 1, maxLength: 80 }), (characters) => {
        const name = characters.join("");
        const key = `incoming/${name}`;
        const event = parseS3EventMessage(
          s3PutEvent({ bucket: "b", key, size: 1, etag: "e", sequencer: "1", eventTime: new Date(0) }),
        );
        expect(event.kind === "files" ? event.files[0]?.key : event.kind).toBe(key);
      }),
      { numRuns: 200 },
    );
  });
});

describe("FileIds", () => {
  it("derives the same short, valid ids from the same file version, and other ids from another", () => {
    const a = new FileIds(`incoming/${"long-name/".repeat(100)}x.jsonl`, "v1");
    const again = new FileIds(`incoming/${"long-name/".repeat(100)}x.jsonl`, "v1");
    const other = new FileIds(`incoming/${"long-name/".repeat(100)}x.jsonl`, "v2");
    expect(a.orderId(999_999)).toBe(again.orderId(999_999));
    expect(a.orderId(0)).not.toBe(other.orderId(0));
    expect(a.orderId(9_999_999)).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(a.commandId(9_999_999).length).toBeLessThanOrEqual(128);
  });
});
