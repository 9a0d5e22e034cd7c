import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { addFileFlows, createInMemoryOrderflow } from "../../src/memory.js";

/** The files in examples/ that the README's commands name do what the README says. */
const examples = resolve(import.meta.dirname, "../../examples");
const read = (name: string) => readFile(resolve(examples, name), "utf8");

describe("the README's example files", () => {
  it("examples/order.json places an order that is confirmed, and examples/changes.json modifies it before payment", async () => {
    const flow = createInMemoryOrderflow();
    const placed = await flow.api.placeOrder(JSON.parse(await read("order.json")));
    expect(placed).toEqual({ orderId: "example-1", status: "RECEIVED" });
    // Before payment starts (here: once validated), as a customer quick enough would.
    await flow.drain({ only: ["intake"] });
    await flow.api.modifyOrder("example-1", JSON.parse(await read("changes.json")));
    await flow.drain({ only: ["modify"] });
    await flow.drain();
    const order = await flow.api.getOrder("example-1");
    expect(order.status).toBe("CONFIRMED");
    expect(order.items.map((item) => item.sku)).toEqual(["CAFE-COADO-500G"]);
  });

  it("examples/orders.jsonl: batch-1 and batch-2 confirmed, line 3 reported invalid", async () => {
    const flow = createInMemoryOrderflow();
    const files = addFileFlows(flow);
    await files.upload("orders.jsonl", await read("orders.jsonl"));
    await flow.drain();
    expect((await flow.api.getOrder("batch-1")).status).toBe("CONFIRMED");
    expect((await flow.api.getOrder("batch-2")).status).toBe("CONFIRMED");
    const [record] = (await files.history.list()).items;
    expect(record).toMatchObject({ counts: { total: 3, valid: 2, invalid: 1 } });
    expect(record?.errors?.[0]).toMatchObject({ index: 2 });
  });
});
