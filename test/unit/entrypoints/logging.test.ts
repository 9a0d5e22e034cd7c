import { describe, expect, it } from "vitest";
import {
  PinoLogger,
  REDACTED,
  redact,
  runInLogContext,
  withLambdaContext,
} from "../../../src/entrypoints/logging.js";

function capture(level: "debug" | "info" = "info") {
  const lines: string[] = [];
  const logger = PinoLogger.create({
    level,
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const address = { line1: "Rua Augusta, 1500", city: "São Paulo", postalCode: "01304-001", country: "BR" };

describe("PinoLogger", () => {
  it("writes one JSON object a line with level, time, message and fields", () => {
    const { logger, parsed } = capture();
    logger.info("order placed", { orderId: "o-1" });
    logger.debug("not written at info");
    expect(parsed()).toEqual([
      {
        level: "info",
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        message: "order placed",
        orderId: "o-1",
      },
    ]);
  });

  it("redacts addresses and credentials at any depth, in fields and child bindings", () => {
    const { logger, lines, parsed } = capture();
    logger.child({ order: { shippingAddress: address } }).warn("request", {
      headers: { Authorization: "Bearer secret-token", "content-type": "application/json" },
      changes: [{ deep: { deeper: { shippingAddress: address, billingAddress: address } } }],
      customer: { email: "ana@example.com", address: "Rua X" },
    });
    const text = lines.join("");
    for (const secret of ["Rua Augusta", "01304-001", "secret-token", "ana@example.com", "Rua X"]) {
      expect(text).not.toContain(secret);
    }
    expect(parsed()[0]).toMatchObject({
      order: { shippingAddress: REDACTED },
      headers: { Authorization: REDACTED, "content-type": "application/json" },
      changes: [{ deep: { deeper: { shippingAddress: REDACTED } } }],
    });
  });

  it("adds the Lambda context to every line, through children and the invocation scope", async () => {
    const { logger, parsed } = capture();
    const child = logger.child({ flow: "validate-order" });
    await runInLogContext(logger, { requestId: "req-1" }, async () => {
      await Promise.resolve();
      child.info("inside");
    });
    child.info("outside");
    withLambdaContext(logger, { awsRequestId: "req-2", functionName: "fn" }).info("bound");
    expect(parsed().map((line) => [line.message, line.requestId, line.flow])).toEqual([
      ["inside", "req-1", "validate-order"],
      ["outside", undefined, "validate-order"],
      ["bound", "req-2", undefined],
    ]);
    expect(parsed()[2]).toMatchObject({ functionName: "fn" });
  });

  it("keeps each overlapping call's fields apart when told calls overlap", async () => {
    const lines: string[] = [];
    const logger = PinoLogger.create({
      concurrentContexts: true,
      destination: { write: (line: string) => void lines.push(line) },
    });
    const call = (requestId: string, delayMs: number) =>
      runInLogContext(logger, { requestId }, async () => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        logger.info(requestId);
      });
    await Promise.all([call("slow", 20), call("fast", 1)]);
    const parsed = lines.map((line) => JSON.parse(line) as { message: string; requestId: string });
    expect(parsed.map((line) => [line.message, line.requestId])).toEqual([
      ["fast", "fast"],
      ["slow", "slow"],
    ]);
  });

  it("redact survives cycles, errors and very deep objects", () => {
    const cyclic: Record<string, unknown> = { postalCode: "1" };
    cyclic.self = cyclic;
    let deep: Record<string, unknown> = { line1: "x" };
    for (let i = 0; i < 100; i++) deep = { next: deep };
    const error = Object.assign(new Error("boom"), { code: "E_BOOM" });
    expect(redact({ cyclic, error })).toEqual({
      cyclic: { postalCode: REDACTED, self: "[Circular]" },
      error: { name: "Error", message: "boom", code: "E_BOOM" },
    });
    expect(JSON.stringify(redact(deep))).toContain("[Truncated]");
  });
});
