import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NullLogger } from "../../src/adapters/memory/in-memory-logger.js";
import { ScriptedPaymentGateway } from "../../src/adapters/memory/scripted-payment-gateway.js";
import { runCli } from "../../src/entrypoints/cli/cli.js";
import { type LocalRunner, startLocalRunner } from "../../src/entrypoints/local/local-runner.js";
import { MemoryBackend } from "../../src/entrypoints/local/memory-backend.js";
import { ServiceUnavailableError } from "../../src/ports/errors.js";

const root = resolve(import.meta.dirname, "../..");
const order = (overrides: Record<string, unknown> = {}) => ({
  customerId: "c-cli",
  currency: "BRL",
  items: [{ sku: "CAFE-COADO-500G", quantity: 1, unitPrice: 4290 }],
  shippingAddress: { line1: "Rua B, 2", city: "Recife", postalCode: "50000-000", country: "BR" },
  ...overrides,
});

let runner: LocalRunner<MemoryBackend>;
let dir: string;
const payments = new ScriptedPaymentGateway();

beforeAll(async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  dir = await mkdtemp(join(tmpdir(), "orderflow-cli-"));
  runner = await startLocalRunner({
    port: 0,
    inbox: join(dir, "inbox"),
    logger: new NullLogger(),
    backend: MemoryBackend.create({ payments, logger: new NullLogger(), pollIntervalMs: 50 }),
  });
});

