import {
  ExecutionAlreadyExists,
  InvalidToken,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { StepFunctionsOrderWorkflows } from "../../../src/adapters/aws/step-functions-order-workflows.js";
import { describeOrderWorkflowsContract } from "../../../src/testing.js";

const stateMachineArn = "arn:aws:states:us-east-1:123456789012:stateMachine:orderflow-order-workflow";

/**
 * Step Functions has no emulator: a small model of what it answers, as its
 * API reference describes it. A Standard execution's name is unique: a start
 * repeating a running execution's name and input answers that execution; any
 * other start under a used name is `ExecutionAlreadyExists`. A task token
 * completes its wait once (`TaskDoesNotExist` after); a token Step Functions
 * never issued is `InvalidToken`.
 */
function modelledStepFunctions() {
  const client = new SFNClient({ region: "us-east-1" });
  const sfn = mockClient(client);
  const executions = new Map<string, { input: string; running: boolean }>();
  const tokens = new Map<string, "open" | "done">();
  sfn.on(StartExecutionCommand).callsFake((input) => {
    const name = input.name as string;
    const arn = `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
    const existing = executions.get(name);
    if (existing && !(existing.running && existing.input === input.input)) {
      throw new ExecutionAlreadyExists({ message: `Execution Already Exists: '${arn}'`, $metadata: {} });
    }
    executions.set(name, { input: input.input, running: true });
    return { executionArn: arn, startDate: new Date() };
  });
  sfn.on(SendTaskSuccessCommand).callsFake((input) => {
    const state = tokens.get(input.taskToken);
    if (state === undefined) throw new InvalidToken({ message: "Invalid token", $metadata: {} });
    if (state === "done") throw new TaskDoesNotExist({ message: "Task does not exist", $metadata: {} });
    tokens.set(input.taskToken, "done");
    return {};
  });
  return { client, sfn, executions, tokens };
}

describeOrderWorkflowsContract("StepFunctionsOrderWorkflows (Step Functions modelled)", () => {
  const { client, sfn, executions, tokens } = modelledStepFunctions();
  const workflows = new StepFunctionsOrderWorkflows({ client, stateMachineArn });
  return {
    workflows,
    executionsOf: async (orderId) => (executions.has(orderId) ? 1 : 0),
    waitingToken: async (orderId) => {
      await workflows.start(orderId, "corr");
      const token = `token-of-${orderId}`;
      tokens.set(token, "open");
      return token;
    },
    teardown: async () => sfn.restore(),
  };
});

describe("StepFunctionsOrderWorkflows", () => {
  it("names the execution by the order and gives it the order and its correlation id", async () => {
    const { client, sfn } = modelledStepFunctions();
    await new StepFunctionsOrderWorkflows({ client, stateMachineArn }).start("o-1", "corr-1");

    const [call] = sfn.commandCalls(StartExecutionCommand);
    expect(call?.args[0].input).toEqual({
      stateMachineArn,
      name: "o-1",
      input: JSON.stringify({ orderId: "o-1", correlationId: "corr-1" }),
    });
    sfn.restore();
  });

  it("answers throttling with a retryable error, so the queue redelivers the start", async () => {
    const client = new SFNClient({ region: "us-east-1", maxAttempts: 1 });
    const sfn = mockClient(client);
    sfn
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" }));

    const error = await new StepFunctionsOrderWorkflows({ client, stateMachineArn })
      .start("o-2", "corr")
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "SERVICE_UNAVAILABLE", retryable: true });
    sfn.restore();
  });
});
