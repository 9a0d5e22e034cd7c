import { SendTaskSuccessCommand, type SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { OrderWorkflows } from "../../ports/order-workflows.js";
import { awsErrorName, translateAwsError } from "./aws-errors.js";

export interface StepFunctionsOrderWorkflowsOptions {
  readonly client: SFNClient;
  /** The order workflow's state machine (`STATE_MACHINE_ARN`). */
  readonly stateMachineArn: string;
}

/** What Step Functions answers a task token whose wait is over. */
const ENDED_WAIT_ERRORS = new Set(["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]);

/**
 * {@link OrderWorkflows} on a Step Functions state machine (Standard: only
 * Standard waits for a task token). An execution is named by its order id, so
 * Step Functions itself refuses a second one: a duplicate start of a running
 * execution with the same input answers as the first did, and any other
 * answers `ExecutionAlreadyExists`, which is what a duplicate start is. Order
 * ids (`[A-Za-z0-9_-]{1,64}`) are valid execution names as they are.
 */
export class StepFunctionsOrderWorkflows implements OrderWorkflows {
  constructor(private readonly options: StepFunctionsOrderWorkflowsOptions) {}

  async start(orderId: string, correlationId: string): Promise<void> {
    try {
      await this.options.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.options.stateMachineArn,
          name: orderId,
          input: JSON.stringify({ orderId, correlationId }),
        }),
      );
    } catch (err) {
      if (awsErrorName(err) === "ExecutionAlreadyExists") return;
      throw translateAwsError(err, `Step Functions state machine ${this.options.stateMachineArn}`);
    }
  }

  async completeFulfilment(taskToken: string): Promise<boolean> {
    try {
      await this.options.client.send(new SendTaskSuccessCommand({ taskToken, output: "{}" }));
      return true;
    } catch (err) {
      if (ENDED_WAIT_ERRORS.has(awsErrorName(err) ?? "")) return false;
      throw translateAwsError(err, "Step Functions");
    }
  }
}
