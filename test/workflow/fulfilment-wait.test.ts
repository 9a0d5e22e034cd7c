import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/adapters/memory/clocks.js";
import { InMemoryOrderWorkflows } from "../../src/adapters/memory/in-memory-order-workflows.js";
import { InMemoryTaskTokenStore } from "../../src/adapters/memory/in-memory-task-token-store.js";
import { FulfilmentWait } from "../../src/domain/use-cases/fulfilment-wait.js";
import { ServiceUnavailableError } from "../../src/ports/errors.js";

function waitOver(status: string) {
  const clock = new ManualClock();
  const taskTokens = new InMemoryTaskTokenStore(clock);
  const workflows = new InMemoryOrderWorkflows();
  const orders = { get: async () => ({ order: { status } }) as never };
  return { clock, taskTokens, workflows, wait: new FulfilmentWait({ taskTokens, workflows, orders, clock }) };
}

describe("FulfilmentWait", () => {
  it("keeps the token while the order awaits the operator, and the release completes the wait once", async () => {
    const { wait, workflows, taskTokens } = waitOver("CONFIRMED");
    const token = workflows.beginWait("o-1");
    await wait.begin({ orderId: "o-1", taskToken: token, timeoutSeconds: 60 });

    expect(workflows.isWaiting("o-1")).toBe(true);
    expect(await wait.release("o-1")).toBe(true);
    expect(await wait.release("o-1")).toBe(false);
    expect(workflows.isWaiting("o-1")).toBe(false);
    expect(await taskTokens.take("o-1")).toBeUndefined();
  });

  it("completes the wait itself when the order was fulfilled before it began", async () => {
    const { wait, workflows } = waitOver("FULFILLED");
    const token = workflows.beginWait("o-1");
    await wait.begin({ orderId: "o-1", taskToken: token, timeoutSeconds: 60 });

    expect(workflows.isWaiting("o-1")).toBe(false);
  });

  it("keeps the token as long as the wait may last, and a little longer", async () => {
    const { wait, workflows, taskTokens, clock } = waitOver("CONFIRMED");
    await wait.begin({ orderId: "o-1", taskToken: workflows.beginWait("o-1"), timeoutSeconds: 3600 });
    clock.advance(3600 * 1000 + 30 * 60 * 1000);
    expect(await taskTokens.take("o-1")).toBeDefined();

    await wait.begin({ orderId: "o-2", taskToken: workflows.beginWait("o-2"), timeoutSeconds: 3600 });
    clock.advance(3 * 3600 * 1000);
    expect(await taskTokens.take("o-2")).toBeUndefined();
  });

  it("puts the token back when completing the wait fails, so the redelivered event completes it", async () => {
    const { wait, workflows, taskTokens } = waitOver("CONFIRMED");
    const token = workflows.beginWait("o-1");
    await wait.begin({ orderId: "o-1", taskToken: token, timeoutSeconds: 60 });
    const complete = workflows.completeFulfilment.bind(workflows);
    workflows.completeFulfilment = async () => {
      throw new ServiceUnavailableError("Step Functions");
    };

    await expect(wait.release("o-1")).rejects.toMatchObject({ retryable: true });
    workflows.completeFulfilment = complete;
    expect(await wait.release("o-1")).toBe(true);
    expect(await taskTokens.take("o-1")).toBeUndefined();
  });
});
