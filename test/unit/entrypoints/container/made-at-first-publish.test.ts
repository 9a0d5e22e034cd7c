import { describe, expect, it } from "vitest";
import { madeAtFirstPublish } from "../../../../src/entrypoints/container/aws/aws-service.js";

describe("a publishing port made at its first publish", () => {
  it("makes nothing until the first publish, then one adapter for every publish; a failure reaches the caller", async () => {
    let made = 0;
    const published: number[][] = [];
    const port = madeAtFirstPublish(() => {
      made += 1;
      return {
        publish: async (items: readonly number[]) => {
          if (items.includes(0)) throw new Error("refused");
          published.push([...items]);
        },
      };
    });
    expect(made).toBe(0);

    await port.publish([1]);
    await port.publish([2, 3]);
    await expect(port.publish([0])).rejects.toThrow("refused");

    expect(made).toBe(1);
    expect(published).toEqual([[1], [2, 3]]);
  });

  it("loads an adapter made on demand once, even for publishes that start together; a failed load is tried again", async () => {
    let loads = 0;
    const published: number[] = [];
    const port = madeAtFirstPublish(async () => {
      loads += 1;
      await new Promise((resolve) => setTimeout(resolve, 1));
      if (loads === 1) throw new Error("chunk not readable");
      return { publish: async (items: readonly number[]) => void published.push(...items) };
    });

    await expect(port.publish([1])).rejects.toThrow("chunk not readable");
    await Promise.all([port.publish([2]), port.publish([3])]);
    await port.publish([4]);

    expect(loads).toBe(2);
    expect(published).toEqual([2, 3, 4]);
  });
});
