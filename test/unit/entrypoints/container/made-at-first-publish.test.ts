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
});
