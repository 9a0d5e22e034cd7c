/**
 * What the web console relies on from the local runner, over real HTTP: the
 * page and its files with their security headers, the live feed of events
 * (server-sent events), the board's listing, an order's events, and batch-file
 * uploads, including hostile names, wrong types and oversized bodies.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildConsole } from "../../scripts/build-console.js";
import { InMemoryLogger } from "../../src/adapters/memory/in-memory-logger.js";
import { type LocalRunner, startLocalRunner } from "../../src/entrypoints/local/local-runner.js";
import type { MemoryBackend } from "../../src/entrypoints/local/memory-backend.js";
import { MAX_UPLOAD_BYTES } from "../../src/entrypoints/local/operator-routes.js";

// biome-ignore lint/suspicious/noExplicitAny: answers are read loosely, field by field
type Json = Record<string, any>;

let work: string;
let runner: LocalRunner<MemoryBackend>;
let bare: LocalRunner<MemoryBackend>;

const placeOrder = (orderId: string) =>
  JSON.stringify({
    orderId,
    customerId: "c-routes",
    currency: "BRL",
    items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 1, unitPrice: 3490 }],
    shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
  });

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "orderflow-console-routes-"));
  await buildConsole(join(work, "console"));
  runner = await startLocalRunner({
    port: 0,
    inbox: join(work, "inbox"),
    logger: new InMemoryLogger(),
    pollIntervalMs: 20,
    consoleDir: join(work, "console"),
  });
  bare = await startLocalRunner({
    port: 0,
    inbox: join(work, "inbox-bare"),
    logger: new InMemoryLogger(),
    consoleDir: join(work, "nothing-built"),
  });
});

afterAll(async () => {
  await runner?.stop();
  await bare?.stop();
  await rm(work, { recursive: true, force: true });
});

async function send(method: string, path: string, init: { body?: string | Buffer; type?: string } = {}) {
  const response = await fetch(`${runner.url}${path}`, {
    method,
    headers: init.type ? { "Content-Type": init.type } : {},
    body: init.body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as Json };
}

describe("the console's page", () => {
  it("is served at / with its files, and may only load and call its own origin", async () => {
    const page = await send("GET", "/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.text).toContain('<script type="module" src="/console/console.js">');
    const policy = page.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    const script = await send("GET", "/console/console.js");
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect((await send("HEAD", "/console/console.css")).status).toBe(200);
    expect((await send("GET", "/console/nothing.js")).json().error.code).toBe("CONSOLE_NOT_BUILT");
    // The API is still the API: the page takes only what it serves.
    expect((await send("GET", "/health")).status).toBe(200);
    expect((await send("POST", "/", { body: "{}", type: "application/json" })).status).toBe(404);
  });

  it("says how to build it when it is not built", async () => {
    const answer = await fetch(`${bare.url}/`);
    expect(answer.status).toBe(404);
    expect(((await answer.json()) as Json).error).toMatchObject({ code: "CONSOLE_NOT_BUILT" });
  });
});

describe("the live feed and the board", () => {
  it("streams each event the flows publish, once, as server-sent events", async () => {
    const received: Json[] = [];
    const closed = new Promise<void>((done, fail) => {
      const stream = request(`${runner.url}/_local/events`, (response) => {
        expect(response.statusCode).toBe(200);
        expect(response.headers["content-type"]).toMatch(/^text\/event-stream/);
        let buffer = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          buffer += chunk;
          for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = frame.split("\n").find((line) => line.startsWith("data: "));
            if (frame.includes("event: orderflow") && data) received.push(JSON.parse(data.slice(6)) as Json);
          }
          if (received.some((event) => event.orderId === "o-live" && event.type === "OrderConfirmed")) {
            stream.destroy();
            done();
          }
        });
      });
      stream.on("error", (error) => (received.length ? undefined : fail(error)));
      stream.end();
    });
    await new Promise((done) => setTimeout(done, 100));
    expect(
      (await send("POST", "/orders", { body: placeOrder("o-live"), type: "application/json" })).status,
    ).toBe(202);
    await closed;
    const types = received.filter((event) => event.orderId === "o-live").map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(["OrderPlaced", "OrderValidated", "OrderConfirmed"]));
    expect(new Set(received.map((event) => event.id)).size).toBe(received.length);

    const timeline = (await send("GET", "/_local/orders/o-live/events")).json();
    expect(timeline.events.map((event: Json) => event.type)).toEqual(types.slice(0, timeline.events.length));
  });

  it("refuses the stream to another Host, as every route", async () => {
    const answer = await new Promise<number>((done) => {
      request(`${runner.url}/_local/events`, { headers: { Host: "attacker.example" } }, (response) => {
        response.resume();
        done(response.statusCode ?? 0);
      }).end();
    });
    expect(answer).toBe(403);
  });

  it("lists the orders of one status, and refuses a status that is not one", async () => {
    await runner.settle();
    const confirmed = (await send("GET", "/_local/orders?status=CONFIRMED&limit=5")).json();
    expect(confirmed.orders.map((order: Json) => order.orderId)).toContain("o-live");
    expect(confirmed.orders[0]).toMatchObject({ status: "CONFIRMED", total: 3490 });
    for (const status of ["", "confirmed", "DROP TABLE", "CONFIRMED,PAID"]) {
      const answer = await send("GET", `/_local/orders?status=${encodeURIComponent(status)}`);
      expect(answer.status).toBe(400);
      expect(answer.json().error.code).toBe("VALIDATION_FAILED");
    }
    expect((await send("GET", "/_local/orders?status=PAID&limit=0")).status).toBe(400);
    expect((await send("GET", "/_local/orders/nobody/events")).json()).toEqual({
      orderId: "nobody",
      events: [],
    });
  });
});

describe("batch-file uploads", () => {
  const jsonl = `${placeOrder("o-up-1")}\n{"customerId":1}\n${placeOrder("o-up-2")}\n`;

  it("stores a file as the inbox would, and lists its valid orders once extracted", async () => {
    const stored = await send("POST", "/_local/files?name=upload.jsonl", {
      body: jsonl,
      type: "application/x-ndjson",
    });
    expect(stored.status).toBe(202);
    const { key, fileVersion } = stored.json();
    expect(key).toBe("incoming/upload.jsonl");
    await runner.settle();
    const files = (await send("GET", "/_local/files")).json().files as Json[];
    const record = files.find((file) => file.fileKey === key && file.fileVersion === fileVersion)!;
    expect(record).toMatchObject({ counts: { total: 3, valid: 2, invalid: 1 } });
    expect(record.errors[0]).toMatchObject({ index: 1 });
    const query = `key=${encodeURIComponent(key)}&version=${encodeURIComponent(fileVersion)}`;
    expect((await send("GET", `/_local/files/orders?${query}`)).json()).toEqual({
      orderIds: ["o-up-1", "o-up-2"],
    });
    expect((await send("GET", `/_local/files/orders?${query}&limit=1`)).json()).toEqual({
      orderIds: ["o-up-1"],
    });
    expect((await send("GET", "/_local/files/orders?key=incoming/none.json&version=x")).status).toBe(404);
    const unreadable = await send("POST", "/_local/files?name=broken.json", {
      body: '{"orders": [',
      type: "application/json",
    });
    await runner.settle();
    const broken = unreadable.json();
    const brokenQuery = `key=${encodeURIComponent(broken.key)}&version=${encodeURIComponent(broken.fileVersion)}`;
    expect((await send("GET", `/_local/files/orders?${brokenQuery}`)).json()).toEqual({ orderIds: [] });
    // The same bytes again are the same version: nothing is placed twice.
    expect(
      (
        await send("POST", "/_local/files?name=upload.jsonl", { body: jsonl, type: "application/x-ndjson" })
      ).json(),
    ).toEqual({ key, fileVersion });
  });

  it("refuses what a form on another site could send, and bodies past the upload limit", async () => {
    expect((await send("POST", "/_local/files?name=a.json", { body: "{}", type: "text/plain" })).status).toBe(
      415,
    );
    expect((await send("POST", "/_local/files?name=a.json", { body: "{}" })).status).toBe(415);
    const oversized = await send("POST", "/_local/files?name=big.jsonl", {
      body: Buffer.alloc(MAX_UPLOAD_BYTES + 1, 0x20),
      type: "application/x-ndjson",
    });
    expect(oversized.status).toBe(413);
    expect(oversized.json().error.code).toBe("PAYLOAD_TOO_LARGE");
    // The API's own limit is unchanged by the upload's.
    const order = await send("POST", "/orders", { body: " ".repeat(70 * 1024), type: "application/json" });
    expect(order.status).toBe(413);
  });

  it("takes only plain .json and .jsonl names: anything else is a 400 and stores nothing", async () => {
    const before = (await runner.backend.files.objects.list("")).items.length;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.constantFrom(
            "../x.json",
            "a/b.json",
            ".hidden.json",
            "x.txt",
            "x.json.exe",
            "%2e%2e.json",
            "a b.json",
          ),
        ),
        async (name) => {
          const answer = await send("POST", `/_local/files?name=${encodeURIComponent(name)}`, {
            body: "{}",
            type: "application/json",
          });
          const plain = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.jsonl?$/.test(name);
          expect(answer.status).toBe(plain ? 202 : 400);
        },
      ),
      { numRuns: 60 },
    );
    const stored = (await runner.backend.files.objects.list("")).items.map((item) => item.key);
    expect(
      stored.every((key) =>
        /^(incoming|processed|rejected|[a-z-]+)\/[A-Za-z0-9][A-Za-z0-9._-]*\.jsonl?$/.test(key),
      ),
    ).toBe(true);
    expect(stored.length).toBeGreaterThanOrEqual(before);
  });
});
