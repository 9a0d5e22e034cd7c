import { snsAlertsService } from "../container/aws/sns-alerts-service.js";
import { stepFunctionsService } from "../container/aws/step-functions-service.js";
import { WORKFLOW_FLOWS } from "../container/workflow-flows-module.js";
import { createSqsHandler, type HandlerOptions, type SqsHandler } from "./handler-root.js";

/** The start-workflow handler: consumes the processing queue under the workflow orchestration, one execution per order. */
export function createStartWorkflowHandler(options: HandlerOptions = {}): SqsHandler {
  // Its ports (workflows, alerts) live on these services; only their SDK clients are bundled.
  return createSqsHandler(
    "start-workflow",
    [stepFunctionsService, snsAlertsService],
    WORKFLOW_FLOWS,
    options,
  );
}

/** The Lambda entry point (`start-workflow/index.handler`); builds its composition root on the first invocation. */
export const handler: SqsHandler = createStartWorkflowHandler();
