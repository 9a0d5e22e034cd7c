import { ValidateOrderMessageSchema } from "../../domain/commands.js";
import { describeError, OrderNotFoundError } from "../../domain/errors.js";
import { CancelOrderSchema, ModifyOrderSchema, parseWith } from "../../domain/schemas.js";
import type { CancelOrder } from "../../domain/use-cases/cancel-order.js";
import type { ModifyOrder } from "../../domain/use-cases/modify-order.js";
import type { ProcessOrder } from "../../domain/use-cases/process-order.js";
import type { RefundOrder } from "../../domain/use-cases/refund-order.js";
import type { ValidateOrder } from "../../domain/use-cases/validate-order.js";
import type { Logger } from "../../ports/logger.js";
import { type Parsed, parseJson, reportMalformedMessage } from "./malformed-message.js";
import { type BusEvent, BusEventSchema } from "./messages.js";
import { type ConsumerDeps, type QueueConsumer, queueConsumer } from "./queue-consumer.js";
import type { SqsRecordLike } from "./sqs-batch.js";

const parseValidateOrder = ValidateOrderMessageSchema.safeParse.bind(ValidateOrderMessageSchema);

/** How long validate-order waits, and looks again, for an order whose request arrived before it was recorded. */
const NOT_YET_RECORDED_WAITS_MS = [50, 250];
const parseBusEnvelope = BusEventSchema.safeParse.bind(BusEventSchema);

/**
 * The consumers of the order flows, one per queue: each parses its message,
 * calls its one use case and logs the outcome; it decides nothing. A message
 * no flow can use is acknowledged after a structured report (a warning and an
 * alert naming the message and its issues), so it neither crashes the handler
 * nor poisons the queue. Anything else that fails (an outage, a lost race after
 * retries) fails the record, for the queue to retry and dead-letter.
 */

/** Intake FIFO queue: validates the order a `ValidateOrder` command names (retried while it is not recorded). */
export function validateOrderConsumer(validate: ValidateOrder, deps: ConsumerDeps): QueueConsumer {
  return queueConsumer("validate-order", deps, async (record, log) => {
    const message = parseJson(record.body, parseValidateOrder);
    if (!message.ok) return reportMalformedMessage("validate-order", record, message.issues, deps);
    const { orderId, commandId, correlationId, causationId } = message.value;
    const command = { orderId, commandId, correlationId, causationId };
    let result = await validate.execute(command);
    // Placing requests validation before it records the order, so the request can arrive a few
    // milliseconds early: it looks again before failing the record (a retry would wait for the
    // queue's visibility timeout, holding the order's group). An order never recorded (its placement
    // failed) fails the record: the queue retries it, then dead-letters it.
    for (const waitMs of NOT_YET_RECORDED_WAITS_MS) {
      if (result.outcome !== "NOT_FOUND") break;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      result = await validate.execute(command);
    }
    if (result.outcome === "NOT_FOUND") throw new OrderNotFoundError(orderId);
    const orderLog = log.child({ orderId, correlationId });
    if (result.outcome === "REJECTED") orderLog.info("order rejected", { reasons: result.order?.reasons });
    else orderLog.info(`order validation: ${result.outcome.toLowerCase()}`, { status: result.order?.status });
  });
}

/** Processing queue (OrderValidated from the bus): payment and confirmation. */
export function processOrderConsumer(process: ProcessOrder, deps: ConsumerDeps): QueueConsumer {
  return queueConsumer("process-order", deps, async (record, log) => {
    const event = parseBusEvent(record, "OrderValidated");
    if (!event.ok) return reportMalformedMessage("process-order", record, event.issues, deps);
    const { detail } = event.value;
    const result = await process.execute(metaOf(detail));
    log
      .child({ orderId: detail.orderId, correlationId: detail.correlationId })
      .info(`order processing: ${result.outcome.toLowerCase()}`, { status: result.order?.status });
  });
}

/** Cancel queue (CancellationRequested from the bus). */
export function cancelOrderConsumer(cancel: CancelOrder, deps: ConsumerDeps): QueueConsumer {
  return queueConsumer("cancel-order", deps, async (record, log) => {
    const event = parseBusEvent(record, "CancellationRequested");
    if (!event.ok) return reportMalformedMessage("cancel-order", record, event.issues, deps);
    const { detail } = event.value;
    const body = parseWith(CancelOrderSchema, detail.data);
    if (!body.ok) return reportMalformedMessage("cancel-order", record, body.issues, deps, detail.orderId);
    const result = await cancel.execute({ ...metaOf(detail), reason: body.value.reason });
    log
      .child({ orderId: detail.orderId, correlationId: detail.correlationId })
      .info(`cancel request: ${result.outcome.toLowerCase()}`, { status: result.order?.status });
  });
}

