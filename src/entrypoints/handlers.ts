import { NOTIFICATION_QUEUES } from "../ports/routing.js";

/**
 * Every Lambda function orderflow deploys, declared once: what triggers it,
 * the consumer it runs and the resource ports it uses. Everything else is
 * derived from this table: each handler's environment (`config.ts`), its
 * composition root (`lambda/handler-root.ts`), the bundles
 * (`tsup.lambda.config.ts`), the CloudFormation template and the flow diagram
 * (`scripts/`). Adding a handler means adding it here, writing its consumer
 * and its ~10-line file in `lambda/`.
 */
export const HANDLERS = {
  api: {
    trigger: { kind: "http" },
    ports: [
      "orders",
      "idempotency",
      "catalog",
      "bus",
      "intakeQueue",
      // The store's status and settings (GET and PUT /store).
      "storeSettings",
      // Accepting a notification publishes it and records it ACCEPTED (no channel: the consumer names it).
      "notifications",
      "notificationPublisher",
      // GET /metrics reads the business metrics.
      "metrics",
    ],
  },
  "validate-order": {
    trigger: { kind: "queue", queues: ["intake"] },
    consumer: "validateOrder",
    ports: ["orders", "catalog", "bus", "alerts"],
  },
  "process-order": {
    // Under the queue orchestration it pays and confirms each validated order itself.
    trigger: { kind: "queue", queues: ["processing"], orchestration: "queue" },
    consumer: "processOrder",
    ports: ["orders", "bus", "payments", "alerts"],
  },
  "start-workflow": {
    // Under the workflow orchestration (the default on AWS) it starts each validated order's execution instead.
    trigger: { kind: "queue", queues: ["processing"], orchestration: "workflow" },
    consumer: "startWorkflow",
    ports: ["workflows", "alerts"],
  },
  "workflow-task": {
    // Every task state of the order workflow invokes it with the task's name (src/entrypoints/workflow).
    trigger: { kind: "workflow" },
    // The steps' use cases; the fulfilment wait keeps its task token and, when the operator was quicker, ends itself.
    ports: ["orders", "bus", "payments", "storeSettings", "taskTokens", "workflows"],
  },
  "release-fulfilment": {
    trigger: { kind: "queue", queues: ["fulfilments"] },
    consumer: "releaseFulfilment",
    // It completes a fulfilled order's wait with the kept token; a wait not yet begun sees the order itself.
    ports: ["taskTokens", "workflows", "orders", "alerts"],
  },
  "cancel-order": {
    trigger: { kind: "queue", queues: ["cancel"] },
    consumer: "cancelOrder",
    ports: ["orders", "bus", "alerts"],
  },
  "refund-order": {
    trigger: { kind: "queue", queues: ["refunds"] },
    consumer: "refundOrder",
    ports: ["orders", "bus", "payments", "alerts"],
  },
  "modify-order": {
    trigger: { kind: "queue", queues: ["modify"] },
    consumer: "modifyOrder",
    ports: ["orders", "catalog", "bus", "alerts"],
  },
  "validate-file": {
    trigger: { kind: "queue", queues: ["file-intake"] },
    consumer: "validateFile",
    // validate-file feeds the extraction queue; extract-orders re-enqueues itself there to continue.
    ports: ["objectStore", "fileHistory", "alerts", "fileExtractionQueue"],
  },
  "extract-orders": {
    trigger: { kind: "queue", queues: ["file-extraction"] },
    consumer: "extractOrders",
    // It places each valid order as the API does: recorded, then its validation asked for on the intake queue.
    ports: ["objectStore", "fileHistory", "alerts", "orders", "intakeQueue", "fileExtractionQueue"],
  },
  "deliver-notification": {
    // One function for the three priorities; their event source mappings differ (concurrency, batching window).
    trigger: {
      kind: "queue",
      queues: [NOTIFICATION_QUEUES.high, NOTIFICATION_QUEUES.medium, NOTIFICATION_QUEUES.low],
    },
    consumer: "deliverNotification",
    ports: ["notifications", "notificationChannel", "alerts"],
  },
  "notify-order": {
    trigger: { kind: "queue", queues: ["order-notifications"] },
    consumer: "notifyOrder",
    // It reads the order for its customer, and publishes the notification to the notifications topic.
    ports: ["orders", "notificationPublisher", "alerts"],
  },
  "record-metrics": {
    trigger: { kind: "queue", queues: ["metrics"] },
    consumer: "recordMetrics",
    // It reads a confirmed order's items and a fulfilled order's placement time.
    ports: ["orders", "metrics", "alerts"],
  },
} as const satisfies Readonly<Record<string, HandlerDeclaration>>;

/** How validated orders are paid, confirmed and fulfilled: by a queue consumer, or by the order workflow. */
export const ORCHESTRATIONS = ["queue", "workflow"] as const;
export type Orchestration = (typeof ORCHESTRATIONS)[number];

/**
 * How a handler is invoked: by API Gateway, by an event source mapping on each
 * of its queues (only under `orchestration`, when it names one), or by the
 * order workflow's task states.
 */
export type HandlerTrigger =
  | { readonly kind: "http" }
  | {
      readonly kind: "queue";
      readonly queues: readonly string[];
      readonly orchestration?: Orchestration;
    }
  | { readonly kind: "workflow" };

/** One row of {@link HANDLERS}. */
export interface HandlerDeclaration {
  readonly trigger: HandlerTrigger;
  /** The queue consumer it runs (queue-triggered handlers). */
  readonly consumer?: string;
  /** The resource ports it uses, named as in `PORT_VARIABLES`: only their adapters, clients and variables are wired. */
  readonly ports: readonly string[];
}

export type HandlerName = keyof typeof HANDLERS;

/** The handler names, in declaration order. */
export const HANDLER_NAMES = Object.keys(HANDLERS) as HandlerName[];

/** The handlers a queue triggers. */
export type SqsHandlerName = {
  [H in HandlerName]: (typeof HANDLERS)[H]["trigger"]["kind"] extends "queue" ? H : never;
}[HandlerName];

/** The consumer an SQS-triggered handler runs. */
export type ConsumerName = (typeof HANDLERS)[SqsHandlerName]["consumer"];

/**
 * The consumer of the handler that `queue` (a flow's name: `intake`, a route,
 * a notification queue) triggers under `orchestration`: how a pipeline that
 * runs every flow in one process (in memory, on PostgreSQL) picks each
 * queue's consumer from this declaration.
 */
export function consumerOfQueue(queue: string, orchestration: Orchestration): ConsumerName {
  const handler = HANDLER_NAMES.find((name) => {
    const trigger: HandlerTrigger = HANDLERS[name].trigger;
    return (
      trigger.kind === "queue" &&
      trigger.queues.includes(queue) &&
      (trigger.orchestration ?? orchestration) === orchestration
    );
  });
  const consumer = handler && (HANDLERS[handler] as { readonly consumer?: string }).consumer;
  if (!consumer) throw new Error(`no handler consumes the ${queue} queue in src/entrypoints/handlers.ts`);
  return consumer as ConsumerName;
}
