import { describe, expect, it } from "vitest";
import { OrderStatus } from "../../src/domain/lifecycle.js";
import { FulfilOrder } from "../../src/domain/use-cases/simple-transitions.js";
import { memoryModule } from "../../src/entrypoints/container/memory-module.js";
import { createWorkflowTaskHandler } from "../../src/entrypoints/lambda/workflow-task.js";
import {
  runOrderWorkflowLocally,
  type WorkflowTaskHandlers,
  type WorkflowTaskInput,
} from "../../src/entrypoints/workflow/local-workflow.js";
import { WORKFLOW_TASKS } from "../../src/entrypoints/workflow/order-workflow.js";
import { ServiceUnavailableError } from "../../src/ports/errors.js";
import {
  eventOf,
  fixture,
  type Harness,
  harness,
  lambdaContext,
  recordOf,
} from "../unit/entrypoints/lambda/lambda-test-kit.js";

const ORDER = "o-fixture-1";
const context = lambdaContext();

/** Waits (a millisecond at a time, two seconds at most) until `ready` holds. */
async function until(ready: () => boolean | Promise<boolean>): Promise<void> {
  for (let turn = 0; turn < 2000; turn++) {
    if (await ready()) return;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error("gave up waiting");
}

/**
 * The AWS path of the workflow, every Lambda handler over one set of
 * in-memory adapters: validate-order, start-workflow (the start recorded as
 * Step Functions would get it), the deployed definition run by the local
 * interpreter with each task state invoking the workflow-task handler as
 * `lambda:invoke` does, and release-fulfilment completing the wait with the
 * token the task function kept (the fulfilment state waits, as
 * `.waitForTaskToken` does, until its token is completed).
 */
async function workflowOnLambdas(h: Harness) {
  const task = createWorkflowTaskHandler({
    env: { ORDERFLOW_ADAPTERS: "memory" },
    adapters: () => [memoryModule(h.adapters)],
  });
  await h.place(ORDER);
  await h.handler("validate-order")(fixture("intake-fifo-event"), context);
  expect(await h.handler("start-workflow")(fixture("processing-eventbridge-event"), context)).toEqual({
    batchItemFailures: [],
  });
  const execution = h.adapters.workflows.executions.get(ORDER);
  expect(execution).toEqual({ correlationId: "corr-fixture-1" });
  // Step Functions issues the fulfilment state's token; here the in-memory orchestrator does.
  const taskToken = h.adapters.workflows.beginWait(ORDER);
  const invoke = (input: WorkflowTaskInput) => task(input, context);
  const handlers = Object.fromEntries(
    WORKFLOW_TASKS.map((name) => [
      name,
      name === "awaitFulfilment"
        ? async (input: WorkflowTaskInput) => {
            await invoke(input);
            await until(() => !h.adapters.workflows.isWaiting(ORDER));
            return {};
          }
        : invoke,
    ]),
  ) as unknown as WorkflowTaskHandlers;
  const run = runOrderWorkflowLocally({ orderId: ORDER, correlationId: execution!.correlationId }, handlers, {
    taskToken,
  });
  return { run, taskToken };
}

/** The operator's fulfil, then the bus's delivery of its OrderFulfilled to the fulfilments queue. */
async function fulfil(h: Harness) {
  const fulfilled = await new FulfilOrder(h.adapters).execute({
    commandId: `fulfil-${ORDER}`,
    correlationId: "corr-fulfil",
    orderId: ORDER,
  });
  expect(fulfilled.applied).toBe(true);
  const event = h.adapters.bus.events("OrderFulfilled")[0]!;
  const envelope = {
    version: "0",
    id: "eb-1",
    "detail-type": event.type,
    source: "orderflow",
    account: "123456789012",
    time: event.occurredAt,
    region: "us-east-1",
    resources: [],
    detail: event,
  };
  const record = recordOf("fulfilments-eventbridge-event", { body: JSON.stringify(envelope) });
  return h.handler("release-fulfilment")(eventOf(record), context);
}

describe("the workflow's Lambda handlers (the AWS path, over in-memory adapters)", () => {
  it("runs an order to FULFILLED: the task function keeps the token, release-fulfilment completes the wait", async () => {
    const h = harness();
    const { run } = await workflowOnLambdas(h);
    // The fulfilment task has run: the execution now waits for the token the task function kept.
    await until(() => h.logs().some((line) => line.task === "awaitFulfilment"));
    expect(h.adapters.workflows.isWaiting(ORDER)).toBe(true);
    expect((await h.adapters.orders.get(ORDER))?.order.status).toBe(OrderStatus.CONFIRMED);

    expect(await fulfil(h)).toEqual({ batchItemFailures: [] });
    const { outcome, states } = await run;

    expect(outcome.succeeded).toBe(true);
    expect(states.at(-1)).toBe("Fulfilled");
    expect((await h.adapters.orders.get(ORDER))?.order.status).toBe(OrderStatus.FULFILLED);
    expect(h.payments.succeededCharges).toHaveLength(1);
    expect(h.logs().some((line) => line.message === "fulfilment wait released")).toBe(true);
  });

  it("ends the wait when the operator fulfilled the order before it began (the release found no token)", async () => {
    const h = harness();
    let fulfilledFirst: Promise<unknown> | undefined;
    // Hold the task function's fulfilment call until the operator has fulfilled the order.
    const original = h.adapters.taskTokens.save.bind(h.adapters.taskTokens);
    h.adapters.taskTokens.save = async (...args) => {
      fulfilledFirst ??= fulfil(h);
      expect(await fulfilledFirst).toEqual({ batchItemFailures: [] });
      return original(...args);
    };
    const { run } = await workflowOnLambdas(h);
    const { outcome } = await run;

    expect(outcome.succeeded).toBe(true);
    expect(h.logs().some((line) => line.message === "no fulfilment wait to release")).toBe(true);
    expect(h.adapters.workflows.isWaiting(ORDER)).toBe(false);
    expect(await h.adapters.taskTokens.take(ORDER)).toBeUndefined();
  });

  it("acknowledges a duplicate start and a duplicate release: one execution, nothing completed twice", async () => {
    const h = harness();
    const { run } = await workflowOnLambdas(h);
    await h.handler("start-workflow")(fixture("processing-eventbridge-event"), context);
    await until(async () => (await h.adapters.orders.get(ORDER))?.order.status === OrderStatus.CONFIRMED);
    await until(() => h.logs().some((line) => line.task === "awaitFulfilment"));

    expect(await fulfil(h)).toEqual({ batchItemFailures: [] });
    await run;
    const again = recordOf("fulfilments-eventbridge-event", {
      body: JSON.stringify({
        ...JSON.parse(fixture("fulfilments-eventbridge-event").Records[0]!.body),
        detail: h.adapters.bus.events("OrderFulfilled")[0],
      }),
    });
    expect(await h.handler("release-fulfilment")(eventOf(again), context)).toEqual({ batchItemFailures: [] });

    expect(h.adapters.workflows.executions.size).toBe(1);
    expect(h.logs().filter((line) => line.message === "fulfilment wait released")).toHaveLength(1);
  });
});

describe("the workflow-task handler", () => {
  const taskHandler = (h: Harness) =>
    createWorkflowTaskHandler({
      env: { ORDERFLOW_ADAPTERS: "memory" },
      adapters: () => [memoryModule(h.adapters)],
    });

  it("refuses a payload no task state sends, with an error the definition does not retry", async () => {
    const h = harness();
    const task = taskHandler(h);
    for (const payload of [
      null,
      "checkStore",
      { task: "drop-tables", orderId: ORDER, correlationId: "c" },
      { task: "charge", orderId: "../x", correlationId: "c" },
      { task: "charge", orderId: ORDER },
    ]) {
      const error = await task(payload, context).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: "Orderflow.InvalidTaskPayload" });
    }
  });

  it("names a dependency's transient failure as the definition retries it, and a decline as it catches it", async () => {
    const h = harness();
    const task = taskHandler(h);
    await h.place(ORDER);
    await h.handler("validate-order")(fixture("intake-fifo-event"), context);
    const input = { orderId: ORDER, correlationId: "corr-fixture-1" };
    await task({ task: "startPayment", ...input }, context);

    h.payments.script(ORDER, { fail: new ServiceUnavailableError("PaymentGateway") });
    expect(await task({ task: "charge", ...input }, context).catch((e: unknown) => e)).toMatchObject({
      name: "Orderflow.Transient",
    });
    expect(await task({ task: "charge", ...input }, context)).toEqual({});
    expect(h.payments.succeededCharges).toHaveLength(1);
    expect(
      h
        .logs()
        .filter((line) => line.message === "workflow task done")
        .map((line) => line.task),
    ).toEqual(["startPayment", "charge"]);
  });

  it("names a declined charge as the definition catches it", async () => {
    const h = harness();
    const task = taskHandler(h);
    await h.place(ORDER);
    await h.handler("validate-order")(fixture("intake-fifo-event"), context);
    const input = { orderId: ORDER, correlationId: "corr-fixture-1" };
    await task({ task: "startPayment", ...input }, context);
    h.payments.script(ORDER, { decline: "insufficient funds" });

    expect(await task({ task: "charge", ...input }, context).catch((e: unknown) => e)).toMatchObject({
      name: "Orderflow.PaymentDeclined",
    });
  });
});
