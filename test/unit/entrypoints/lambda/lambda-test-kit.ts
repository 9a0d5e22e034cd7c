import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ManualClock } from "../../../../src/adapters/memory/clocks.js";
import { SequentialIdGenerator } from "../../../../src/adapters/memory/id-generators.js";
import { ScriptedPaymentGateway } from "../../../../src/adapters/memory/scripted-payment-gateway.js";
import { PlaceOrderSchema } from "../../../../src/domain/schemas.js";
import { PlaceOrder } from "../../../../src/domain/use-cases/place-order.js";
import {
  createMemoryAdapters,
  type MemoryAdapters,
  memoryModule,
} from "../../../../src/entrypoints/container/memory-module.js";
import { createCancelOrderHandler } from "../../../../src/entrypoints/lambda/cancel-order.js";
import { createDeliverNotificationHandler } from "../../../../src/entrypoints/lambda/deliver-notification.js";
import { createExtractOrdersHandler } from "../../../../src/entrypoints/lambda/extract-orders.js";
import type {
  HandlerOptions,
  SqsHandler,
  SqsHandlerName,
} from "../../../../src/entrypoints/lambda/handler-root.js";
import { createModifyOrderHandler } from "../../../../src/entrypoints/lambda/modify-order.js";
import { createNotifyOrderHandler } from "../../../../src/entrypoints/lambda/notify-order.js";
import { createProcessOrderHandler } from "../../../../src/entrypoints/lambda/process-order.js";
import { createRecordMetricsHandler } from "../../../../src/entrypoints/lambda/record-metrics.js";
import { createRefundOrderHandler } from "../../../../src/entrypoints/lambda/refund-order.js";
import { createReleaseFulfilmentHandler } from "../../../../src/entrypoints/lambda/release-fulfilment.js";
import type { SqsEvent, SqsEventRecord } from "../../../../src/entrypoints/lambda/sqs-event.js";
import { createStartWorkflowHandler } from "../../../../src/entrypoints/lambda/start-workflow.js";
import { createValidateFileHandler } from "../../../../src/entrypoints/lambda/validate-file.js";
import { createValidateOrderHandler } from "../../../../src/entrypoints/lambda/validate-order.js";
import { PinoLogger } from "../../../../src/entrypoints/logging.js";

const FIXTURES = join(import.meta.dirname, "../../../fixtures/sqs");

export type FixtureName =
  | "standard-queue-event"
  | "intake-fifo-event"
  | "processing-eventbridge-event"
  | "cancel-eventbridge-event"
  | "modify-eventbridge-event"
  | "refunds-eventbridge-event"
  | "notification-high-raw-event"
  | "order-notifications-eventbridge-event"
  | "metrics-eventbridge-event"
  | "fulfilments-eventbridge-event";

/** A documented-shape SQS event from test/fixtures/sqs (a fresh copy each time). */
export function fixture(name: FixtureName): SqsEvent {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as SqsEvent;
}

/** The first record of a fixture with some fields replaced. */
export function recordOf(name: FixtureName, overrides: Partial<SqsEventRecord> = {}): SqsEventRecord {
  const record = fixture(name).Records[0]!;
  return { ...record, ...overrides, attributes: { ...record.attributes, ...overrides.attributes } };
}

export const eventOf = (...records: SqsEventRecord[]): SqsEvent => ({ Records: records });

/** A Lambda context as the runtime passes it (the fields orderflow reads). */
export function lambdaContext(
  requestId = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
  functionName = "orderflow-test",
) {
  return { awsRequestId: requestId, functionName, getRemainingTimeInMillis: () => 30_000 };
}

/** The factory of each SQS handler, as its Lambda entry file exports it. */
export const SQS_HANDLER_FACTORIES: Record<SqsHandlerName, (options: HandlerOptions) => SqsHandler> = {
  "validate-order": createValidateOrderHandler,
  "process-order": createProcessOrderHandler,
  "start-workflow": createStartWorkflowHandler,
  "release-fulfilment": createReleaseFulfilmentHandler,
  "cancel-order": createCancelOrderHandler,
  "modify-order": createModifyOrderHandler,
  "refund-order": createRefundOrderHandler,
  "validate-file": createValidateFileHandler,
  "extract-orders": createExtractOrdersHandler,
  "deliver-notification": createDeliverNotificationHandler,
  "notify-order": createNotifyOrderHandler,
  "record-metrics": createRecordMetricsHandler,
};

export interface Harness {
  readonly adapters: MemoryAdapters;
  readonly payments: ScriptedPaymentGateway;
  readonly clock: ManualClock;
  /** Every JSON line the handlers' pino logger wrote. */
  readonly lines: string[];
  readonly logs: () => Record<string, unknown>[];
  readonly handler: (name: SqsHandlerName) => SqsHandler;
  /** Places an order as the API does (recorded, its validation queued), so that a validate-order record finds it. */
  readonly place: (orderId: string, overrides?: Record<string, unknown>) => Promise<void>;
}

/** The order the intake fixture's command names (as the API would have recorded it). */
export const fixtureOrder = (orderId = "o-fixture-1", overrides: Record<string, unknown> = {}) => ({
  orderId,
  customerId: "c-123",
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 2, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua Augusta, 1500", city: "São Paulo", postalCode: "01304-001", country: "BR" },
  ...overrides,
});

/** In-memory adapters shared by the four SQS handlers, as one deployment's would share tables and bus. */
export function harness(): Harness {
  const clock = new ManualClock(new Date("2026-01-01T00:00:00.000Z"));
  const payments = new ScriptedPaymentGateway();
  const lines: string[] = [];
  const logger = PinoLogger.create({
    level: "debug",
    destination: { write: (line: string) => void lines.push(line) },
  });
  const adapters = createMemoryAdapters({ clock, payments, ids: new SequentialIdGenerator(), logger });
  const handlers = new Map<SqsHandlerName, SqsHandler>();
  const placing = new PlaceOrder({ orders: adapters.orders, intakeQueue: adapters.intakeQueue, clock });
  return {
    place: async (orderId, overrides) => {
      const order = PlaceOrderSchema.parse(fixtureOrder(orderId, overrides));
      const correlationId = orderId === "o-fixture-1" ? "corr-fixture-1" : `corr-${orderId}`;
      await placing.execute({ commandId: `place-${orderId}`, correlationId, order: { ...order, orderId } });
    },
    adapters,
    payments,
    clock,
    lines,
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    handler: (name) => {
      let handler = handlers.get(name);
      if (!handler) {
        handler = SQS_HANDLER_FACTORIES[name]({
          env: { ORDERFLOW_ADAPTERS: "memory" },
          adapters: () => [memoryModule(adapters)],
        });
        handlers.set(name, handler);
      }
      return handler;
    },
  };
}

/** The alerts published on the in-memory topic, parsed. */
export function alerts(
  adapters: MemoryAdapters,
): { kind: string; flow: string; messageId: string; issues: unknown[] }[] {
  return adapters.alerts.published.map((published) => {
    const alert = JSON.parse(published.message) as { kind: string; message: string };
    const body = JSON.parse(alert.message) as { flow: string; messageId: string; issues: unknown[] };
    return { kind: alert.kind, ...body };
  });
}
