import { createHash } from "node:crypto";
import * as z from "zod/mini";
import { describeError, type Issue } from "../../domain/errors.js";
import { EVENT_SCHEMA_VERSION, type OrderEvent } from "../../domain/events.js";
import { describeInvalidJson } from "../../domain/files/json-syntax.js";
import { Order } from "../../domain/order.js";
import type { StoredOrder } from "../../domain/ports.js";
import {
  CancelOrderSchema,
  ModifyOrderSchema,
  ORDER_ID_PATTERN,
  PlaceOrderSchema,
  parseWith,
} from "../../domain/schemas.js";
import { CancelOrder } from "../../domain/use-cases/cancel-order.js";
import { ModifyOrder } from "../../domain/use-cases/modify-order.js";
import { PlaceOrder } from "../../domain/use-cases/place-order.js";
import { ProcessOrder } from "../../domain/use-cases/process-order.js";
import type { CommandMeta } from "../../domain/use-cases/unit-of-work.js";
import { ValidateOrder } from "../../domain/use-cases/validate-order.js";
import type { Alert } from "../../ports/alert-publisher.js";
import type { Logger } from "../../ports/logger.js";
import { type BusEvent, BusEventSchema, PlaceOrderMessageSchema } from "./messages.js";
import type { OrderServices } from "./services.js";
import { type BatchResult, processSqsBatch, type SqsRecordLike } from "./sqs-batch.js";

/** A PlaceOrder on the intake queue always carries its order id (built once: zod compiles each schema). */
const PlacedOrderSchema = z.required(PlaceOrderSchema, { orderId: true });
const parsePlaceOrderMessage = PlaceOrderMessageSchema.safeParse.bind(PlaceOrderMessageSchema);
const parseBusEnvelope = BusEventSchema.safeParse.bind(BusEventSchema);

/** A queue consumer: what a Lambda SQS handler (or the in-memory pipeline) calls with a batch. */
export type QueueConsumer = (records: readonly SqsRecordLike[]) => Promise<BatchResult>;

export interface OrderConsumers {
  /** Intake FIFO queue: records the order (if new) and validates it. */
  readonly validateOrder: QueueConsumer;
  /** Processing queue (OrderValidated from the bus): payment and confirmation. */
  readonly processOrder: QueueConsumer;
  readonly cancelOrder: QueueConsumer;
  readonly modifyOrder: QueueConsumer;
}

/**
 * The message-level logic of each flow, shared by the Lambda handlers and the
 * in-memory pipeline: parse the body, call the use case, log the outcome.
 * Malformed messages are acknowledged after a structured rejection (an
 * `OrderRejected` event when the order can be identified, an alert always), so
 * they neither crash the handler nor poison the queue. Anything else that fails
 * (an outage, a lost race after retries) fails the record for the queue to retry.
 */
