import * as z from "zod/mini";
import type { Issue } from "../../domain/errors.js";
import { describeInvalidJson } from "../../domain/files/json-syntax.js";
import { unquote } from "../../domain/use-cases/file-flow.js";
import type { FileNotification } from "../../domain/use-cases/validate-file.js";
import { ENGLISH_MESSAGES } from "../../domain/zod-locale.js";

/**
 * S3 event notifications as they reach the file-intake queue: the body of each
 * SQS message is an S3 event (`{ "Records": [ … ] }`), or S3's `s3:TestEvent`
 * when a notification configuration is saved, or either wrapped in an SNS
 * notification when the bucket notifies a topic the queue subscribes to.
 */

/** One object that was created, as an S3 notification names it (`key` URL-decoded). */
export interface S3FileNotification extends FileNotification {
  readonly bucket: string;
  readonly sequencer?: string | undefined;
  readonly eventName: string;
  readonly eventTime?: string | undefined;
}

export type S3EventMessage =
  | { readonly kind: "files"; readonly files: readonly S3FileNotification[] }
  | { readonly kind: "test"; readonly bucket?: string | undefined }
  | { readonly kind: "malformed"; readonly issues: readonly Issue[] };

const S3RecordSchema = z.object({
  eventName: z.string(),
  eventTime: z.optional(z.string()),
  s3: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({
      key: z.string().check(z.minLength(1)),
      size: z.optional(z.number().check(z.int(), z.minimum(0))),
      eTag: z.optional(z.string()),
      versionId: z.optional(z.string()),
      sequencer: z.optional(z.string()),
    }),
  }),
});

const S3EventSchema = z.object({ Records: z.array(z.unknown()) });
const TestEventSchema = z.object({ Event: z.literal("s3:TestEvent"), Bucket: z.optional(z.string()) });
const SnsEnvelopeSchema = z.object({ Type: z.literal("Notification"), Message: z.string() });

/** Reads the body of a file-intake message. Never throws: what it cannot use comes back as `malformed`. */
export function parseS3EventMessage(body: string): S3EventMessage {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    // Position only: JSON.parse's message would quote the (attacker-controlled) body.
    return malformed("", `body is not JSON: ${describeInvalidJson(body, "body")}`);
  }
  const sns = SnsEnvelopeSchema.safeParse(value, ENGLISH_MESSAGES);
  if (sns.success) return parseS3EventMessage(sns.data.Message);

  const test = TestEventSchema.safeParse(value, ENGLISH_MESSAGES);
  if (test.success) return { kind: "test", bucket: test.data.Bucket };

  const event = S3EventSchema.safeParse(value, ENGLISH_MESSAGES);
  if (!event.success) return malformed("Records", "not an S3 event notification: no Records array");
  const files: S3FileNotification[] = [];
  const issues: Issue[] = [];
  event.data.Records.forEach((raw, index) => {
    const record = S3RecordSchema.safeParse(raw, ENGLISH_MESSAGES);
    if (!record.success) {
      for (const issue of record.error.issues) {
        issues.push({
          path: ["Records", index, ...issue.path].map(String).join("."),
          message: issue.message,
        });
      }
      return;
    }
    const { eventName, eventTime, s3 } = record.data;
    const etag = unquote(s3.object.eTag ?? "");
    // The file's version keys its history: without either, there is no version to record.
    if (etag === "" && !s3.object.versionId) {
      issues.push({
        path: `Records.${index}.s3.object.eTag`,
        message: "an ETag or a versionId is required: it names the file's version",
      });
      return;
    }
    files.push({
      bucket: s3.bucket.name,
      key: decodeS3Key(s3.object.key),
      size: s3.object.size ?? 0,
      etag,
      ...(s3.object.versionId ? { versionId: s3.object.versionId } : {}),
      ...(s3.object.sequencer ? { sequencer: s3.object.sequencer } : {}),
      eventName,
      ...(eventTime ? { eventTime } : {}),
    });
  });
  if (issues.length > 0) return { kind: "malformed", issues };
  return { kind: "files", files };
}

/** S3 URL-encodes keys in notifications, with `+` for a space. */
export function decodeS3Key(key: string): string {
  const plus = key.replace(/\+/g, " ");
  try {
    return decodeURIComponent(plus);
  } catch {
    return plus;
  }
}

/**
 * The inverse of {@link decodeS3Key}, as S3 writes keys into notifications:
 * form-URL-encoded (`application/x-www-form-urlencoded`: letters, digits and
 * `*-._` as they are, a space as `+`, every other byte of the key's UTF-8 as
 * `%XX`), the `/` between segments kept.
 */
export function encodeS3Key(key: string): string {
  return key
    .split("/")
    .map((segment) => encodeURIComponent(segment).replace(FORM_RESERVED, percentEncoded).replace(/%20/g, "+"))
    .join("/");
}

/** What `encodeURIComponent` leaves as it is and form encoding does not. */
const FORM_RESERVED = /[!'()~]/g;

function percentEncoded(c: string): string {
  return `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
}

export interface S3EventInput {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly versionId?: string | undefined;
  readonly sequencer: string;
  readonly eventTime: Date;
  readonly region?: string | undefined;
}

/** The S3 event notification S3 sends for a PUT (used by the in-memory pipeline, and in tests). */
export function s3PutEvent(input: S3EventInput): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: input.region ?? "us-east-1",
        eventTime: input.eventTime.toISOString(),
        eventName: "ObjectCreated:Put",
        userIdentity: { principalId: "AWS:ORDERFLOW" },
        requestParameters: { sourceIPAddress: "127.0.0.1" },
        responseElements: { "x-amz-request-id": input.sequencer, "x-amz-id-2": input.sequencer },
        s3: {
          s3SchemaVersion: "1.0",
          configurationId: "orderflow-incoming",
          bucket: {
            name: input.bucket,
            ownerIdentity: { principalId: "ORDERFLOW" },
            arn: `arn:aws:s3:::${input.bucket}`,
          },
          object: {
            key: encodeS3Key(input.key),
            size: input.size,
            eTag: unquote(input.etag),
            ...(input.versionId ? { versionId: input.versionId } : {}),
            sequencer: input.sequencer,
          },
        },
      },
    ],
  });
}

function malformed(path: string, message: string): S3EventMessage {
  return { kind: "malformed", issues: [{ path, message }] };
}
