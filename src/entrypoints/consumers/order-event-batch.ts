import type { Issue } from "../../domain/errors.js";
import { ORDER_EVENT_TYPES, type OrderEvent } from "../../domain/events.js";
import { parseJson, reportMalformedMessage } from "./malformed-message.js";
import { BusEventSchema } from "./messages.js";
import type { ConsumerDeps } from "./queue-consumer.js";
import type { SqsRecordLike } from "./sqs-batch.js";

const parseBusEnvelope = BusEventSchema.safeParse.bind(BusEventSchema);

/**
 * A batch of bus-routed order events as the consumers that handle a whole
 * batch at once read it (notify-order, record-metrics): the order events, and
 * the partial batch failures gathered so far. A message that is not an order
 * event is reported as malformed and acknowledged; a record whose report could
 * not be published fails, for the queue to retry.
 */
export class OrderEventBatch {
  /** The order events of the batch, each with the record that carried it, in order. */
  readonly events: { readonly record: SqsRecordLike; readonly event: OrderEvent }[] = [];
  readonly failures: { itemIdentifier: string }[] = [];

  private constructor(
    private readonly flow: string,
    private readonly deps: ConsumerDeps,
  ) {}

  static async read(
    flow: string,
    records: readonly SqsRecordLike[],
    deps: ConsumerDeps,
  ): Promise<OrderEventBatch> {
    const batch = new OrderEventBatch(flow, deps);
    for (const record of records) {
      const envelope = parseJson(record.body, parseBusEnvelope);
      if (!envelope.ok) {
        await batch.reject(record, envelope.issues);
        continue;
      }
      const { detail } = envelope.value;
      if (!(ORDER_EVENT_TYPES as readonly string[]).includes(detail.type)) {
        const issues = [
          { path: "detail.type", code: "UNEXPECTED_EVENT", message: `not an order event: ${detail.type}` },
        ];
        await batch.reject(record, issues, detail.orderId);
        continue;
      }
      // The event's data is read by the use case, which tolerates what the event type allows.
      batch.events.push({ record, event: detail as unknown as OrderEvent });
    }
    return batch;
  }

  /** Fails a record, for the queue to retry (logged). */
  fail(record: SqsRecordLike, error: unknown): void {
    this.deps.logger.error("record failed; it will be retried", {
      flow: this.flow,
      messageId: record.messageId,
      error: String(error),
    });
    this.failures.push({ itemIdentifier: record.messageId });
  }

  /** Reports a record as malformed and acknowledges it; fails it when the report cannot be published. */
  async reject(record: SqsRecordLike, issues: readonly Issue[], orderId?: string): Promise<void> {
    try {
      await reportMalformedMessage(this.flow, record, issues, this.deps, orderId);
    } catch (error) {
      this.fail(record, error);
    }
  }
}
