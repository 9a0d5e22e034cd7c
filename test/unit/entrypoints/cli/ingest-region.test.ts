import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { runIngestCommand } from "../../../../src/entrypoints/cli/ingest-command.js";

it("orderflow ingest --bucket without a region says which option gives it (not the SDK's words)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "orderflow-ingest-"));
  try {
    const file = join(dir, "orders.jsonl");
    await writeFile(file, "{}\n");
    let stderr = "";
    const code = await runIngestCommand([file, "--bucket", "my-bucket"], {
      stdout: () => {},
      stderr: (text) => {
        stderr += text;
      },
      env: {},
      // What the S3 client throws when no region can be found.
      objectStore: async () => {
        throw new Error("Region is missing");
      },
    });
    expect(code).toBe(2);
    expect(stderr).toBe(
      "orderflow: --bucket needs the bucket's region: pass --region <region> or set AWS_REGION\n",
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
