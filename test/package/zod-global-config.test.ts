import { describe, expect, it } from "vitest";
import * as z from "zod/mini";

describe("importing orderflow", () => {
  it("leaves zod's global configuration to the host application", async () => {
    // A host application that configured its own messages keeps them after loading every subpath.
    z.config({ localeError: () => "host message" });
    try {
      await Promise.all([
        import("../../src/index.js"),
        import("../../src/memory.js"),
        import("../../src/aws.js"),
        import("../../src/lambda.js"),
      ]);
      const hosts = z.string().safeParse(42);
      expect(hosts.success ? undefined : hosts.error.issues[0]?.message).toBe("host message");

      // …while orderflow's own messages stay English.
      const { parseWith, PlaceOrderSchema } = await import("../../src/domain/schemas.js");
      const ours = parseWith(PlaceOrderSchema, { customerId: 42 });
      expect(ours.ok ? [] : ours.issues.map((issue) => issue.message)).toContain(
        "Invalid input: expected string, received number",
      );
    } finally {
      z.config({ localeError: undefined });
    }
  });
});
