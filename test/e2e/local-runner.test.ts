import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InMemoryLogger } from "../../src/adapters/memory/in-memory-logger.js";
import { DEMO_CATALOG } from "../../src/adapters/memory/in-memory-product-catalog.js";
import { type LocalRunner, startLocalRunner } from "../../src/entrypoints/local/local-runner.js";
import type { MemoryBackend } from "../../src/entrypoints/local/memory-backend.js";

const order = (overrides: Record<string, unknown> = {}) => ({
  customerId: "c-1",
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 2, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
  ...overrides,
});

// biome-ignore lint/suspicious/noExplicitAny: answers are read loosely, field by field
type Json = Record<string, any>;

let runner: LocalRunner<MemoryBackend>;
let inbox: string;
const logger = new InMemoryLogger();
const filesHandedOver: string[] = [];

beforeAll(async () => {
  inbox = join(await mkdtemp(join(tmpdir(), "orderflow-e2e-")), "inbox");
  runner = await startLocalRunner({
    port: 0,
    inbox,
    logger,
    pollIntervalMs: 50,
    onFile: async (path) => {
      filesHandedOver.push(path);
    },
  });
});

afterAll(async () => {
  await runner?.stop();
  await rm(join(inbox, ".."), { recursive: true, force: true });
});

async function call(
  method: string,
  path: string,
  init: { json?: unknown; body?: string; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${runner.url}${path}`, {
    method,
    headers: { ...(init.json !== undefined ? { "Content-Type": "application/json" } : {}), ...init.headers },
    ...(init.json !== undefined
      ? { body: JSON.stringify(init.json) }
      : init.body !== undefined
        ? { body: init.body }
        : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: JSON.parse(text) as Json,
  };
}

/** Polls GET /orders/{id} until `done` holds (the pipeline runs in the background, in real time). */
async function eventually(orderId: string, done: (order: Json) => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  let last: Json | undefined;
  while (Date.now() < deadline) {
    const response = await call("GET", `/orders/${orderId}`);
    last = response.body;
    if (response.status === 200 && done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`order ${orderId} never got there; last seen: ${JSON.stringify(last)}`);
}

describe("the local runner over real HTTP", () => {
  it("listens on a free port of 127.0.0.1 and creates the inbox", () => {
    expect(runner.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(runner.port).toBeGreaterThan(0);
    expect(runner.inbox).toBe(inbox);
  });

  it("takes a placed order to CONFIRMED", async () => {
    const placed = await call("POST", "/orders", { json: order() });
    expect(placed.status).toBe(202);
    expect(placed.body.status).toBe("RECEIVED");
    expect(placed.headers.get("location")).toBe(`/orders/${placed.body.orderId}`);
    expect(placed.headers.get("x-correlation-id")).toBeTruthy();
    const confirmed = await eventually(placed.body.orderId, (o) => o.status === "CONFIRMED");
    expect(confirmed).toMatchObject({ customerId: "c-1", total: 6980, currency: "BRL" });
  });

  it("answers an invalid order with 400 and the paths of the bad fields", async () => {
    const response = await call("POST", "/orders", {
      json: order({
        items: [{ sku: "CAFE-ESPRESSO-250G", quantity: -1, unitPrice: 34.9 }],
        shippingAddress: { city: "X" },
      }),
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("VALIDATION_FAILED");
    const paths = response.body.error.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "items.0.quantity",
        "items.0.unitPrice",
        "shippingAddress.line1",
        "shippingAddress.postalCode",
      ]),
    );
  });

  it("cancels an order", async () => {
    const placed = await call("POST", "/orders", { json: order({ orderId: "e2e-cancel" }) });
    const cancel = await call("POST", "/orders/e2e-cancel/cancel", {
      json: { reason: "ordered by mistake" },
    });
    expect(cancel.status).toBe(202);
    expect(cancel.headers.get("location")).toBe("/orders/e2e-cancel");
    const cancelled = await eventually(placed.body.orderId, (o) => o.status === "CANCELLED");
    expect(cancelled.cancellation.reason).toBe("ordered by mistake");
  });

  it("logs at warn a cancel the bus could not deliver, which waits in the cancel rule's dead-letter queue", async () => {
    await call("POST", "/orders", { json: order({ orderId: "e2e-undelivered" }) });
    await eventually("e2e-undelivered", (o) => o.status === "CONFIRMED");
    runner.backend.flow.flows.cancel.queue.failNext(3, (message) => message.body.includes("e2e-undelivered"));
    const cancel = await call("POST", "/orders/e2e-undelivered/cancel", { json: { reason: "lost?" } });
    expect(cancel.status).toBe(202);
    await runner.settle();
    await expect
      .poll(() => logger.at("warn"), { timeout: 5_000 })
      .toContainEqual(
        expect.objectContaining({
          message: "message dead-lettered; inspect it with `orderflow dlq peek`",
          fields: expect.objectContaining({ queue: "orderflow-cancel-rule-dlq", added: 1 }),
        }),
      );
    const dlqs = await call("GET", "/_local/dlqs");
    expect(dlqs.body.deadLetterQueues).toContainEqual(
      expect.objectContaining({ name: "orderflow-cancel-rule-dlq", messages: 1, source: "orderflow-cancel" }),
    );
    // An operator request that changes something says it is JSON, even with no body (the request guard).
    await call("POST", "/_local/dlqs/orderflow-cancel-rule-dlq/redrive", {
      headers: { "Content-Type": "application/json" },
    });
    await eventually("e2e-undelivered", (o) => o.status === "CANCELLED");
  });

  it("refuses a modification once payment has started, leaving the order as it was", async () => {
    await call("POST", "/orders", { json: order({ orderId: "e2e-modify" }) });
    const confirmed = await eventually("e2e-modify", (o) => o.status === "CONFIRMED");
    const patch = await call("PATCH", "/orders/e2e-modify", {
      json: { items: [{ sku: "CAFE-COADO-500G", quantity: 1, unitPrice: 4290 }] },
    });
    expect(patch.status).toBe(202);
    const refused = await eventually("e2e-modify", (o) => o.lastRejectedRequest !== undefined);
    expect(refused.lastRejectedRequest.request).toBe("modify");
    expect(refused.status).toBe("CONFIRMED");
    expect(refused.items).toEqual(confirmed.items);
  });

  it("answers the same order to the same Idempotency-Key, and 409 to the same key with another body", async () => {
    const headers = { "Idempotency-Key": "e2e-key-1" };
    const first = await call("POST", "/orders", { json: order(), headers });
    const again = await call("POST", "/orders", { json: order(), headers });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.orderId).toBe(first.body.orderId);
    const other = await call("POST", "/orders", { json: order({ customerId: "c-2" }), headers });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe("IDEMPOTENCY_KEY_CONFLICT");
  });

  it("serves the demo catalog and a health check", async () => {
    const products = await call("GET", "/products");
    expect(products.status).toBe(200);
    expect(products.body.products).toEqual(DEMO_CATALOG.map((p) => ({ ...p })));
    const health = await call("GET", "/health");
    expect(health.status).toBe(200);
  });

  it("answers 404 to an unknown order, 415 to text and 413 to a 100 KiB body", async () => {
    const unknown = await call("GET", "/orders/does-not-exist");
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("ORDER_NOT_FOUND");

    const text = await call("POST", "/orders", {
      body: JSON.stringify(order()),
      headers: { "Content-Type": "text/plain" },
    });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe("UNSUPPORTED_MEDIA_TYPE");

    const big = await call("POST", "/orders", {
      body: JSON.stringify({ ...order(), padding: "x".repeat(100 * 1024) }),
      headers: { "Content-Type": "application/json" },
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("logs each request and what happens to each order", async () => {
    await call("POST", "/orders", { json: order({ orderId: "e2e-logged" }) });
    await eventually("e2e-logged", (o) => o.status === "CONFIRMED");
    const lines = logger.entries
      .filter((entry) => entry.fields.orderId === "e2e-logged")
      .map((entry) => entry.message);
    expect(lines).toEqual(
      expect.arrayContaining(["order validation: validated", "order processing: confirmed"]),
    );
    expect(logger.entries.some((entry) => entry.message === "POST /orders → 202")).toBe(true);
  });

  it("recognises a file dropped in the inbox and hands it over once", async () => {
    await writeFile(join(inbox, "batch-1.jsonl"), `${JSON.stringify(order())}\n`);
    const deadline = Date.now() + 5_000;
    while (filesHandedOver.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(filesHandedOver).toEqual([join(inbox, "batch-1.jsonl")]);
    const received = logger.entries.filter((entry) => entry.message === "file received");
    expect(received.map((entry) => entry.fields)).toEqual([
      expect.objectContaining({
        file: "batch-1.jsonl",
        size: Buffer.byteLength(`${JSON.stringify(order())}\n`),
      }),
    ]);
    await new Promise((r) => setTimeout(r, 600));
    expect(filesHandedOver).toHaveLength(1);
  });
});

/** Writes `text` on a fresh connection, optionally closes it early, and resolves with all it received. */
function rawExchange(text: string, options: { closeAfterWrite?: boolean } = {}): Promise<string> {
  return new Promise((done) => {
    const socket = connect(runner.port, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => (received += chunk));
    socket.on("close", () => done(received));
    socket.on("error", () => done(received));
    socket.write(text, () => {
      if (options.closeAfterWrite) socket.destroy();
    });
  });
}

async function logged(predicate: (entry: (typeof logger.entries)[number]) => boolean) {
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const found = logger.entries.filter(predicate);
    if (found.length > 0) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  return [];
}

describe("bad input answers consistently over real HTTP", () => {
  it("every 413 names the documented 64 KiB limit, however far over it the body goes, and is logged", async () => {
    for (const size of [64 * 1024 + 1, 2 * 1024 * 1024]) {
      const id = `too-large-${size}`;
      const response = await call("POST", "/orders", {
        body: "x".repeat(size),
        headers: { "Content-Type": "application/json", "X-Correlation-Id": id },
      });
      expect(response.status).toBe(413);
      expect(response.body.error).toEqual({
        code: "PAYLOAD_TOO_LARGE",
        message: "the request body is larger than 64 KiB, the most a request may carry",
      });
      expect(response.headers.get("x-correlation-id")).toBe(id);
      const lines = await logged((entry) => entry.fields.correlationId === id);
      expect(lines.map((entry) => [entry.level, entry.message])).toEqual([
        ["info", "POST /orders → 413 PAYLOAD_TOO_LARGE"],
      ]);
    }
  });

  it("logs a client that disconnects mid-body once, at warn, with its correlation id", async () => {
    await rawExchange(
      "POST /orders HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" +
        'X-Correlation-Id: gone-mid-body\r\nContent-Length: 1000\r\n\r\n{"customerId":',
      { closeAfterWrite: true },
    );
    const lines = await logged((entry) => entry.fields.correlationId === "gone-mid-body");
    expect(lines.map((entry) => entry.level)).toEqual(["warn"]);
    expect(lines[0]!.message).toBe("POST /orders → client disconnected before the body ended");
    expect(logger.at("error")).toEqual([]);
  });

  it("answers what node cannot parse in the contract's error shape, with a correlation id", async () => {
    const answer = await rawExchange("NOT-HTTP\r\n\r\n");
    const [head = "", body = ""] = answer.split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    const correlationId = /X-Correlation-Id: (\S+)/.exec(head)?.[1];
    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(body)).toEqual({
      error: {
        code: "BAD_REQUEST",
        message: expect.any(String),
        issues: [{ path: "", message: "Invalid method encountered" }],
      },
    });
    expect(await logged((entry) => entry.fields.correlationId === correlationId)).toHaveLength(1);
  });

  it("answers headers too large for node with 431 in the contract's shape", async () => {
    const answer = await rawExchange(
      `GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${"x".repeat(20_000)}\r\n\r\n`,
    );
    const [head = "", body = ""] = answer.split("\r\n\r\n");
    expect(head).toMatch(/^HTTP\/1\.1 431 /);
    expect(head).toMatch(/X-Correlation-Id: \S+/);
    expect(JSON.parse(body).error.code).toBe("HEADERS_TOO_LARGE");
  });

  it("answers the operator routes with a correlation id and logs them like the API's", async () => {
    const response = await call("GET", "/_local/nowhere", { headers: { "X-Correlation-Id": "operator-1" } });
    expect(response.status).toBe(404);
    expect(response.headers.get("x-correlation-id")).toBe("operator-1");
    const lines = await logged((entry) => entry.fields.correlationId === "operator-1");
    expect(lines.map((entry) => entry.message)).toEqual(["GET /_local/nowhere → 404 ROUTE_NOT_FOUND"]);
  });
});

describe("stopping", () => {
  it("closes the server and is safe to call twice", async () => {
    const dir = await mkdtemp(join(tmpdir(), "orderflow-stop-"));
    const other = await startLocalRunner({
      port: 0,
      inbox: join(dir, "inbox"),
      logger: new InMemoryLogger(),
    });
    await fetch(`${other.url}/health`);
    await Promise.all([other.stop(), other.stop()]);
    await expect(fetch(`${other.url}/health`)).rejects.toThrow();
    await rm(dir, { recursive: true, force: true });
  });
});

describe("npm start (src/entrypoints/local/main.ts)", () => {
  it.each(["SIGINT", "SIGTERM"] as const)(
    "prints where it listens, serves, and exits 0 on %s",
    async (signal) => {
      const dir = await mkdtemp(join(tmpdir(), "orderflow-main-"));
      const root = resolve(import.meta.dirname, "../..");
      // As `npm start` runs it: node with tsx's loader, one process that receives the signal.
      const child = spawn(
        process.execPath,
        ["--import", import.meta.resolve("tsx"), join(root, "src/entrypoints/local/main.ts")],
        {
          cwd: dir,
          env: { ...process.env, PORT: "0" },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
      try {
        const deadline = Date.now() + 45_000;
        while (!/API\s+(http:\S+)/.test(stderr) && Date.now() < deadline)
          await new Promise((r) => setTimeout(r, 50));
        const url = /API\s+(http:\S+)/.exec(stderr)?.[1];
        expect(url, stderr).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        // Piped: the banner goes to stderr, with the inbox and curl examples; stdout carries JSON lines only.
        expect(stderr).toContain(`inbox   ${join(dir, "inbox")}`);
        expect(stderr).toContain("console http://127.0.0.1:");
        expect(stderr.match(/^\s+curl /gm)).toHaveLength(3);
        expect((await fetch(`${url}/health`)).status).toBe(200);
        child.kill(signal);
        expect(await exited).toBe(0);
        const lines = stdout
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line) as { msg: string });
        expect(lines.map((line) => line.msg)).toEqual(
          expect.arrayContaining(["local runner started", "stopping", "local runner stopped"]),
        );
      } finally {
        child.kill("SIGKILL");
        await rm(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it("stops when npm start's npm is killed (its shell passes no signal on)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "orderflow-npm-"));
    const root = resolve(import.meta.dirname, "../..");
    const npm = spawn("npm", ["start", "--silent", "--", "--data", join(dir, "data")], {
      cwd: root,
      env: { ...process.env, PORT: "0", ORDERFLOW_INBOX: join(dir, "inbox") },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    npm.stdout.on("data", (chunk) => (output += chunk));
    npm.stderr.on("data", (chunk) => (output += chunk));
    try {
      const deadline = Date.now() + 45_000;
      while (!/API\s+(http:\S+)/.test(output) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const url = /API\s+(http:\S+)/.exec(output)?.[1];
      expect(url, output).toBeDefined();
      expect((await fetch(`${url}/health`)).status).toBe(200);
      npm.kill("SIGTERM");
      let stopped = false;
      for (let i = 0; i < 100 && !stopped; i++) {
        await new Promise((r) => setTimeout(r, 50));
        stopped = await fetch(`${url}/health`).then(
          () => false,
          () => true,
        );
      }
      expect(stopped, output).toBe(true);
      expect(output).toContain('"signal":"parent exited"');
    } finally {
      npm.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it.each([
    ["LOG_LEVEL", "loud", "LOG_LEVEL must be one of"],
    ["LOG_FORMAT", "xml", "LOG_FORMAT must be json or pretty"],
  ])("refuses %s=%s and says what it takes", async (name, value, message) => {
    const root = resolve(import.meta.dirname, "../..");
    const child = spawn(join(root, "node_modules/.bin/tsx"), [join(root, "src/entrypoints/local/main.ts")], {
      env: { ...process.env, PORT: "0", [name]: value },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((done) => child.on("exit", (exit) => done(exit)));
    expect(code).not.toBe(0);
    expect(stderr).toContain(message);
  });
});
