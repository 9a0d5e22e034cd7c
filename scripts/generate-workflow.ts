/**
 * Writes deploy/order-workflow.asl.json from the workflow's one definition
 * (src/entrypoints/workflow/order-workflow.ts): the file the stack deploys
 * (its `${WorkflowTaskFunctionArn}` substituted), and the definition the local
 * runs interpret. A test fails when the committed file is stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { orderWorkflowDefinition } from "../src/entrypoints/workflow/order-workflow.js";

export const WORKFLOW_PATH = fileURLToPath(new URL("../deploy/order-workflow.asl.json", import.meta.url));

/** The definition as it must be committed. */
export function renderWorkflow(): string {
  return `${JSON.stringify(orderWorkflowDefinition(), null, 2)}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(WORKFLOW_PATH, renderWorkflow());
  console.log("deploy/order-workflow.asl.json written");
}