export function createOrderConsumers(services: OrderServices): OrderConsumers {
  const place = new PlaceOrder(services);
  const validate = new ValidateOrder(services);
  const process = new ProcessOrder(services);
  const cancel = new CancelOrder(services);
  const modify = new ModifyOrder(services);
  const malformed = new MalformedMessages(services);

  const consumer = (
    flow: string,
    handle: (record: SqsRecordLike, log: Logger) => Promise<void>,
  ): QueueConsumer => {
    // Built once per flow rather than per batch.
    const handleRecord = (record: SqsRecordLike) =>
      handle(record, services.logger.child({ flow, messageId: record.messageId }));
    const options = {
      onFailure(record: SqsRecordLike, error: unknown) {
        services.logger.error("record failed; it will be retried", {
          flow,
          messageId: record.messageId,
          receiveCount: record.attributes?.ApproximateReceiveCount,
          error: describeError(error),
        });
      },
    };
    return (records) => processSqsBatch(records, handleRecord, options);
  };

  /** Validates an order as just read or placed (publishing what its outbox holds), logging the outcome. */
  const validateStored = async (meta: CommandMeta, stored: StoredOrder, log: Logger): Promise<void> => {
    const orderId = stored.order.id;
    const result = await validate.execute({ ...meta, orderId }, { stored });
    const orderLog = log.child({ orderId, correlationId: meta.correlationId });
    if (result.outcome === "REJECTED") {
      orderLog.info("order rejected", { reasons: result.order?.reasons });
    } else {
      orderLog.info(`order validation: ${result.outcome.toLowerCase()}`, { status: result.order?.status });
    }
  };

  return {
    validateOrder: consumer("validate-order", async (record, log) => {
      // A command the stored order already applied (the API recorded the order on accepting the
      // request, or this is a redelivery) needs no second look at the order it carries: its FIFO
      // attributes name the order and the command, and the body is not even parsed.
      const header = commandHeaderOf(record);
      let known = header && (await services.orders.get(header.orderId));
      if (header && known && hasApplied(known, header.commandId)) return validateStored(header, known, log);

      const message = parseJson(record.body, parsePlaceOrderMessage);
      if (!message.ok) return malformed.report("validate-order", record, message.issues);
      const meta = {
        commandId: message.value.commandId,
        correlationId: message.value.correlationId,
        causationId: message.value.causationId,
      };
      const knownId = orderIdOf(message.value.order);
      if (knownId !== header?.orderId) {
        known = knownId === undefined ? undefined : await services.orders.get(knownId);
      }
      if (known && hasApplied(known, meta.commandId)) return validateStored(meta, known, log);

      const order = parseWith(PlacedOrderSchema, message.value.order);
      if (!order.ok)
        return malformed.report("validate-order", record, order.issues, meta, message.value.order);
      let placed: Awaited<ReturnType<PlaceOrder["execute"]>>;
      try {
        const loaded = order.value.orderId === knownId ? { stored: known } : undefined;
        placed = await place.execute({ ...meta, order: order.value }, loaded, {
          publish: "with-next-change",
        });
      } catch (error) {
        if ((error as { code?: string }).code !== "ORDER_ALREADY_EXISTS") throw error;
        return malformed.report("validate-order", record, [
          { path: "order.orderId", code: "ORDER_ALREADY_EXISTS", message: (error as Error).message },
        ]);
      }
      // What the placement stored: validation need not read it again, and publishes its events with its own.
      return validateStored(meta, { order: Order.fromSnapshot(placed.order), outbox: placed.pending }, log);
    }),

    processOrder: consumer("process-order", async (record, log) => {
      const event = parseBusEvent(record, "OrderValidated");
      if (!event.ok) return malformed.report("process-order", record, event.issues);
      const { detail } = event.value;
      const result = await process.execute(metaOf(detail));
      log
        .child({ orderId: detail.orderId, correlationId: detail.correlationId })
        .info(`order processing: ${result.outcome.toLowerCase()}`, { status: result.order?.status });
    }),

    cancelOrder: consumer("cancel-order", async (record, log) => {
      const event = parseBusEvent(record, "CancellationRequested");
      if (!event.ok) return malformed.report("cancel-order", record, event.issues);
      const { detail } = event.value;
      const body = parseWith(CancelOrderSchema, detail.data);
      if (!body.ok) return malformed.report("cancel-order", record, body.issues, metaOf(detail));
      const result = await cancel.execute({ ...metaOf(detail), reason: body.value.reason });
      log
        .child({ orderId: detail.orderId, correlationId: detail.correlationId })
        .info(`cancel request: ${result.outcome.toLowerCase()}`, { status: result.order?.status });
    }),

    modifyOrder: consumer("modify-order", async (record, log) => {
      const event = parseBusEvent(record, "ModificationRequested");
      if (!event.ok) return malformed.report("modify-order", record, event.issues);
      const { detail } = event.value;
      const changes = parseWith(ModifyOrderSchema, detail.data);
      if (!changes.ok) return malformed.report("modify-order", record, changes.issues, metaOf(detail));
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
    }),
  };
}

function metaOf(detail: BusEvent["detail"]) {
  return {
    orderId: detail.orderId,
    commandId: detail.id,
    correlationId: detail.correlationId,
    causationId: detail.id,
  };
}

type Parsed<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

function parseJson<T>(
  body: string,
  parse: (
    value: unknown,
  ) =>
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } },
): Parsed<T> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return {
      ok: false,
      // The parser's message quotes the input (possibly an address): report the position only.
      issues: [{ path: "", code: "INVALID_JSON", message: describeInvalidJson(body, "message body") }],
    };
  }
  const result = parse(value);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      path: issue.path.map(String).join("."),
      message: issue.message,
    })),
  };
}

