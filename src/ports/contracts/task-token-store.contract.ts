import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TaskTokenStore } from "../task-token-store.js";
import type { Teardown } from "./helpers.js";
import { uniqueId } from "./order-mother.js";

export interface TaskTokenStoreSubject extends Teardown {
  readonly store: TaskTokenStore;
  /** The store's clock, which the suite moves forward (a ManualClock). */
  readonly clock: { now(): Date; advance(ms: number): unknown };
}

/**
 * The behaviour every {@link TaskTokenStore} must show. `makeSubject` runs
 * before each test and may return the same table each time: order ids are
 * unique per test.
 */
export function describeTaskTokenStoreContract(
  adapterName: string,
  makeSubject: () => Promise<TaskTokenStoreSubject> | TaskTokenStoreSubject,
): void {
  describe(`TaskTokenStore contract: ${adapterName}`, () => {
    let subject: TaskTokenStoreSubject;
    const inAnHour = () => new Date(subject.clock.now().getTime() + 60 * 60 * 1000);

    beforeEach(async () => {
      subject = await makeSubject();
    });
    afterEach(async () => {
      await subject?.teardown?.();
    });

    it("gives a saved token back once", async () => {
      const orderId = uniqueId("order");
      await subject.store.save(orderId, "token-1", { expiresAt: inAnHour() });

      expect(await subject.store.take(orderId)).toBe("token-1");
      expect(await subject.store.take(orderId)).toBeUndefined();
    });

    it("keeps only the latest token of an order (a retried wait has a new one)", async () => {
      const orderId = uniqueId("order");
      await subject.store.save(orderId, "first", { expiresAt: inAnHour() });
      await subject.store.save(orderId, "second", { expiresAt: inAnHour() });

      expect(await subject.store.take(orderId)).toBe("second");
    });

    it("answers undefined for an order without a token", async () => {
      expect(await subject.store.take(uniqueId("order"))).toBeUndefined();
    });

    it("gives the token to exactly one of two racing takers", async () => {
      const orderId = uniqueId("order");
      await subject.store.save(orderId, "only", { expiresAt: inAnHour() });

      const taken = await Promise.all([subject.store.take(orderId), subject.store.take(orderId)]);

      expect(taken.filter((t) => t === "only")).toHaveLength(1);
      expect(taken.filter((t) => t === undefined)).toHaveLength(1);
    });

    it("does not give back a token past its expiry", async () => {
      const orderId = uniqueId("order");
      await subject.store.save(orderId, "late", { expiresAt: inAnHour() });
      subject.clock.advance(2 * 60 * 60 * 1000);

      expect(await subject.store.take(orderId)).toBeUndefined();
    });
  });
}
