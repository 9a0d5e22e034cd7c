import { describe, expect, it } from "vitest";
import { createInMemoryOrderflow, type InMemoryLogger, type QueueDriver } from "../../../../src/memory.js";
import { ServiceUnavailableError } from "../../../../src/ports/errors.js";

const body = {
  orderId: "o-1",
  customerId: "c-1",
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 1, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
};

/** A pipeline whose intake driver fails its first call of `method`, as SQS now and then does. */
function flowWhoseIntakeFailsOnce(method: "receive" | "ack" | "retry") {
  return createInMemoryOrderflow({
    decorate: (name, port) => {
      if (name !== "driver:intake") return port;
      const driver = port as unknown as QueueDriver;
      let failed = false;
      const once = async (...args: unknown[]) => {
        if (!failed) {
          failed = true;
          throw new ServiceUnavailableError("sqs");
        }
        return (driver[method] as (...a: unknown[]) => Promise<unknown>).apply(driver, args);
      };
      return Object.assign(Object.create(driver), { [method]: once }) as typeof port;
    },
  });
}

/**
 * The drain loop is an event source mapping: a receive, delete or visibility
 * change that fails does not stop it. It used to throw out of `drain`, which a
 * campaign that injects faults into queue calls found at once.
 */
describe("the drain loop when the queue service fails", () => {
  it("polls again after a failed receive", async () => {
    const flow = flowWhoseIntakeFailsOnce("receive");
    await flow.api.placeOrder(body);

    await flow.drain();

    expect((await flow.api.getOrder("o-1")).status).toBe("CONFIRMED");
    expect((flow.logger as InMemoryLogger).at("warn").map((entry) => entry.message)).toContain(
      "receive failed; polling again",
    );
  });

  it("stops, with the queue's error, when one queue's receives keep failing while the others succeed", async () => {
    const flow = createInMemoryOrderflow({
      decorate: (name, port) => {
        if (name !== "driver:cancel") return port;
        const receive = async () => Promise.reject(new ServiceUnavailableError("sqs"));
        return Object.assign(Object.create(port as object), { receive }) as typeof port;
      },
    });
    await flow.api.placeOrder(body);

    await expect(flow.drain()).rejects.toThrow(ServiceUnavailableError);
  });

  it("leaves a message whose delete failed in flight: it comes back after its visibility timeout, and changes nothing", async () => {
    const flow = flowWhoseIntakeFailsOnce("ack");
    await flow.api.placeOrder(body);

    await flow.drain();

    expect((await flow.api.getOrder("o-1")).status).toBe("CONFIRMED");
    const messages = (flow.logger as InMemoryLogger).entries.map((entry) => entry.message);
    expect(messages).toContain("delete failed; the messages come back after their visibility timeout");
    expect(messages).toContain("order validation: skipped");
    expect(flow.events("OrderValidated")).toHaveLength(1);
    expect(flow.flows.intake.queue.size).toBe(0);
  });
});
