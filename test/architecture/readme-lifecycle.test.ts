import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { withFreshLifecycle } from "../../scripts/generate-lifecycle-diagram.js";
import { ORDER_STATUSES, TRANSITIONS } from "../../src/domain/lifecycle.js";

describe("README lifecycle diagram", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

  it("is the one generated from the transition table (run `npm run docs:lifecycle` if not)", () => {
    expect(withFreshLifecycle(readme)).toBe(readme);
  });

  it("shows every status and every transition", () => {
    for (const status of ORDER_STATUSES) expect(readme).toContain(status);
    for (const [command, row] of Object.entries(TRANSITIONS)) {
      for (const [from, to] of Object.entries(row)) expect(readme).toContain(`${from} --> ${to}: ${command}`);
    }
  });
});
