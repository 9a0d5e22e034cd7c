import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FLOW_DIAGRAM_FILES, queueEdge, withFreshFlows } from "../../scripts/generate-flow-diagram.js";
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
      else if (trigger.kind === "workflow") expect(text).toContain(`workflow -->|task states| ${id}`);
      else
        for (const queue of trigger.queues)
          expect(text).toContain(
            queueEdge(queue, id, "orchestration" in trigger ? trigger.orchestration : undefined),
          );
    }
  });

  it("shows the order workflow: started from the processing queue, running its tasks, released by fulfilments", () => {
    expect(text).toContain('queue_processing -->|"workflow orchestration"| handler_start_workflow');
    expect(text).toContain('queue_processing -->|"queue orchestration"| handler_process_order');
    expect(text).toContain("handler_start_workflow --> workflow");
    expect(text).toContain("workflow -->|task states| handler_workflow_task");
    expect(text).toContain("queue_fulfilments --> handler_release_fulfilment");
    expect(text).toContain("handler_release_fulfilment --> workflow");
  });
});