/** Modify queue (ModificationRequested from the bus). */
export function modifyOrderConsumer(modify: ModifyOrder, deps: ConsumerDeps): QueueConsumer {
  return queueConsumer("modify-order", deps, async (record, log) => {
    const event = parseBusEvent(record, "ModificationRequested");
    if (!event.ok) return reportMalformedMessage("modify-order", record, event.issues, deps);
    const { detail } = event.value;
    const changes = parseWith(ModifyOrderSchema, detail.data);
    if (!changes.ok)
      return reportMalformedMessage("modify-order", record, changes.issues, deps, detail.orderId);
    const result = await modify.execute({
      ...metaOf(detail),
      changes: changes.value,
      requestedAt: detail.occurredAt,
    });
    log
      .child({ orderId: detail.orderId, correlationId: detail.correlationId })
      .info(`modify request: ${result.outcome.toLowerCase()}`, {
        status: result.order?.status,
        ...(result.outcome === "REFUSED" ? { reasons: result.order?.lastRejectedRequest?.reasons } : {}),
      });
  });
}

/** The alert kind of a refund the payment gateway refused for good (the refund stays OWED). */
export const REFUND_REFUSED_ALERT = "REFUND_REFUSED";

/**
 * Refunds queue (OrderRefundRequired, and OrderCancelled from the bus): pays
 * back the refund the order owes. A cancellation that owed nothing (no
 * `refund` in it) is acknowledged without reading the order. An outage fails
 * the record (the queue retries it, then dead-letters it). A refusal is
 * reported first (an error log and a `REFUND_REFUSED` alert naming the order),
 * then fails the record the same way: the refund stays OWED, its message ends
 * in the refunds dead-letter queue (whose alarm fires), and a redrive once the
 * cause is fixed issues it.
 */
export function refundOrderConsumer(refund: RefundOrder, deps: ConsumerDeps): QueueConsumer {
  return queueConsumer("refund-order", deps, async (record, log) => {
    const event = parseBusEvent(record, REFUND_EVENT_TYPES);
    if (!event.ok) return reportMalformedMessage("refund-order", record, event.issues, deps);
    const { detail } = event.value;
    const orderLog = log.child({ orderId: detail.orderId, correlationId: detail.correlationId });
    if (detail.type === "OrderCancelled" && !owesRefund(detail.data)) {
      return orderLog.debug("cancellation owes no refund");
    }
    try {
      const result = await refund.execute(metaOf(detail));
      if (result.outcome === "NOT_FOUND") throw new OrderNotFoundError(detail.orderId);
      orderLog.info(`refund: ${result.outcome.toLowerCase()}`, { refund: result.order?.refund });
    } catch (error) {
      if ((error as { code?: unknown } | null)?.code === "REFUND_REFUSED") {
        await reportRefusedRefund(detail, record, error, orderLog, deps);
      }
      throw error;
    }
  });
}

const REFUND_EVENT_TYPES = ["OrderRefundRequired", "OrderCancelled"] as const;

function owesRefund(data: unknown): boolean {
  return typeof data === "object" && data !== null && (data as { refund?: unknown }).refund !== undefined;
}

async function reportRefusedRefund(
  detail: BusEvent["detail"],
  record: SqsRecordLike,
  error: unknown,
  log: Logger,
  deps: ConsumerDeps,
): Promise<void> {
  const reason = String((error as { reason?: unknown }).reason ?? (error as Error).message);
  const receiveCount = record.attributes?.ApproximateReceiveCount;
  log.error("refund refused by the payment gateway; it stays owed", { reason, receiveCount });
  const alert = {
    kind: REFUND_REFUSED_ALERT,
    severity: "ERROR",
    subject: `Refund refused for order ${detail.orderId}`.slice(0, 99),
    message: `The payment gateway refused the refund of order ${detail.orderId}: ${reason}. The refund stays OWED; its message goes to the refunds dead-letter queue once its retries are spent, and a redrive issues it once the cause is fixed.`,
    attributes: { orderId: detail.orderId, ...(receiveCount ? { receiveCount } : {}) },
  } as const;
  // The record fails with the refusal either way; an alert that cannot go out is logged, not thrown
  // in its place (the next attempt alerts again, and the dead-letter queue's alarm stands behind both).
  await deps.alerts
    .publish([alert])
    .catch((error: unknown) =>
      log.warn("the refused refund's alert could not be published", { error: describeError(error) }),
    );
}

function metaOf(detail: BusEvent["detail"]) {
  return {
    orderId: detail.orderId,
    commandId: detail.id,
    correlationId: detail.correlationId,
    causationId: detail.id,
  };
}

function parseBusEvent(record: SqsRecordLike, expected: string | readonly string[]): Parsed<BusEvent> {
  const event = parseJson(record.body, parseBusEnvelope);
  if (!event.ok) return event;
  const types: readonly string[] = typeof expected === "string" ? [expected] : expected;
  const type = event.value["detail-type"];
  if (!types.includes(type) || event.value.detail.type !== type) {
    const message = `expected ${types.join(" or ")}, got ${type}`;
    return { ok: false, issues: [{ path: "detail-type", code: "UNEXPECTED_EVENT", message }] };
  }
  return event;
}
