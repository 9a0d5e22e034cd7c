import { mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InMemoryLogger } from "../../src/adapters/memory/in-memory-logger.js";
import { ScriptedPaymentGateway } from "../../src/adapters/memory/scripted-payment-gateway.js";
import { type LocalRunner, startLocalRunner } from "../../src/entrypoints/local/local-runner.js";
import { PostgresBackend } from "../../src/entrypoints/local/postgres-backend.js";
import { ServiceUnavailableError } from "../../src/ports/errors.js";

/**
 * The local runner as `npm start` runs it by default: on PGlite in a data
 * folder. What the in-memory runner's tests show, here on the database: a
 * change inside the payment delay, batch files moved once validated, alerts
 * and dead-lettered messages told and listed, a redrive; then a restart on the
 * same folder that finds everything where it was.
 */

// biome-ignore lint/suspicious/noExplicitAny: answers are read loosely, field by field
type Json = Record<string, any>;

const payments = new ScriptedPaymentGateway();
const logger = new InMemoryLogger();
let dir: string;
let runner: LocalRunner<PostgresBackend>;

const order = (orderId: string, quantity = 2) => ({
  orderId,
  customerId: "c-pg",
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
});

async function start(): Promise<LocalRunner<PostgresBackend>> {
  return startLocalRunner({
    port: 0,
    inbox: join(dir, "inbox"),
    logger,
    watchIntervalMs: 100,
    backend: await PostgresBackend.open({
      database: { dataDir: join(dir, "state") },
      orchestration: "queue",
      paymentDelaySeconds: 1,
      payments,
      logger: logger.child({ component: "pipeline" }),
      pollIntervalMs: 20,
      maxPollIntervalMs: 100,
    }),
  });
}

