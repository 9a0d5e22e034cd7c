import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
} from "@aws-sdk/client-dynamodb";
import { describe, expect, it } from "vitest";
import {
  isThrottlingError,
  isTransientAwsError,
  translateAwsError,
} from "../../../src/adapters/aws/aws-errors.js";
import { backoffDelay, retryWithBackoff } from "../../../src/adapters/aws/retry.js";
import { ServiceUnavailableError } from "../../../src/ports/errors.js";

const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

describe("translateAwsError", () => {
  it("turns throttling and server faults into a retryable ServiceUnavailableError that keeps the cause", () => {
    const throttled = new ProvisionedThroughputExceededException({ message: "slow down", ...meta(400) });
    const internal = new InternalServerError({ message: "boom", ...meta(500) });
    const generic = Object.assign(new Error("x"), { name: "ThrottlingException", $fault: "client" });
    const unavailable = Object.assign(new Error("x"), { name: "ServiceUnavailable", $fault: "server" });

    for (const err of [throttled, internal, generic, unavailable]) {
      const translated = translateAwsError(err, "DynamoDB table orders");
      expect(translated).toBeInstanceOf(ServiceUnavailableError);
      expect((translated as ServiceUnavailableError).cause).toBe(err);
      expect((translated as ServiceUnavailableError).retryable).toBe(true);
      expect((translated as ServiceUnavailableError).toJSON()).toMatchObject({
        code: "SERVICE_UNAVAILABLE",
        details: { service: "DynamoDB table orders" },
      });
    }
    expect(isThrottlingError(throttled)).toBe(true);
    expect(isThrottlingError(internal)).toBe(false);
    expect(isTransientAwsError(Object.assign(new Error("x"), { name: "RequestLimitExceeded" }))).toBe(true);
  });

  it("leaves client faults (a missing table, a failed condition, non-errors) unchanged", () => {
    const missing = new ResourceNotFoundException({ message: "no table", ...meta(400) });
    const condition = new ConditionalCheckFailedException({ message: "failed", ...meta(400) });
    expect(translateAwsError(missing, "t")).toBe(missing);
    expect(translateAwsError(condition, "t")).toBe(condition);
    expect(translateAwsError("oops", "t")).toBe("oops");
    expect(isTransientAwsError(undefined)).toBe(false);
  });
});

describe("backoffDelay", () => {
  it("draws from [0, min(max, base * 2^(attempt-1))) (full jitter)", () => {
    expect(backoffDelay(1, 100, 5_000, () => 0)).toBe(0);
    expect(backoffDelay(1, 100, 5_000, () => 0.999)).toBe(99);
    expect(backoffDelay(3, 100, 5_000, () => 0.5)).toBe(200);
    expect(backoffDelay(20, 100, 5_000, () => 0.999)).toBe(4_995);
    expect(backoffDelay(1_000, 100, 5_000, () => 0.5)).toBe(2_500);
  });
});

describe("retryWithBackoff", () => {
  it("calls again after jittered delays until the call succeeds", async () => {
    const delays: number[] = [];
    const seen: number[] = [];
    const result = await retryWithBackoff(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw new Error("transient");
        return "done";
      },
      {
        attempts: 5,
        baseDelayMs: 10,
        maxDelayMs: 1_000,
        random: () => 0.5,
        sleep: async (ms) => void delays.push(ms),
      },
    );
    expect(result).toBe("done");
    expect(seen).toEqual([1, 2, 3]);
    expect(delays).toEqual([5, 10]);
  });

  it("rethrows the last error unchanged once attempts run out, and at once when not retryable", async () => {
    const sleep = async () => {};
    const last = new Error("third");
    let calls = 0;
    await expect(
      retryWithBackoff(
        async (attempt) => {
          calls++;
          throw attempt === 3 ? last : new Error("earlier");
        },
        { attempts: 3, sleep },
      ),
    ).rejects.toBe(last);
    expect(calls).toBe(3);

    const fatal = new Error("fatal");
    let fatalCalls = 0;
    await expect(
      retryWithBackoff(
        async () => {
          fatalCalls++;
          throw fatal;
        },
        { attempts: 5, sleep, isRetryable: (err) => err !== fatal },
      ),
    ).rejects.toBe(fatal);
    expect(fatalCalls).toBe(1);
  });
});
