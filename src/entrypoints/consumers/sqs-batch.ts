/**
 * Partial batch processing for SQS-fed handlers, the contract of Lambda's
 * `ReportBatchItemFailures`: every record is tried, failures are reported by
 * message id and only those are retried. On a FIFO queue records are handled
 * in order, and once one record of a message group fails the group's later
 * records are failed without being tried: processing them would apply
 * commands of that order out of order.
 */

/** The fields of a Lambda SQS record that orderflow reads. */
export interface SqsRecordLike {
  readonly messageId: string;
  readonly body: string;
  readonly attributes?: {
    readonly MessageGroupId?: string | undefined;
    readonly ApproximateReceiveCount?: string | undefined;
  } & Readonly<Record<string, string | undefined>>;
  readonly messageAttributes?: Readonly<
    Record<string, { readonly stringValue?: string | undefined } | undefined>
  >;
  readonly eventSourceARN?: string | undefined;
}

export interface BatchResult {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
}

export interface BatchOptions {
  /** Defaults to whether the records carry a MessageGroupId. */
  readonly fifo?: boolean;
  /** Called for every failed record, with the error (for logging). */
  readonly onFailure?: (record: SqsRecordLike, error: unknown) => void;
}

export async function processSqsBatch<R extends SqsRecordLike>(
  records: readonly R[],
  handle: (record: R) => Promise<void>,
  options: BatchOptions = {},
): Promise<BatchResult> {
  const fifo = options.fifo ?? records.some((record) => record.attributes?.MessageGroupId !== undefined);
  const failures: { itemIdentifier: string }[] = [];
  const failedGroups = new Set<string>();

  for (const record of records) {
    const group = record.attributes?.MessageGroupId;
    if (fifo && group !== undefined && failedGroups.has(group)) {
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    try {
      await handle(record);
    } catch (error) {
      options.onFailure?.(record, error);
      failures.push({ itemIdentifier: record.messageId });
      if (fifo && group !== undefined) failedGroups.add(group);
    }
  }
  return { batchItemFailures: failures };
}
