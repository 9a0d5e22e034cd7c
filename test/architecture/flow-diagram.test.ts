import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FLOW_DIAGRAM_FILES, withFreshFlows } from "../../scripts/generate-flow-diagram.js";
import { HANDLER_NAMES, HANDLERS } from "../../src/entrypoints/handlers.js";

describe.each(FLOW_DIAGRAM_FILES)("the flow diagram in %s", (file) => {
  const text = readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");

  it("is the one generated from the handler declaration (run `npm run docs:flows` if not)", () => {
    expect(withFreshFlows(text, file)).toBe(text);
  });

  it("shows every handler and what triggers it", () => {
    for (const handler of HANDLER_NAMES) {
      const id = `handler_${handler.replace(/-/g, "_")}`;
      expect(text).toContain(`${id}("${handler}")`);
      const trigger = HANDLERS[handler].trigger;
      if (trigger.kind === "http") expect(text).toContain(`client -->|HTTP API| ${id}`);
      else
        for (const queue of trigger.queues)
          expect(text).toContain(`queue_${queue.replace(/-/g, "_")} --> ${id}`);
    }
  });
});
