import * as z from "zod/mini";
import type { InMemoryQueue, StoredMessageView } from "../../adapters/memory/in-memory-queue.js";
import { parseOrThrow } from "../../domain/schemas.js";
import type { EventRouteName } from "../../ports/routing.js";
import { normalizeHeaders, readJsonBody, splitPath } from "../http/http-core.js";
import { errorResponse, HttpRequestError, jsonResponse } from "../http/http-errors.js";
import type { HttpRequest, HttpResponse } from "../http/http-types.js";
import type { InMemoryOrderflow } from "../in-memory/in-memory-orderflow.js";

/** Prefix of the operator routes: served by the local runner only, not part of the public contract. */
export const OPERATOR_PREFIX = "/_local/";

/** A dead-lettered message as the operator routes show it. */
export interface DeadLetterView {
  readonly messageId: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly groupId?: string | undefined;
  readonly deduplicationId?: string | undefined;
  readonly receiveCount: number;
  readonly sentAt: string;
  readonly deadLetteredFrom?: string | undefined;
}

const RedriveSchema = z.strictObject({
  to: z.optional(z.string().check(z.minLength(1), z.maxLength(80))),
  dryRun: z.optional(z.boolean()),
  max: z.optional(z.number().check(z.int(), z.minimum(1))),
});

/**
 * The operator routes of the local runner (what the `orderflow` CLI calls with
 * `--endpoint`):
 * - `GET /_local/queues`: every queue of the pipeline with its depth;
 * - `GET /_local/dlqs`: every dead-letter queue with its message count;
 * - `GET /_local/dlqs/{name}/messages`: the messages of one, left in place;
 * - `POST /_local/dlqs/{name}/redrive` `{ to?, dryRun?, max? }`: moves them back.
 *
 * Meant to run inside `answerRequest` (http-core), which turns what it throws
 * into error answers, adds the correlation id and logs the request.
 */
export async function handleOperatorRequest(
  flow: InMemoryOrderflow,
  request: HttpRequest,
  options: { readonly maxBodyBytes: number; readonly onRedrive?: () => void },
): Promise<HttpResponse> {
  const method = request.method.toUpperCase();
  const segments = splitPath(request.path).slice(1);
  const [first, name, action, ...rest] = segments;
  if (first === "queues" && name === undefined) {
    requireMethod(method, "GET");
    return jsonResponse(200, { queues: queueSummaries(flow) });
  }
  if (first === "dlqs" && name === undefined) {
    requireMethod(method, "GET");
    return jsonResponse(200, { deadLetterQueues: deadLetterSummaries(flow) });
  }
  if (first === "dlqs" && name !== undefined && rest.length === 0) {
    const dlq = deadLetterQueue(flow, name);
    if (action === "messages") {
      requireMethod(method, "GET");
      return jsonResponse(200, { queue: dlq.name, messages: dlq.peek().map(toView) });
    }
    if (action === "redrive") {
      requireMethod(method, "POST");
      const headers = normalizeHeaders(request.headers);
      const hasBody = typeof request.body === "string" && request.body.length > 0;
      const body = parseOrThrow(
        RedriveSchema,
        hasBody ? readJsonBody(request, headers, options.maxBodyBytes) : {},
        "redrive request",
      );
      return jsonResponse(200, await redrive(flow, dlq, body, options.onRedrive));
    }
  }
  return errorResponse(
    404,
    "ROUTE_NOT_FOUND",
    "no such operator route; see GET /_local/queues and GET /_local/dlqs",
  );
}

/** Whether a request is for the operator routes rather than the public API. */
export function isOperatorRequest(request: HttpRequest): boolean {
  return typeof request.path === "string" && request.path.startsWith(OPERATOR_PREFIX);
}

async function redrive(
  flow: InMemoryOrderflow,
  dlq: InMemoryQueue,
  request: z.infer<typeof RedriveSchema>,
  onRedrive: (() => void) | undefined,
) {
  const target = request.to === undefined ? undefined : sourceQueue(flow, request.to);
  const movable = dlq
    .peek()
    .filter((message) => message.state !== "inFlight")
    .filter((message) => target !== undefined || message.deadLetteredFrom !== undefined)
    .slice(0, request.max ?? Number.POSITIVE_INFINITY);
  if (request.dryRun) {
    return {
      queue: dlq.name,
      dryRun: true,
      count: movable.length,
      messages: movable.map((message) => ({
        ...toView(message),
        destination: target?.name ?? message.deadLetteredFrom,
      })),
    };
  }
  const moved = await dlq.redrive(target, request.max === undefined ? {} : { max: request.max });
  if (moved > 0) onRedrive?.();
  return {
    queue: dlq.name,
    dryRun: false,
    moved,
    destination: target?.name ?? "source queues",
    remaining: dlq.size,
  };
}

function requireMethod(method: string, allowed: string): void {
  if (method !== allowed) {
    throw new HttpRequestError(405, "METHOD_NOT_ALLOWED", `use ${allowed}`, undefined, { Allow: allowed });
  }
}

function pipelines(flow: InMemoryOrderflow) {
  return Object.values(flow.flows);
}

function queueSummaries(flow: InMemoryOrderflow) {
  return pipelines(flow).map(({ queue, deadLetterQueue }) => ({
    name: queue.name,
    fifo: queue.fifo,
    visible: queue.visibleCount,
    inFlight: queue.inFlightCount,
    delayed: queue.delayedCount,
    deadLetterQueue: deadLetterQueue.name,
    deadLettered: deadLetterQueue.size,
  }));
}

function deadLetterSummaries(flow: InMemoryOrderflow) {
  const routes = Object.keys(flow.ruleDeadLetterQueues) as EventRouteName[];
  return Object.values(flow.deadLetterQueues()).map((dlq) => {
    const route = routes.find((candidate) => flow.ruleDeadLetterQueues[candidate] === dlq);
    return {
      name: dlq.name,
      fifo: dlq.fifo,
      messages: dlq.size,
      // A bus rule's dead-letter queue goes back to the rule's target, the route's queue. Flows
      // added later (batch files) are not in `flows`; their messages still name their source.
      source:
        pipelines(flow).find((p) => p.deadLetterQueue === dlq)?.queue.name ??
        (route === undefined ? undefined : flow.flows[route].queue.name) ??
        dlq.peek().find((message) => message.deadLetteredFrom)?.deadLetteredFrom,
    };
  });
}

function deadLetterQueue(flow: InMemoryOrderflow, name: string): InMemoryQueue {
  const dlq = flow.deadLetterQueues()[name];
  if (!dlq) {
    const known = Object.keys(flow.deadLetterQueues()).join(", ");
    throw new HttpRequestError(
      404,
      "QUEUE_NOT_FOUND",
      `no dead-letter queue named ${name.slice(0, 80)}; known: ${known}`,
    );
  }
  return dlq;
}

function sourceQueue(flow: InMemoryOrderflow, name: string): InMemoryQueue {
  const queue = pipelines(flow).find((p) => p.queue.name === name)?.queue;
  if (!queue) {
    const known = pipelines(flow)
      .map((p) => p.queue.name)
      .join(", ");
    throw new HttpRequestError(404, "QUEUE_NOT_FOUND", `no queue named ${name}; known: ${known}`);
  }
  return queue;
}

function toView(message: StoredMessageView): DeadLetterView {
  return {
    messageId: message.messageId,
    body: message.body,
    attributes: message.attributes,
    groupId: message.groupId,
    deduplicationId: message.deduplicationId,
    receiveCount: message.receiveCount,
    sentAt: message.sentAt.toISOString(),
    deadLetteredFrom: message.deadLetteredFrom,
  };
}
