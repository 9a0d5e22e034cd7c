import { describe, expect, it } from "vitest";
import { InMemoryOrderRepository, InMemoryQueue, ManualClock } from "../../../src/memory.js";
import { ServiceUnavailableError } from "../../../src/ports/errors.js";
import { anOrder, FaultInjector } from "../../../src/testing.js";

/** A random source that answers the given values in turn. */
function answers(...values: number[]): () => number {
  let next = 0;
  return () => values[next++ % values.length]!;
}

describe("FaultInjector", () => {
  it("fails a call before it reaches the adapter, with the port's transient error", async () => {
    const faults = new FaultInjector({ random: answers(0.05) });
    const orders = new InMemoryOrderRepository();
    const faulty = faults.wrap("orders", orders, { rate: 0.1 });
    const order = anOrder();

    const error = await faulty.save(order, 0).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error).toMatchObject({ code: "SERVICE_UNAVAILABLE", retryable: true });
    expect(await orders.get(order.id)).toBeUndefined();
    expect(faults.counts()).toEqual({ orders: { faults: 1, crashes: 0 } });
  });

  it("crashes after the effect: the adapter did its work, the caller sees an error", async () => {
    // The first draw spares the call, the second crashes it.
    const faults = new FaultInjector({ random: answers(0.5, 0.01) });
    const orders = new InMemoryOrderRepository();
    const faulty = faults.wrap("orders", orders, { rate: 0.1, crashAfter: { save: 0.02 } });
    const order = anOrder();

    await expect(faulty.save(order, 0)).rejects.toThrow(/crashed after its effect/);

    expect((await orders.get(order.id))?.order.version).toBe(order.version);
    expect(faults.counts()).toEqual({ orders: { faults: 0, crashes: 1 } });
  });

  it("leaves alone the methods it is not told about, and everything once stopped", async () => {
    const faults = new FaultInjector({ random: answers(0) });
    const orders = new InMemoryOrderRepository();
    const faulty = faults.wrap("orders", orders, { rate: 1, methods: ["save"] });

    await expect(faulty.get("nobody")).resolves.toBeUndefined();
    await expect(faulty.save(anOrder(), 0)).rejects.toThrow(ServiceUnavailableError);
    faults.stop();
    await expect(faulty.save(anOrder(), 0)).resolves.toBeUndefined();
  });

  it("keeps the adapter's class, fields and private state reachable through the wrapper", async () => {
    const clock = new ManualClock();
    const queue = new InMemoryQueue({ name: "q", clock });
    const faulty = new FaultInjector({ random: answers(0.9) }).wrap("queue", queue, {
      rate: 0.1,
      methods: ["send"],
    });

    expect(faulty).toBeInstanceOf(InMemoryQueue);
    expect(faulty.name).toBe("q");
    await faulty.send([{ body: "hello" }]);
    expect(faulty.size).toBe(1);
    expect(queue.receive().map((message) => message.body)).toEqual(["hello"]);
  });

  it("wraps a function port's calls (a bus target, say)", async () => {
    const delivered: string[] = [];
    const target = async (body: string) => {
      delivered.push(body);
    };
    const faulty = new FaultInjector({ random: answers(0.05, 0.5) }).wrap("target", target, { rate: 0.1 });

    await expect(faulty("first")).rejects.toThrow(ServiceUnavailableError);
    await faulty("second");
    expect(delivered).toEqual(["second"]);
  });
});