afterAll(async () => {
  await runner?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Runs a command in this process against the runner, capturing its output. */
async function cli(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env: { ORDERFLOW_ENDPOINT: runner.url },
  });
  return { code, stdout, stderr };
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

const orderStatus = async (orderId: string) => {
  const { code, stdout } = await cli("order", orderId, "--json");
  return code === 0 ? (JSON.parse(stdout) as { status: string }).status : `exit ${code}`;
};

describe("orderflow CLI against the local runner", () => {
  it("places an order from a file, and shows it", async () => {
    const file = join(dir, "order.json");
    await writeFile(file, JSON.stringify(order({ orderId: "cli-1" })));
    const placed = await cli("place", file, "--idempotency-key", "cli-key-1");
    expect(placed).toMatchObject({ code: 0 });
    expect(JSON.parse(placed.stdout)).toEqual({ orderId: "cli-1", status: "RECEIVED" });
    expect(
      await until(
        () => orderStatus("cli-1"),
        (s) => s === "CONFIRMED",
      ),
    ).toBe("CONFIRMED");
  });

  it("reports the field paths of an invalid order file, and a file that is not JSON", async () => {
    const invalid = join(dir, "invalid.json");
    await writeFile(invalid, JSON.stringify(order({ currency: "real" })));
    const refused = await cli("place", invalid);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("400 VALIDATION_FAILED");
    expect(refused.stderr).toContain("currency: must be an ISO 4217 code");

    const garbage = join(dir, "garbage.json");
    await writeFile(garbage, "{ nope");
    const unreadable = await cli("place", garbage);
    expect(unreadable.code).toBe(1);
    expect(unreadable.stderr).toContain("garbage.json is not valid JSON");
  });

  it("cancels an order, and needs a reason to", async () => {
    expect((await cli("cancel", "cli-1")).code).toBe(2);
    const cancelled = await cli("cancel", "cli-1", "--reason", "customer called");
    expect(cancelled.code).toBe(0);
    expect(
      await until(
        () => orderStatus("cli-1"),
        (s) => s === "CANCELLED",
      ),
    ).toBe("CANCELLED");
  });

  it("says so when an order does not exist", async () => {
    const missing = await cli("order", "nope");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("404 ORDER_NOT_FOUND");
  });

  it("lists the products", async () => {
    const { code, stdout } = await cli("products");
    expect(code).toBe(0);
    expect(stdout.split("\n")[0]).toMatch(/^SKU\s+PRICE\s+CURRENCY\s+STOCK$/);
    expect(stdout).toMatch(/CAFE-ESPRESSO-250G\s+3490\s+BRL\s+120/);
  });

  it("finds a dead-lettered message, shows it in a dry run, and redrives it back to its queue", async () => {
    const outage = () => ({ fail: new ServiceUnavailableError("payments") });
    payments.script("cli-dlq", outage(), outage(), outage());
    await writeFile(join(dir, "dlq.json"), JSON.stringify(order({ orderId: "cli-dlq" })));
    expect((await cli("place", join(dir, "dlq.json"))).code).toBe(0);

    const listed = await until(
      async () =>
        JSON.parse((await cli("dlq", "list", "--json")).stdout) as {
          deadLetterQueues: { name: string; messages: number }[];
        },
      (out) => out.deadLetterQueues.some((q) => q.messages > 0),
    );
    expect(listed.deadLetterQueues.find((q) => q.messages > 0)?.name).toBe("orderflow-processing-dlq");

    const health = await cli("health");
    expect(health.code).toBe(1);
    expect(health.stdout).toContain("UNHEALTHY");

    const peek = await cli("dlq", "peek", "orderflow-processing-dlq");
    expect(peek.code).toBe(0);
    expect(peek.stdout).toContain("→ orderflow-processing");
    expect(peek.stdout).toContain('"orderId":"cli-dlq"');

    const dryRun = await cli("redrive", "orderflow-processing-dlq", "--dry-run");
    expect(dryRun.code).toBe(0);
    expect(dryRun.stdout).toContain(
      "dry run: 1 message(s) in orderflow-processing-dlq would be moved; nothing was moved",
    );
    expect(runner.backend.flow.deadLetterQueues()["orderflow-processing-dlq"]?.size).toBe(1);

    const redriven = await cli("redrive", "orderflow-processing-dlq");
    expect(redriven).toMatchObject({
      code: 0,
      stdout: "moved 1 message(s) from orderflow-processing-dlq to their source queue\n",
    });
    expect(
      await until(
        () => orderStatus("cli-dlq"),
        (s) => s === "CONFIRMED",
      ),
    ).toBe("CONFIRMED");
    expect((await cli("health")).code).toBe(0);
  });

  it("lists the dead-letter queue of the bus rule that could not deliver a cancel, and redrives the cancel to its queue", async () => {
    await writeFile(join(dir, "undelivered.json"), JSON.stringify(order({ orderId: "cli-undelivered" })));
    expect((await cli("place", join(dir, "undelivered.json"))).code).toBe(0);
    await until(
      () => orderStatus("cli-undelivered"),
      (s) => s === "CONFIRMED",
    );
    runner.backend.flow.flows.cancel.queue.failNext(3, (message) => message.body.includes("cli-undelivered"));
    expect((await cli("cancel", "cli-undelivered", "--reason", "never arrived")).code).toBe(0);

    const listed = JSON.parse((await cli("dlq", "list", "--json")).stdout) as {
      deadLetterQueues: { name: string; messages: number; source?: string }[];
    };
    expect(listed.deadLetterQueues).toContainEqual(
      expect.objectContaining({ name: "orderflow-cancel-rule-dlq", messages: 1, source: "orderflow-cancel" }),
    );
    const peek = await cli("dlq", "peek", "orderflow-cancel-rule-dlq");
    expect(peek.stdout).toContain("→ orderflow-cancel");
    expect(peek.stdout).toContain('"orderId":"cli-undelivered"');
    // A bus rule's dead-letter queue is no flow queue's, and still makes the system unhealthy.
    const unhealthy = await cli("health");
    expect(unhealthy).toMatchObject({ code: 1 });
    expect(unhealthy.stdout).toContain("orderflow-cancel-rule-dlq: 1");

    expect((await cli("redrive", "orderflow-cancel-rule-dlq")).code).toBe(0);
    expect(
      await until(
        () => orderStatus("cli-undelivered"),
        (s) => s === "CANCELLED",
      ),
    ).toBe("CANCELLED");
    expect((await cli("health")).code).toBe(0);
  });

  it("sends a notification and lists the user's notifications, delivered, newest first", async () => {
    const sent = await cli("notify", "u-cli", "Your parcel is on its way", "--priority", "high", "--json");
    expect(sent.code).toBe(0);
    const { notificationId } = JSON.parse(sent.stdout) as { notificationId: string };

    const listed = await until(
      () => cli("notifications", "u-cli", "--json"),
      (r) => r.stdout.includes('"DELIVERED"'),
    );
    expect(JSON.parse(listed.stdout)).toEqual({
      notifications: [expect.objectContaining({ notificationId, status: "DELIVERED", priority: "high" })],
    });
    const table = await cli("notifications", "u-cli", "--priority", "high");
    expect(table.stdout).toMatch(/PRIORITY\s+STATUS[\s\S]*high\s+DELIVERED\s+Your parcel is on its way/);

    const refused = await cli("notify", "u-cli", "hi", "--priority", "urgent");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("priority");
    expect((await cli("notify", "u-cli", "hi")).code).toBe(2);
  });

  it("closes, sizes and opens the store, and fulfils a confirmed order", async () => {
    expect(JSON.parse((await cli("store", "close", "--json")).stdout)).toMatchObject({ open: false });
    expect(JSON.parse((await cli("store", "capacity", "7", "--json")).stdout)).toMatchObject({
      open: false,
      capacity: 7,
    });
    expect(JSON.parse((await cli("store", "open", "--json")).stdout)).toMatchObject({
      open: true,
      capacity: 7,
    });
    expect((await cli("store", "capacity", "-1")).code).toBe(2);
    expect((await cli("store", "shut")).code).toBe(2);

    const file = join(dir, "to-fulfil.json");
    await writeFile(file, JSON.stringify(order({ orderId: "cli-fulfil-1" })));
    expect((await cli("place", file, "--json")).code).toBe(0);
    await until(
      () => orderStatus("cli-fulfil-1"),
      (status) => status === "CONFIRMED",
    );
    const fulfilled = await cli("fulfil", "cli-fulfil-1", "--json");
    expect(JSON.parse(fulfilled.stdout)).toEqual({ orderId: "cli-fulfil-1", status: "FULFILLED" });
  });

  it("shows the business metrics of a range, and refuses a bad one", async () => {
    const range = ["--from", "2020-01-01T00:00:00Z", "--to", "2020-01-02T00:00:00Z"];
    const answer = await cli("metrics", ...range, "--granularity", "hour", "--json");
    expect(answer.code).toBe(0);
    expect(JSON.parse(answer.stdout)).toEqual({ buckets: [] });
    expect((await cli("metrics", ...range)).stdout).toMatch(/START\s+CONFIRMED\s+FULFILLED/);

    const refused = await cli("metrics", ...range, "--granularity", "minute");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("granularity");
    expect((await cli("metrics", "--from", "2020-01-01T00:00:00Z")).code).toBe(2);
  });

  it("refuses unknown commands, options and queues with a usage error", async () => {
    expect((await cli("frobnicate")).code).toBe(2);
    expect((await cli("order", "x", "--colour")).code).toBe(2);
    const unknownQueue = await cli("redrive", "nope-dlq");
    expect(unknownQueue.code).toBe(1);
    expect(unknownQueue.stderr).toContain("QUEUE_NOT_FOUND");
  });

  it("lists ingest once in its help", async () => {
    const help = await cli("--help");
    expect(help.stdout.match(/^ {2}orderflow ingest/gm)).toHaveLength(1);
  });

  describe("ingest --endpoint: the file through the runner's inbox", () => {
    const lines = (...values: unknown[]) =>
      values.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join("\n");

    it("sends a JSON Lines file with a bad line: accepted, the bad line named, the file in processed/, its orders placed", async () => {
      const file = join(dir, "cli-batch.jsonl");
      // One order with its own id, a line that is no JSON, one order whose id extraction derives.
      await writeFile(file, `${lines(order({ orderId: "cli-file-1" }), "{ not json", order())}\n`);
      const sent = await cli("--endpoint", runner.url, "ingest", file);
      expect(sent.stderr).toContain(`cli-batch.jsonl: copied into the runner's inbox (${runner.inbox})`);
      expect(sent.stderr).toContain("cli-batch.jsonl: EXTRACTED, 3 orders (2 valid, 1 invalid)");
      expect(sent.code).toBe(0);
      expect(sent.stdout).toContain("cli-batch.jsonl: EXTRACTED (jsonl,");
      expect(sent.stdout).toContain("  orders: 3 total, 2 valid, 1 invalid");
      expect(sent.stdout).toMatch(/ {4}order 1: .+/);
      expect(sent.stdout).toContain(`  moved to: ${join(runner.inbox, "processed", "cli-batch.jsonl")}`);
      expect(sent.stdout).toContain("  in the pipeline: 2 CONFIRMED");
      expect(await readdir(join(runner.inbox, "processed"))).toContain("cli-batch.jsonl");
      expect((await readdir(runner.inbox)).filter((name) => name.startsWith("."))).toEqual([]);
      expect(await orderStatus("cli-file-1")).toBe("CONFIRMED");

      // The same bytes again, --endpoint after the word: a repeat the runner does not run again.
      const again = await cli("ingest", file, "--json", "--endpoint", runner.url);
      expect(again.code).toBe(0);
      expect(again.stderr).toContain("it took the copy as a repeat and did not run it again");
      const report = JSON.parse(again.stdout) as {
        record: { status: string; counts: unknown; errors: { index?: number; message: string }[] };
        orders: Record<string, number>;
        orderStatuses: Record<string, string>;
        repeat: boolean;
      };
      expect(report).toMatchObject({
        record: { status: "EXTRACTED", counts: { total: 3, valid: 2, invalid: 1 } },
        orders: { CONFIRMED: 2 },
        repeat: true,
      });
      expect(report.record.errors).toEqual([expect.objectContaining({ index: 1 })]);
      const ids = Object.keys(report.orderStatuses);
      expect(ids).toHaveLength(2);
      expect(ids).toContain("cli-file-1");
      for (const id of ids) expect(await orderStatus(id)).toBe("CONFIRMED");
      expect(await readdir(runner.inbox)).not.toContain("cli-batch.jsonl");
    });

    it("sends a file that cannot be parsed: rejected, exit 1, the file in rejected/", async () => {
      const file = join(dir, "cli-broken.json");
      await writeFile(file, '{ "orders": [ { "customerId": ');
      const sent = await cli("ingest", "--endpoint", runner.url, file, "--timeout", "1m");
      expect(sent.code).toBe(1);
      expect(sent.stderr).toContain("cli-broken.json: REJECTED");
      expect(sent.stdout).toContain("cli-broken.json: REJECTED (json,");
      expect(sent.stdout).toMatch(/ {4}file: .+/);
      expect(sent.stdout).toContain(`  moved to: ${join(runner.inbox, "rejected", "cli-broken.json")}`);
      expect(sent.stdout).not.toContain("in the pipeline");
      expect(await readdir(join(runner.inbox, "rejected"))).toContain("cli-broken.json");
    });

    it("refuses --bucket or --region with --endpoint, --timeout without it, and a bad timeout, as bad usage", async () => {
      const file = join(dir, "cli-usage.jsonl");
      await writeFile(file, `${JSON.stringify(order())}\n`);
      const both = await cli("ingest", file, "--bucket", "b", "--endpoint", runner.url);
      expect(both.code).toBe(2);
      expect(both.stderr).toContain("--bucket and --endpoint do not go together");
      expect((await cli("--endpoint", runner.url, "--bucket", "b", "ingest", file)).code).toBe(2);
      expect((await cli("ingest", file, "--region", "eu-west-1", "--endpoint", runner.url)).code).toBe(2);
      expect((await cli("ingest", file, "--timeout", "5m")).code).toBe(2);
      expect((await cli("ingest", file, "--endpoint", runner.url, "--timeout", "soon")).code).toBe(2);
      expect((await cli("ingest", ".hidden.jsonl", "--endpoint", runner.url)).code).toBe(2);
      expect(await readdir(runner.inbox)).not.toContain("cli-usage.jsonl");
    });

    it("says the runner's inbox is on another machine when its folder is not here", async () => {
      const file = join(dir, "cli-remote.jsonl");
      await writeFile(file, `${JSON.stringify(order())}\n`);
      let stderr = "";
      const code = await runCli(["ingest", file, "--endpoint", "http://runner.example:3000"], {
        stdout: () => {},
        stderr: (text) => {
          stderr += text;
        },
        env: {},
        fetch: async () => Response.json({ inbox: join(dir, "no-such-folder", "inbox") }),
      });
      expect(code).toBe(1);
      expect(stderr).toContain("is not a folder on this machine: the runner runs on another machine");
    });

    it("without --endpoint, runs a pipeline of its own, and says $ORDERFLOW_ENDPOINT is not used", async () => {
      const file = join(dir, "cli-own.jsonl");
      await writeFile(file, `${JSON.stringify(order({ orderId: "cli-own-1" }))}\n`);
      const own = await cli("ingest", file);
      expect(own.code).toBe(0);
      expect(own.stderr).toContain("$ORDERFLOW_ENDPOINT is not used here");
      expect(own.stdout).toContain("cli-own.jsonl: EXTRACTED");
      expect(await orderStatus("cli-own-1")).toBe("exit 1");
    });
  });

  it("goes to AWS without an endpoint, and asks for the table it needs", async () => {
    let stderr = "";
    const code = await runCli(["order", "o-1"], {
      env: {},
      stdout: () => {},
      stderr: (t) => {
        stderr += t;
      },
    });
    expect(code).toBe(2);
    expect(stderr).toContain("ORDERS_TABLE");
  });

  it("runs as a command", async () => {
    const { stdout } = await promisify(execFile)(
      join(root, "node_modules/.bin/tsx"),
      ["src/entrypoints/cli/main.ts", "--endpoint", runner.url, "order", "cli-1", "--json"],
      { cwd: root },
    );
    expect(JSON.parse(stdout)).toMatchObject({ orderId: "cli-1", status: "CANCELLED" });
  });
});