async function call(method: string, path: string, json?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${runner.url}${path}`, {
    method,
    headers: { ...(json === undefined ? {} : { "Content-Type": "application/json" }), ...headers },
    ...(json === undefined ? {} : { body: JSON.stringify(json) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as Json };
}

async function eventually(orderId: string, done: (order: Json) => boolean): Promise<Json> {
  let last: Json | undefined;
  await expect
    .poll(
      async () => {
        last = (await call("GET", `/orders/${orderId}`)).body;
        return done(last);
      },
      { timeout: 20_000, interval: 50 },
    )
    .toBe(true);
  return last!;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "orderflow-pg-runner-"));
  runner = await start();
}, 60_000);

afterAll(async () => {
  await runner?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("npm start on PGlite", () => {
  it("applies a modification sent within the payment delay, then confirms the changed order", async () => {
    const placed = await call("POST", "/orders", order("pg-modify"), { "Idempotency-Key": "pg-modify" });
    expect(placed.status).toBe(202);
    await eventually("pg-modify", (o) => o.status === "VALIDATED");
    const change = await call("PATCH", "/orders/pg-modify", {
      items: [{ sku: "CAFE-COADO-500G", quantity: 1, unitPrice: 4290 }],
    });
    expect(change.status).toBe(202);
    expect(change.body.requestId).toEqual(expect.any(String));
    const confirmed = await eventually("pg-modify", (o) => o.status === "CONFIRMED");
    expect(confirmed.total).toBe(4290);
  });

  it("shows the console what it shows on the in-memory runner: the board's listing and an order's events", async () => {
    await eventually("pg-modify", (o) => o.status === "CONFIRMED");
    const board = await call("GET", "/_local/orders?status=CONFIRMED&limit=100");
    expect(board.body.orders.map((o: Json) => o.orderId)).toContain("pg-modify");
    const { body } = await call("GET", "/_local/orders/pg-modify/events");
    expect(body.events.map((event: Json) => event.type)).toEqual(
      expect.arrayContaining([
        "OrderPlaced",
        "OrderValidated",
        "OrderModified",
        "OrderPaid",
        "OrderConfirmed",
      ]),
    );
    expect(new Set(body.events.map((event: Json) => event.id)).size).toBe(body.events.length);
  });

  it("moves batch files once validated: a partly valid one to processed/, an unreadable one to rejected/; alerts told and listed", async () => {
    const inbox = join(dir, "inbox");
    const lines = [JSON.stringify(order("pg-file-1", 1)), "{not json", JSON.stringify(order("pg-file-2", 1))];
    await writeFile(join(inbox, ".partly.part"), `${lines.join("\n")}\n`);
    await writeFile(join(inbox, ".broken.part"), '{"orders": [');
    await rename(join(inbox, ".partly.part"), join(inbox, "partly.jsonl"));
    await rename(join(inbox, ".broken.part"), join(inbox, "broken.json"));

    await expect
      .poll(async () => [await readdir(inbox), await readdir(join(inbox, "processed")).catch(() => [])], {
        timeout: 20_000,
      })
      .toEqual([["processed", "rejected"], ["partly.jsonl"]]);
    expect(await readdir(join(inbox, "rejected"))).toEqual(["broken.json"]);
    await eventually("pg-file-2", (o) => o.status === "CONFIRMED");

    const files = (await call("GET", "/_local/files")).body.files as Json[];
    expect(files.map((f) => [f.fileKey, f.status]).sort()).toEqual([
      ["incoming/broken.json", "REJECTED"],
      ["incoming/partly.jsonl", "EXTRACTED"],
    ]);
    const alerts = (await call("GET", "/_local/alerts")).body.alerts as Json[];
    expect(alerts.map((a) => a.kind).sort()).toEqual(["FILE_PARTIALLY_VALID", "FILE_REJECTED"]);
    await expect
      .poll(() => logger.at("warn").filter((e) => e.message.startsWith("alert: ")).length, { timeout: 5_000 })
      .toBe(2);
  });

  it("dead-letters an order whose payment keeps failing, tells it, and a redrive completes it", async () => {
    const outage = { fail: new ServiceUnavailableError("PaymentGateway") };
    payments.script("pg-dlq", outage, outage, outage, outage, outage);
    await call("POST", "/orders", order("pg-dlq"));
    await expect
      .poll(
        async () =>
          ((await call("GET", "/_local/dlqs")).body.deadLetterQueues as Json[]).find(
            (q) => q.name === "processing-dlq",
          )?.messages,
        { timeout: 30_000 },
      )
      .toBe(1);
    await expect
      .poll(() => logger.at("warn").some((e) => e.message.startsWith("message dead-lettered")), {
        timeout: 5_000,
      })
      .toBe(true);
    const peeked = await call("GET", "/_local/dlqs/processing-dlq/messages");
    expect(peeked.body.messages).toHaveLength(1);

    const redrive = await call("POST", "/_local/dlqs/processing-dlq/redrive", {});
    expect(redrive.body).toMatchObject({ moved: 1, remaining: 0 });
    await eventually("pg-dlq", (o) => o.status === "CONFIRMED");
  }, 60_000);

  it("finds everything where it was after a restart on the same folder", async () => {
    await runner.stop();
    runner = await start();
    expect((await call("GET", "/orders/pg-modify")).body).toMatchObject({ status: "CONFIRMED", total: 4290 });
    // The same key answers the same order; nothing new is placed.
    const again = await call("POST", "/orders", order("pg-modify"), { "Idempotency-Key": "pg-modify" });
    expect(again).toMatchObject({ status: 202, body: { orderId: "pg-modify" } });
    expect((await call("GET", "/orders/pg-modify")).body.total).toBe(4290);
    // The files are not taken again, and their records and alerts are still there.
    expect(((await call("GET", "/_local/files")).body.files as Json[]).length).toBe(2);
    expect(((await call("GET", "/_local/alerts")).body.alerts as Json[]).length).toBe(2);
    const queues = (await call("GET", "/_local/queues")).body.queues as Json[];
    expect(queues.every((q) => q.deadLettered === 0)).toBe(true);
  }, 60_000);
});
