import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InMemoryLogger } from "../../src/adapters/memory/in-memory-logger.js";
import type { OrderStatus } from "../../src/domain/lifecycle.js";
import { type LocalRunner, startLocalRunner } from "../../src/entrypoints/local/local-runner.js";
import type { MemoryBackend } from "../../src/entrypoints/local/memory-backend.js";
import { SEED, scaled, timeoutFor } from "./campaign.js";
import {
  type Answer,
  bodyPlan,
  cancelText,
  contractViolation,
  headersArb,
  modifyText,
  type OrderRef,
  orderRef,
  placeOrderText,
  renderBody,
  renderHeaders,
  SETTLED_STATUSES,
  unknownPath,
} from "./hostile-http.js";

/**
 * The slice of the HTTP fuzz campaign that goes through node's HTTP server:
 * hostile requests written byte by byte to the local runner over loopback,
 * bodies sent whole, chunked at random or cut off by a disconnect. Every
 * request answered gets a contract answer below 500 with a correlation id,
 * every request is logged exactly once (a disconnect at warn), nothing is
 * logged as an error, and every accepted order settles.
 */
const REQUESTS = scaled(500);

let runner: LocalRunner<MemoryBackend>;
let dir: string;
const logger = new InMemoryLogger();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "orderflow-fuzz-"));
  runner = await startLocalRunner({ port: 0, inbox: join(dir, "inbox"), logger, pollIntervalMs: 50 });
});

afterAll(async () => {
  await runner?.stop();
  await rm(dir, { recursive: true, force: true });
});

type Framing = "length" | "chunked" | "disconnect";

/** A route: its method, its path with `{id}` for the order a reference resolves to, and the bodies it takes. */
const route = fc.oneof(
  fc.constant({ method: "POST", path: "/orders", ref: null, body: placeOrderText }),
  orderRef.map((ref) => ({ method: "GET", path: "/orders/{id}", ref, body: null })),
  orderRef.map((ref) => ({ method: "POST", path: "/orders/{id}/cancel", ref, body: cancelText })),
  orderRef.map((ref) => ({ method: "PATCH", path: "/orders/{id}", ref, body: modifyText })),
  fc.constantFrom("/products", "/health").map((path) => ({ method: "GET", path, ref: null, body: null })),
  unknownPath.map((path) => ({ method: "DELETE", path, ref: null, body: null })),
);

function pathOf(template: string, ref: OrderRef | null, known: readonly string[]): string {
  if (ref === null) return template;
  const id = "literal" in ref ? ref.literal : (known[ref.known % Math.max(1, known.length)] ?? "none");
  return template.replace("{id}", id);
}

const plan = route.chain((r) =>
  fc.record({
    method: fc.constant(r.method),
    path: fc.constant(r.path),
    ref: fc.constant(r.ref),
    headers: headersArb,
    body: r.body === null ? fc.option(bodyPlan(placeOrderText), { freq: 8 }) : bodyPlan(r.body).map((b) => b),
    framing: fc.oneof(
      { weight: 6, arbitrary: fc.constant<Framing>("length") },
      { weight: 3, arbitrary: fc.constant<Framing>("chunked") },
      { weight: 1, arbitrary: fc.constant<Framing>("disconnect") },
    ),
    chunks: fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 6 }),
  }),
);

/** The request as bytes on the wire; the header block is UTF-8, as a careless client would write it. */
function wire(
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
  framing: Framing,
  chunks: readonly number[],
): { head: Buffer; parts: Buffer[] } {
  const lines = [`${method} ${path} HTTP/1.1`, "Host: localhost", "Connection: close"];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  const parts: Buffer[] = [];
  if (framing === "chunked") {
    lines.push("Transfer-Encoding: chunked");
    let offset = 0;
    for (let i = 0; offset < body.length; i++) {
      const size = chunks[i % chunks.length]!;
      const piece = body.subarray(offset, offset + size);
      offset += piece.length;
      parts.push(
        Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from("\r\n")]),
      );
    }
    parts.push(Buffer.from("0\r\n\r\n"));
  } else {
    // A disconnect announces more than it sends.
    lines.push(`Content-Length: ${framing === "disconnect" ? body.length + 10 : body.length}`);
    let offset = 0;
    for (let i = 0; offset < body.length; i++) {
      const piece = body.subarray(offset, offset + chunks[i % chunks.length]!);
      offset += piece.length;
      parts.push(piece);
    }
  }
  return { head: Buffer.from(`${lines.join("\r\n")}\r\n\r\n`), parts };
}

/** Writes the request piece by piece and reads the answer until the server closes the connection. */
function exchange(head: Buffer, parts: readonly Buffer[], disconnect: boolean): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = connect(runner.port, "127.0.0.1");
    const received: Buffer[] = [];
    socket.on("data", (chunk) => received.push(chunk));
    socket.on("close", () => resolve(Buffer.concat(received)));
    socket.on("error", () => undefined);
    socket.setNoDelay(true);
    // A request the server waits on forever fails on its missing answer rather than hanging the run.
    socket.setTimeout(5_000, () => socket.destroy());
    void (async () => {
      for (const piece of [head, ...parts]) {
        if (socket.destroyed) return;
        await new Promise<void>((written) => socket.write(piece, () => written()));
      }
      if (disconnect) socket.destroy();
    })();
  });
}

