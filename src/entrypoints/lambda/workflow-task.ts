import * as z from "zod/mini";
import { OrderIdSchema } from "../../domain/schemas.js";
import { LOGGER } from "../../ports/logger.js";
import {
  dynamoDb,
  dynamoDbOrders,
  dynamoDbStoreSettings,
  dynamoDbTaskTokens,
} from "../container/aws/dynamodb-service.js";
import { eventBridgeService } from "../container/aws/eventbridge-service.js";
import { stepFunctionsService } from "../container/aws/step-functions-service.js";
import { resolveAsync } from "../container/create-container.js";
import { FULFILMENT_WAIT, WORKFLOW_STEPS } from "../container/tokens.js";
import { WORKFLOW_FLOWS } from "../container/workflow-flows-module.js";
import { lambdaLogFields, runInLogContext } from "../logging.js";
import { once } from "../once.js";
import type { WorkflowTaskInput } from "../workflow/local-workflow.js";
import { WORKFLOW_TASKS } from "../workflow/order-workflow.js";
import { beginFulfilmentWait, workflowTaskHandlers } from "../workflow/workflow-task-handlers.js";
import { composeHandler, type HandlerOptions, type LambdaContext } from "./handler-root.js";

/** What a task state sends: the task's name, the order, and what that task needs besides. */
const TaskPayloadSchema = z.looseObject({
  task: z.enum(WORKFLOW_TASKS),
  orderId: OrderIdSchema,
  correlationId: z.string().check(z.minLength(1), z.maxLength(256)),
});

/** A payload no task state sends: the execution fails with this error (not retried), and its alarm fires. */
export class InvalidTaskPayloadError extends Error {
  override readonly name = "Orderflow.InvalidTaskPayload";
}

export type WorkflowTaskHandler = (event: unknown, context?: LambdaContext) => Promise<unknown>;

/**
 * The workflow-task handler: every task state of the order workflow invokes
 * it with `{ task, orderId, correlationId, … }`; it runs that task's step.
 * Errors keep the names the definition matches: a retryable dependency
 * failure is `Orderflow.Transient` (retried with backoff), a declined charge
 * `Orderflow.PaymentDeclined` (caught); the Lambda runtime reports an error's
 * `name` as the task's error.
 */
export function createWorkflowTaskHandler(options: HandlerOptions = {}): WorkflowTaskHandler {
  const root = once(async () => {
    const container = composeHandler(
      "workflow-task",
      [
        dynamoDb(dynamoDbOrders, dynamoDbStoreSettings, dynamoDbTaskTokens),
        eventBridgeService,
        stepFunctionsService,
      ],
      WORKFLOW_FLOWS,
      options,
    );
    const [steps, wait, logger] = await Promise.all([
      resolveAsync(container, WORKFLOW_STEPS),
      resolveAsync(container, FULFILMENT_WAIT),
      resolveAsync(container, LOGGER),
    ]);
    return { tasks: workflowTaskHandlers(steps, beginFulfilmentWait(wait)), logger };
  });

  return async (event, context) => {
    const { tasks, logger } = await root();
    const parsed = z.safeParse(TaskPayloadSchema, event);
    if (!parsed.success) {
      const paths = parsed.error.issues.map((issue) => issue.path.join(".") || "(payload)");
      throw new InvalidTaskPayloadError(`not a workflow task payload: ${paths.join(", ")}`);
    }
    const input = parsed.data as WorkflowTaskInput;
    const fields = {
      ...lambdaLogFields(context),
      orderId: input.orderId,
      correlationId: input.correlationId,
    };
    return runInLogContext(logger, fields, async () => {
      const answer = await tasks[input.task](input);
      logger.info("workflow task done", { task: input.task });
      return answer ?? {};
    });
  };
}

/** The Lambda entry point (`workflow-task/index.handler`); builds its composition root on the first invocation. */
export const handler: WorkflowTaskHandler = createWorkflowTaskHandler();
