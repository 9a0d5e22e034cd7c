import { mkdtemp, rm } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InMemoryLogger } from "../../src/adapters/memory/in-memory-logger.js";
import { type LocalRunner, startLocalRunner } from "../../src/entrypoints/local/local-runner.js";
import type { MemoryBackend } from "../../src/entrypoints/local/memory-backend.js";

/**
 * The local runner has no authentication, so what a web page can make a
 * browser send it is refused: a Host that is not a loopback name (DNS
 * rebinding), a request from another origin that would change something, and
 * an operator request that changes something without a JSON content type (a
 * form's) or the operator token. Each refusal is shown, with what still works.
 */

const TOKEN = "operator-secret";
let runner: LocalRunner<MemoryBackend>;
let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "orderflow-guard-"));
  runner = await startLocalRunner({
    port: 0,
    inbox: join(folder, "inbox"),
    logger: new InMemoryLogger(),
    guard: { allowedHosts: ["orders.internal"], operatorToken: TOKEN },
  });
});
afterAll(async () => {
  await runner?.stop();
  await rm(folder, { recursive: true, force: true });
});

/** A request with exactly these headers (fetch would not let a test set Host). */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; code?: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port: runner.port, method, path, headers, setHost: false },
      (res) => {
        let text = "";
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () => {
          const code = text ? (JSON.parse(text) as { error?: { code?: string } }).error?.code : undefined;
          resolve({ status: res.statusCode ?? 0, ...(code ? { code } : {}) });
        });
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const order = JSON.stringify({
  customerId: "c-1",
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 1, unitPrice: 3490 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
});
const here = () => `127.0.0.1:${runner.port}`;
const json = { "Content-Type": "application/json" };
const redrive = "/_local/dlqs/orderflow-cancel-rule-dlq/redrive";

describe("the local runner refuses what a web page could make a browser send", () => {
  it("answers loopback host names and the configured ones", async () => {
    for (const host of [
      here(),
      `localhost:${runner.port}`,
      `[::1]:${runner.port}`,
      "app.localhost",
      "orders.internal:80",
    ]) {
      expect(await send("GET", "/health", { Host: host })).toEqual({ status: 200 });
    }
  });

  it("refuses any other Host, reads included (a DNS-rebound name pointing at 127.0.0.1)", async () => {
    expect(await send("GET", "/orders/o-1", { Host: "attacker.example" })).toEqual({
      status: 403,
      code: "HOST_NOT_ALLOWED",
    });
    expect(await send("GET", "/health", { Host: `192.168.1.20:${runner.port}` })).toMatchObject({
      status: 403,
    });
  });

  it("refuses a request from another origin that would change something, and nothing changes", async () => {
    const foreign = { Host: here(), Origin: "http://attacker.example", ...json };
    expect(await send("POST", "/orders", foreign, order)).toEqual({
      status: 403,
      code: "CROSS_ORIGIN_REFUSED",
    });
    const otherLocalApp = { Host: here(), Origin: "http://localhost:8080", ...json };
    expect(await send("POST", "/orders", otherLocalApp, order)).toMatchObject({ status: 403 });
    const fetched = { Host: here(), "Sec-Fetch-Site": "cross-site", ...json };
    expect(await send("POST", "/orders", fetched, order)).toMatchObject({ status: 403 });
    expect((await runner.backend.flow.orders.listByCustomer("c-1")).items).toEqual([]);
  });

  it("takes the same request from its own origin, and from clients that send no Origin (curl, the CLI)", async () => {
    expect(
      await send("POST", "/orders", { Host: here(), Origin: `http://${here()}`, ...json }, order),
    ).toEqual({
      status: 202,
    });
    expect(
      await send("POST", "/orders", { Host: here(), "Sec-Fetch-Site": "same-origin", ...json }, order),
    ).toEqual({
      status: 202,
    });
    expect(await send("POST", "/orders", { Host: here(), ...json }, order)).toEqual({ status: 202 });
  });

  it("refuses an operator request that changes something without a JSON content type, even with no body", async () => {
    expect(await send("POST", redrive, { Host: here() })).toEqual({
      status: 415,
      code: "UNSUPPORTED_MEDIA_TYPE",
    });
    expect(await send("POST", redrive, { Host: here(), "Content-Type": "text/plain" }, "{}")).toMatchObject({
      status: 415,
    });
    expect(await send("POST", redrive, { Host: here(), "X-Orderflow-Token": "wrong" })).toMatchObject({
      status: 415,
    });
  });

  it("takes an operator request with a JSON content type or the operator token", async () => {
    expect(await send("POST", redrive, { Host: here(), ...json })).toEqual({ status: 200 });
    expect(await send("POST", redrive, { Host: here(), "X-Orderflow-Token": TOKEN })).toEqual({
      status: 200,
    });
    expect(await send("GET", "/_local/dlqs", { Host: here() })).toEqual({ status: 200 });
  });

  it("answers HEAD /health 200 with no body", async () => {
    expect(await send("HEAD", "/health", { Host: here() })).toEqual({ status: 200 });
  });
});
