/**
 * Each Lambda handler names the AWS adapters of its own ports (so that its
 * bundle holds no other): a port it declares but forgot to name would fail
 * only on AWS, at its first invocation. Here each SQS handler is composed on
 * its AWS adapters as deployed, with an environment that reaches no real
 * resource, and given an empty batch: its consumer, with every use case and
 * port it calls, must resolve. Nothing reaches the network (clients are made
 * lazily and send nothing for an empty batch).
 */
import { describe, expect, it } from "vitest";
import { AWS_ENV } from "../../../../bench/cold-start.js";
import { HANDLERS } from "../../../../src/entrypoints/handlers.js";
import type { SqsHandler } from "../../../../src/entrypoints/lambda/handler-root.js";

const SQS_HANDLERS = Object.entries(HANDLERS)
  .filter(([, declaration]) => declaration.trigger.kind === "queue")
  .map(([name]) => name);

describe("each SQS handler on the AWS adapters it names", () => {
  it.each(SQS_HANDLERS)("%s resolves its consumer and every port it calls", async (name) => {
    const module = (await import(`../../../../src/entrypoints/lambda/${name}.ts`)) as Record<string, unknown>;
    const create = Object.entries(module).find(([key]) => key.startsWith("create"))?.[1] as
      | ((options: { env: Record<string, string> }) => SqsHandler)
      | undefined;
    expect(create, `${name} exports its create…Handler`).toBeTypeOf("function");
    const handler = create!({ env: AWS_ENV });
    await expect(handler({ Records: [] })).resolves.toEqual({ batchItemFailures: [] });
  });
});
