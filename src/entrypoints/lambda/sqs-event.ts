import type { SqsRecordLike } from "../consumers/sqs-batch.js";

/** A message attribute as Lambda hands it over in an SQS record. */
export interface SqsMessageAttribute {
  readonly stringValue?: string | undefined;
  readonly binaryValue?: string | undefined;
  readonly stringListValues?: readonly string[] | undefined;
  readonly binaryListValues?: readonly string[] | undefined;
  readonly dataType: string;
}

/** One record of an SQS event, as documented for Lambda event source mappings. */
export interface SqsEventRecord extends SqsRecordLike {
  readonly receiptHandle?: string | undefined;
  readonly md5OfBody?: string | undefined;
  readonly eventSource?: string | undefined;
  readonly awsRegion?: string | undefined;
  readonly attributes?: {
    readonly ApproximateReceiveCount?: string | undefined;
    readonly SentTimestamp?: string | undefined;
    readonly SenderId?: string | undefined;
    readonly ApproximateFirstReceiveTimestamp?: string | undefined;
    /** FIFO queues only. */
    readonly MessageGroupId?: string | undefined;
    readonly SequenceNumber?: string | undefined;
    readonly MessageDeduplicationId?: string | undefined;
  } & Readonly<Record<string, string | undefined>>;
  readonly messageAttributes?: Readonly<Record<string, SqsMessageAttribute | undefined>>;
}

/** What Lambda passes to a handler subscribed to an SQS queue. */
export interface SqsEvent {
  readonly Records: readonly SqsEventRecord[];
}

/** The answer of a handler with `ReportBatchItemFailures`: the records to retry. */
export interface SqsBatchResponse {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
}
