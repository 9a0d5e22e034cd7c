import type { SFNClient } from "@aws-sdk/client-sfn";
import { createStepFunctionsClient } from "../../../adapters/aws/step-functions.js";
import { StepFunctionsOrderWorkflows } from "../../../adapters/aws/step-functions-order-workflows.js";
import { ORDER_WORKFLOWS, type OrderWorkflows } from "../../../ports/order-workflows.js";
import { awsAdapter, awsService } from "./aws-service.js";

/** Step Functions: the order workflow's executions (started, and their fulfilment waits completed). */
export const stepFunctionsService = awsService("StepFunctions", createStepFunctionsClient, [
  awsAdapter<SFNClient, OrderWorkflows>(
    ORDER_WORKFLOWS,
    "STATE_MACHINE_ARN",
    (client, stateMachineArn) => new StepFunctionsOrderWorkflows({ client, stateMachineArn }),
  ),
]);
