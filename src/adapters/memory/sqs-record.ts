import type { ReceivedMessage } from "../../ports/command-queue.js";
/**
 * The SQS record a Lambda event source mapping hands a consumer
 * (`event.Records[n]`), built from a message an in-memory queue delivered.
 */

import { createHash } from "node:crypto";

/** What Lambda shows as `SenderId` for messages sent by an IAM role. */
const SENDER_ID = "AROAORDERFLOWINMEMORY";

export type { ReceivedMessage };

/** The SQS message of an AWS Lambda SQS event (`event.Records[n]`). */
export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: {
    ApproximateReceiveCount: string;
    SentTimestamp: string;
    SenderId: string;
    ApproximateFirstReceiveTimestamp: string;
    SequenceNumber?: string;
    MessageGroupId?: string;
    MessageDeduplicationId?: string;
  };
  messageAttributes: Record<string, SqsRecordMessageAttribute>;
  md5OfBody: string;
  md5OfMessageAttributes?: string | null;
  eventSource: "aws:sqs";
  eventSourceARN: string;
  awsRegion: string;
}

export interface SqsRecordMessageAttribute {
  stringValue?: string;
  binaryValue?: string;
  stringListValues: string[];
  binaryListValues: string[];
  dataType: string;
}

/** Where a record says it comes from. */
export interface SqsRecordSource {
  readonly fifo: boolean;
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

/** The record an AWS Lambda SQS event would hold for `message`, received from `source`. */
export function sqsRecordOf(message: ReceivedMessage, source: SqsRecordSource): SqsRecord {
  const attributes = message.attributes;
  const messageAttributes: Record<string, SqsRecordMessageAttribute> = {};
  let attributeCount = 0;
  for (const name of Object.keys(attributes)) {
    attributeCount++;
    messageAttributes[name] = {
      stringValue: attributes[name]!,
      stringListValues: [],
      binaryListValues: [],
      dataType: "String",
    };
  }
  const recordAttributes: SqsRecord["attributes"] = {
    ApproximateReceiveCount: String(message.receiveCount),
    SentTimestamp: String(message.sentAt.getTime()),
    SenderId: SENDER_ID,
    ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt.getTime()),
  };
  if (source.fifo) {
    recordAttributes.SequenceNumber = message.sequenceNumber ?? "";
    recordAttributes.MessageGroupId = message.groupId ?? "";
    recordAttributes.MessageDeduplicationId = message.deduplicationId ?? "";
  }
  return new InMemorySqsRecord(
    message,
    recordAttributes,
    messageAttributes,
    source.eventSourceARN,
    source.awsRegion,
    attributeCount > 0 ? attributes : undefined,
  );
}

/**
 * An {@link SqsRecord} whose MD5 digests are computed when first read: most
 * consumers never read them, and hashing every body costs. They are getters of
 * the class rather than of each record (an object literal with accessors is
 * slow to create), so they are not own properties: `JSON.stringify` includes
 * them through `toJSON`, a spread copy (`{ ...record }`) leaves them out.
 */
class InMemorySqsRecord implements SqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly eventSource = "aws:sqs" as const;
  readonly #digestedAttributes: Readonly<Record<string, string>> | undefined;
  #bodyDigest: string | undefined;
  #attributesDigest: string | null | undefined;

  constructor(
    message: ReceivedMessage,
    readonly attributes: SqsRecord["attributes"],
    readonly messageAttributes: Record<string, SqsRecordMessageAttribute>,
    readonly eventSourceARN: string,
    readonly awsRegion: string,
    /** The message attributes, when there are any to digest. */
    digestedAttributes: Readonly<Record<string, string>> | undefined,
  ) {
    this.#digestedAttributes = digestedAttributes;
    this.messageId = message.messageId;
    this.receiptHandle = message.receiptHandle;
    this.body = message.body;
  }

  get md5OfBody(): string {
    this.#bodyDigest ??= md5(this.body);
    return this.#bodyDigest;
  }

  get md5OfMessageAttributes(): string | null {
    if (this.#attributesDigest === undefined) {
      this.#attributesDigest =
        this.#digestedAttributes === undefined ? null : md5OfAttributes(this.#digestedAttributes);
    }
    return this.#attributesDigest;
  }

  toJSON(): SqsRecord {
    return {
      messageId: this.messageId,
      receiptHandle: this.receiptHandle,
      body: this.body,
      attributes: this.attributes,
      messageAttributes: this.messageAttributes,
      md5OfBody: this.md5OfBody,
      md5OfMessageAttributes: this.md5OfMessageAttributes,
      eventSource: this.eventSource,
      eventSourceARN: this.eventSourceARN,
      awsRegion: this.awsRegion,
    };
  }
}

function md5(text: string): string {
  return createHash("md5").update(text, "utf8").digest("hex");
}

/** SQS's MD5 of message attributes: sorted by name, each as length-prefixed name, type, transport byte, value. */
function md5OfAttributes(attributes: Readonly<Record<string, string>>): string {
  const hash = createHash("md5");
  const lengthPrefixed = (text: string) => {
    const bytes = Buffer.from(text, "utf8");
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length);
    hash.update(bytes);
  };
  for (const name of Object.keys(attributes).sort()) {
    lengthPrefixed(name);
    lengthPrefixed("String");
    hash.update(Buffer.from([1]));
    lengthPrefixed(attributes[name]!);
  }
  return hash.digest("hex");
}