function parseBusEvent(record: SqsRecordLike, expectedType: string): Parsed<BusEvent> {
  const event = parseJson(record.body, parseBusEnvelope);
  if (!event.ok) return event;
  if (event.value["detail-type"] !== expectedType || event.value.detail.type !== expectedType) {
    return {
      ok: false,
      issues: [
        {
          path: "detail-type",
          code: "UNEXPECTED_EVENT",
          message: `expected ${expectedType}, got ${event.value["detail-type"]}`,
        },
      ],
    };
  }
  return event;
}

/**
 * The structured rejection of a message no flow can use: an `OrderRejected`
 * event when the message names an order (so a client polling it learns why),
 * and an alert carrying the message id and the issues, so nothing vanishes.
 */
class MalformedMessages {
  constructor(private readonly services: OrderServices) {}

  async report(
    flow: string,
    record: SqsRecordLike,
    issues: readonly Issue[],
    meta?: { commandId: string; correlationId: string; causationId?: string | undefined },
    order?: unknown,
  ): Promise<void> {
    const orderId = orderIdOf(order);
    this.services.logger.warn("malformed message rejected", {
      flow,
      messageId: record.messageId,
      ...(orderId ? { orderId } : {}),
      issues: issues.slice(0, 20),
    });
    if (orderId && meta && flow === "validate-order") {
      const existing = await this.services.orders.get(orderId);
      if (!existing) {
        const rejection: OrderEvent = {
          id: `${orderId}:0:rejected:${meta.commandId}`,
          type: "OrderRejected",
          schemaVersion: EVENT_SCHEMA_VERSION,
          occurredAt: this.services.clock.now().toISOString(),
          orderId,
          orderVersion: 0,
          correlationId: meta.correlationId,
          causationId: meta.causationId ?? meta.commandId,
          data: { reasons: issues },
        };
        await this.services.bus.publish([rejection]);
      }
    }
    await this.services.alerts.publish([malformedMessageAlert(flow, record, issues, orderId)]);
  }
}

/**
 * The alert of a message a flow cannot use: the flow, the message id, the
 * order it names if any, and the first issues. Never the body itself: it is
 * attacker-controlled text that may hold a customer's address; its size and
 * digest are enough to find the message.
 */
export function malformedMessageAlert(
  flow: string,
  record: SqsRecordLike,
  issues: readonly Issue[],
  orderId?: string,
): Alert {
  return {
    kind: "MALFORMED_MESSAGE",
    severity: "WARNING",
    subject: `orderflow ${flow}: malformed message rejected`,
    message: JSON.stringify({
      flow,
      messageId: record.messageId,
      orderId,
      issues: issues.slice(0, 20),
      bodyBytes: Buffer.byteLength(record.body, "utf8"),
      bodySha256: createHash("sha256").update(record.body, "utf8").digest("hex").slice(0, 16),
    }),
    attributes: { flow },
  };
}

/**
 * The command a PlaceOrder record carries, read from its FIFO attributes (group
 * = order id, deduplication id = command id) and its `correlationId` (and
 * `causationId`, when it has one) message attributes, as orderflow's producers
 * send them; undefined when any of the first three is missing.
 */
function commandHeaderOf(record: SqsRecordLike): (CommandMeta & { orderId: string }) | undefined {
  const orderId = validOrderId(record.attributes?.MessageGroupId);
  const commandId = record.attributes?.MessageDeduplicationId;
  const correlationId = record.messageAttributes?.correlationId?.stringValue;
  const causationId = record.messageAttributes?.causationId?.stringValue;
  if (orderId === undefined || !commandId || !correlationId) return undefined;
  return { orderId, commandId, correlationId, ...(causationId ? { causationId } : {}) };
}

/** Whether the stored order already applied this command (validation then publishes what its outbox holds). */
function hasApplied(stored: StoredOrder, commandId: string): boolean {
  return stored.order.hasProcessed(commandId);
}

function orderIdOf(order: unknown): string | undefined {
  return validOrderId((order as { orderId?: unknown } | null | undefined)?.orderId);
}

function validOrderId(id: unknown): string | undefined {
  return typeof id === "string" && ORDER_ID_PATTERN.test(id) ? id : undefined;
}
