import { describe, expect, it } from "vitest";
import { ORDER_ID_PATTERN } from "../../domain/schemas.js";
import { type Clock, epochMsOf } from "../clock.js";
import type { IdGenerator } from "../id-generator.js";

/**
 * The behaviour every {@link IdGenerator} must show: ids usable as order ids
 * (`[A-Za-z0-9_-]{1,64}`) and unique. `makeSubject` runs once per test.
 */
export function describeIdGeneratorContract(adapterName: string, makeSubject: () => IdGenerator): void {
  describe(`IdGenerator contract: ${adapterName}`, () => {
    it("makes ids that are valid order ids and unique over 10,000 calls", () => {
      const ids = makeSubject();
      const seen = new Set<string>();
      for (let i = 0; i < 10_000; i++) {
        const id = ids.next();
        expect(id).toMatch(ORDER_ID_PATTERN);
        seen.add(id);
      }
      expect(seen.size).toBe(10_000);
    });
  });
}

/**
 * The behaviour every {@link Clock} must show. `makeSubject` runs once per test.
 */
export function describeClockContract(adapterName: string, makeSubject: () => Clock): void {
  describe(`Clock contract: ${adapterName}`, () => {
    it("tells the time as a valid Date that does not go backwards", () => {
      const clock = makeSubject();
      const first = clock.now();
      const second = clock.now();

      expect(first).toBeInstanceOf(Date);
      expect(Number.isNaN(first.getTime())).toBe(false);
      expect(second.getTime()).toBeGreaterThanOrEqual(first.getTime());
    });

    it("tells the same time in milliseconds (epochMs, when it has one) as in Dates", () => {
      const clock = makeSubject();
      const before = clock.now().getTime();
      const ms = epochMsOf(clock);
      const after = clock.now().getTime();
      expect(Number.isSafeInteger(ms)).toBe(true);
      expect(ms).toBeGreaterThanOrEqual(before);
      expect(ms).toBeLessThanOrEqual(after);
    });

    it("hands out its own Date each time: changing one does not move the clock", () => {
      const clock = makeSubject();
      const first = clock.now();
      const before = first.getTime();

      first.setTime(0);

      expect(clock.now().getTime()).toBeGreaterThanOrEqual(before);
    });
  });
}