/** Status, headers (lower-cased) and body of an HTTP/1.1 answer; chunked bodies decoded. */
function parseAnswer(raw: Buffer): Answer & { body: string } {
  const end = raw.indexOf("\r\n\r\n");
  expect(end, `no complete answer: ${raw.toString().slice(0, 200)}`).toBeGreaterThan(0);
  const [statusLine = "", ...headerLines] = raw.subarray(0, end).toString("latin1").split("\r\n");
  const statusCode = Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(end + 4);
  if (headers["transfer-encoding"] === "chunked") {
    const pieces: Buffer[] = [];
    let offset = 0;
    for (;;) {
      const lineEnd = body.indexOf("\r\n", offset);
      const size = Number.parseInt(body.subarray(offset, lineEnd).toString(), 16);
      if (!(size > 0)) break;
      pieces.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
      offset = lineEnd + 2 + size + 2;
    }
    body = Buffer.concat(pieces);
  }
  const text = body.toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    expect.fail(`a ${statusCode} whose body is not JSON: ${text.slice(0, 200)}`);
  }
  return { statusCode, headers, json, body: text };
}

const tried: Record<string, number> = {};

afterAll(() => {
  console.log(`HTTP fuzz (over loopback), seed ${SEED}: ${JSON.stringify(tried)}`);
});

describe(`HTTP fuzz over loopback: ${REQUESTS} hostile requests to the local runner, seed ${SEED}`, () => {
  it("answers each in the contract, logs each once, and carries out each it accepts", {
    timeout: timeoutFor(60_000),
  }, async () => {
    const known: string[] = [];
    const accepted: string[] = [];
    const disconnected: string[] = [];
    const answeredIds: string[] = [];
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(plan, async (p) => {
        const index = sent++;
        const path = pathOf(p.path, p.ref, known);
        const headers = renderHeaders(p.headers);
        // Half the requests carry a correlation id of their own, so their log lines can be counted.
        const tagged = index % 2 === 0;
        if (tagged) headers["X-Correlation-Id"] = `fuzz-${SEED}-${index}`;
        const rendered = p.body ? renderBody(p.body) : { body: undefined, isBase64Encoded: false };
        const bytes = Buffer.from(rendered.body ?? "", rendered.isBase64Encoded ? "base64" : "utf8");
        const framing = bytes.length === 0 && p.framing === "disconnect" ? "length" : p.framing;
        const { head, parts } = wire(p.method, path, headers, bytes, framing, p.chunks);
        const raw = await exchange(head, parts, framing === "disconnect");

        if (framing === "disconnect") {
          tried.disconnected = (tried.disconnected ?? 0) + 1;
          if (tagged) disconnected.push(headers["X-Correlation-Id"]!);
          return;
        }
        const answer = parseAnswer(raw);
        const violation = contractViolation(answer);
        if (violation !== undefined)
          expect.fail(`${violation}: ${answer.statusCode} ${answer.body.slice(0, 300)}`);
        tried[answer.statusCode] = (tried[answer.statusCode] ?? 0) + 1;
        if (tagged && answer.headers["x-correlation-id"] === headers["X-Correlation-Id"]) {
          answeredIds.push(headers["X-Correlation-Id"]!);
        }
        if (answer.statusCode === 202) {
          accepted.push(answer.json.orderId);
          known.push(answer.json.orderId);
        }
      }),
      { numRuns: REQUESTS, seed: SEED, endOnFailure: true },
    );

    await runner.settle();
    // Let the drain loop finish what validation looks at again later (in real time here).
    const deadline = Date.now() + 10_000;
    const unsettled = async () => {
      const statuses = await Promise.all(accepted.map((id) => runner.backend.flow.orders.get(id)));
      return statuses.filter((o) => !SETTLED_STATUSES.includes(o?.order.status as OrderStatus));
    };
    while ((await unsettled()).length > 0 && Date.now() < deadline) {
      await runner.settle();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await unsettled()).toEqual([]);
    for (const dlq of Object.values(runner.backend.flow.deadLetterQueues()))
      expect(dlq.size, dlq.name).toBe(0);
    expect(logger.at("error")).toEqual([]);

    const httpLines = (id: string) =>
      logger.entries.filter(
        (entry) => entry.fields.component === "http" && entry.fields.correlationId === id,
      );
    for (const id of answeredIds)
      expect(
        httpLines(id).map((entry) => entry.level),
        id,
      ).toEqual(["info"]);
    // A disconnect after a readable head is logged once at warn under the request's id (or at info
    // with its 413, when the runner stopped reading at the limit before the client left); after a
    // head node could not read, the line is the parse error's, under an id of its own.
    let warned = 0;
    for (const id of disconnected) {
      const levels = httpLines(id).map((entry) => entry.level);
      expect([[], ["warn"], ["info"]], id).toContainEqual(levels);
      if (levels[0] === "warn") warned++;
    }
    expect(warned).toBeGreaterThan(0);
  });
});
