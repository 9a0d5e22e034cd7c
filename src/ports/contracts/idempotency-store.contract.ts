import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PortError } from "../errors.js";
import type { IdempotencyOptions, IdempotencyStore } from "../idempotency-store.js";
import type { Teardown } from "./helpers.js";
import { codeOf, rejectionOf } from "./helpers.js";
import { uniqueId } from "./order-mother.js";

export interface IdempotencyStoreSubject extends Teardown {
  readonly store: IdempotencyStore;
}

const T0 = Date.parse("2030-01-15T10:00:00.000Z");
const IN_PROGRESS_TIMEOUT_MS = 60_000;
const TTL_MS = 24 * 3_600_000;

/** Options as the API passes them, `elapsedMs` after the suite's start instant. */
function at(elapsedMs: number): IdempotencyOptions {
  return { now: new Date(T0 + elapsedMs), inProgressTimeoutMs: IN_PROGRESS_TIMEOUT_MS, ttlMs: TTL_MS };
}

/**
 * The behaviour every {@link IdempotencyStore} must show. Time is what the
 * caller passes as `now` (the suite moves it forward by hours), so an adapter
 * must decide expiry from `now`, not from its own clock or a background sweep.
 * `makeSubject` runs before each test and may return the same store each time: keys are unique per test.
 */
export function describeIdempotencyStoreContract(
  adapterName: string,
  makeSubject: () => Promise<IdempotencyStoreSubject> | IdempotencyStoreSubject,
): void {
  describe(`IdempotencyStore contract: ${adapterName}`, () => {
    let subject: IdempotencyStoreSubject;
    let store: IdempotencyStore;
    let key: string;

    beforeEach(async () => {
      subject = await makeSubject();
      store = subject.store;
      key = uniqueId("idem");
    });
    afterEach(async () => {
      await subject?.teardown?.();
    });

    async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
      const error = await rejectionOf(promise);
      expect(codeOf(error)).toBe(code);
      expect(error).toBeInstanceOf(PortError);
    }

    it("hands a new key to the first caller", async () => {
      expect(await store.begin(key, "hash-a", at(0))).toEqual({ status: "STARTED" });
    });

    it("answers a completed key with the stored result when the same payload comes again", async () => {
      const result = { orderId: "o-1", status: "RECEIVED", nested: { n: 1, list: [1, "two"] } };
      await store.begin(key, "hash-a", at(0));
      await store.complete(key, result, at(10));

      expect(await store.begin(key, "hash-a", at(20))).toEqual({ status: "COMPLETED", result });
      expect(await store.begin(key, "hash-a", at(IN_PROGRESS_TIMEOUT_MS * 10))).toEqual({
        status: "COMPLETED",
        result,
      });
    });

    it("refuses a completed key reused with another payload (IdempotencyConflictError)", async () => {
      await store.begin(key, "hash-a", at(0));
      await store.complete(key, { ok: true }, at(10));

      await expectCode(store.begin(key, "hash-b", at(20)), "IDEMPOTENCY_KEY_CONFLICT");
      expect(await store.begin(key, "hash-a", at(30))).toEqual({ status: "COMPLETED", result: { ok: true } });
    });

    it("refuses a key another attempt holds (IdempotencyInProgressError)", async () => {
      await store.begin(key, "hash-a", at(0));

      await expectCode(store.begin(key, "hash-a", at(IN_PROGRESS_TIMEOUT_MS - 1)), "IDEMPOTENCY_IN_PROGRESS");
    });

    it("lets exactly one of several concurrent attempts take a key", async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () => store.begin(key, "hash-a", at(0))),
      );

      expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
      for (const result of results) {
        if (result.status === "rejected") expect(codeOf(result.reason)).toBe("IDEMPOTENCY_IN_PROGRESS");
      }
    });

    it("hands the key over again once the attempt holding it has timed out", async () => {
      await store.begin(key, "hash-a", at(0));

      expect(await store.begin(key, "hash-a", at(IN_PROGRESS_TIMEOUT_MS + 1))).toEqual({ status: "STARTED" });
      await expectCode(store.begin(key, "hash-a", at(IN_PROGRESS_TIMEOUT_MS + 2)), "IDEMPOTENCY_IN_PROGRESS");
    });

    it("lets a retry take a released key", async () => {
      await store.begin(key, "hash-a", at(0));

      await store.release(key);

      expect(await store.begin(key, "hash-a", at(10))).toEqual({ status: "STARTED" });
    });

    it("releasing an unknown key is not an error", async () => {
      await expect(store.release(uniqueId("never-used"))).resolves.toBeUndefined();
    });

    it("forgets a completed key after its time to live", async () => {
      await store.begin(key, "hash-a", at(0));
      await store.complete(key, { ok: true }, at(0));

      expect(await store.begin(key, "hash-b", at(TTL_MS + 1))).toEqual({ status: "STARTED" });
    });

    it("keeps separate keys apart", async () => {
      const other = uniqueId("idem");
      await store.begin(key, "hash-a", at(0));
      await store.complete(key, "first", at(1));

      expect(await store.begin(other, "hash-a", at(2))).toEqual({ status: "STARTED" });
      await store.complete(other, "second", at(3));
      expect(await store.begin(key, "hash-a", at(4))).toEqual({ status: "COMPLETED", result: "first" });
      expect(await store.begin(other, "hash-a", at(5))).toEqual({ status: "COMPLETED", result: "second" });
    });
  });
}
