import { describe, expect, it } from "vitest";
import { handleHttpRequest } from "../../src/entrypoints/http/http-core.js";
import type { HttpRequest } from "../../src/entrypoints/http/http-types.js";
import { InMemoryOrderflow } from "../../src/entrypoints/in-memory/in-memory-orderflow.js";
import { expectContractAnswer } from "./hostile-http.js";

/**
 * Counterexamples the HTTP fuzz campaign found, each replayed as it was found,
 * so the defect cannot come back unnoticed while the generators drift. (The
 * runner's own counterexample, a request line node cannot parse answered as a
 * 400 without issues, is replayed in test/e2e/local-runner.test.ts.)
 */
async function answer(request: HttpRequest) {
  const response = await handleHttpRequest(new InMemoryOrderflow().http, request);
  return expectContractAnswer(response.statusCode, { ...response.headers }, response.body);
}

describe("HTTP fuzz regressions", () => {
  it("a body of invalid UTF-8 (an encoded surrogate, ED A0 80) is a 400 whose issue names the body", async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"reason":"x'),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('"}'),
    ]);
    const refused = await answer({
      method: "POST",
      path: "/orders/o-1/cancel",
      headers: { "content-type": "application/json" },
      body: bytes.toString("base64"),
      isBase64Encoded: true,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json.error).toEqual({
      code: "INVALID_JSON",
      message: "the request body is not valid UTF-8",
      issues: [{ path: "", message: "expected UTF-8" }],
    });
  });

  it("a body that is not text at all (a malformed API Gateway event) is a 400 whose issue names the body", async () => {
    const refused = await answer({
      method: "POST",
      path: "/orders",
      headers: { "content-type": "application/json" },
      body: { customerId: "c-1" } as unknown as string,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json.error.issues).toEqual([{ path: "", message: "expected a JSON document" }]);
  });
});
