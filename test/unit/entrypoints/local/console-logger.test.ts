import { describe, expect, it } from "vitest";
import {
  ConsoleLogger,
  type ConsoleLoggerOptions,
} from "../../../../src/entrypoints/local/console-logger.js";

const at = new Date("2026-11-21T14:03:11.250Z");

function capture(options: ConsoleLoggerOptions & { isTTY?: boolean } = {}) {
  const lines: string[] = [];
  const stream = { isTTY: options.isTTY, write: (text: string) => void lines.push(text) };
  return { lines, logger: new ConsoleLogger({ now: () => at, ...options, stream }) };
}

describe("ConsoleLogger", () => {
  it("writes JSON lines when the stream is not a terminal", () => {
    const { lines, logger } = capture({ isTTY: false });
    logger
      .child({ component: "pipeline" })
      .info("order validation: validated", { orderId: "o-1", status: "VALIDATED" });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith("\n")).toBe(true);
    expect(JSON.parse(lines[0]!)).toEqual({
      time: "2026-11-21T14:03:11.250Z",
      level: "info",
      msg: "order validation: validated",
      component: "pipeline",
      orderId: "o-1",
      status: "VALIDATED",
    });
  });

  it("writes readable lines on a terminal, quiet fields left out", () => {
    const { lines, logger } = capture({ isTTY: true, color: false });
    logger
      .child({ component: "http" })
      .info("GET /health → 200", { method: "GET", path: "/health", statusCode: 200, durationMs: 1 });
    expect(lines).toEqual(["14:03:11.250 INFO  [http] GET /health → 200  durationMs=1\n"]);
  });

  it("colours the level on a terminal", () => {
    const { lines, logger } = capture({ isTTY: true });
    logger.warn("careful");
    expect(lines[0]).toContain("\u001b[33mWARN ");
  });

  it("redacts addresses and their parts wherever they sit, in both formats", () => {
    const order = {
      orderId: "o-1",
      shippingAddress: { line1: "Rua Secreta, 7", city: "Recife", postalCode: "50000-000", country: "BR" },
      items: [{ sku: "A", address: "Rua Escondida, 9" }],
      changes: { line2: "apto 3", zip: "12345" },
    };
    for (const format of ["json", "pretty"] as const) {
      const { lines, logger } = capture({ format });
      logger.info("placed", { order });
      expect(lines[0]).not.toMatch(/Secreta|Escondida|50000|apto|12345/);
      expect(lines[0]).toContain("[redacted]");
      expect(lines[0]).toContain("o-1");
    }
  });

  it("escapes control characters so a value cannot forge a line", () => {
    const { lines, logger } = capture({ format: "pretty" });
    logger.info("GET /x\nINFO fake", { path2: "a\r\nb\u001b[31m" });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.trimEnd()).not.toContain("\n");
    expect(lines[0]).toContain("\\x0a");
    expect(lines[0]).not.toContain("\u001b");
  });

  it("drops lines below its level", () => {
    const { lines, logger } = capture({ format: "json", level: "warn" });
    logger.debug("d");
    logger.info("i");
    logger.child({ a: 1 }).info("child i");
    logger.error("e");
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(["e"]);
  });

  it("logs errors by name, message and code, and survives cycles", () => {
    const { lines, logger } = capture({ format: "json" });
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    const error = Object.assign(new Error("boom"), { code: "DELIVERY_FAILED" });
    logger.error("failed", { error, cyclic, big: 10n });
    expect(JSON.parse(lines[0]!)).toMatchObject({
      error: { name: "Error", message: "boom", code: "DELIVERY_FAILED" },
      cyclic: { name: "loop", self: "[circular]" },
      big: "10",
    });
  });
});

describe("ConsoleLogger JSON lines", () => {
  it("keep time, level and msg first and never let a field overwrite them", () => {
    const lines: string[] = [];
    const logger = new ConsoleLogger({
      format: "json",
      now: () => at,
      stream: { write: (t: string) => lines.push(t) },
    });
    logger.warn("real message", { level: "debug", msg: "forged", orderId: "o-1" });
    expect(lines[0]).toBe(
      '{"time":"2026-11-21T14:03:11.250Z","level":"warn","msg":"real message","orderId":"o-1"}\n',
    );
  });
});
