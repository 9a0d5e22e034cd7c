import type { Clock } from "../../ports/clock.js";

/** The machine's clock. */
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }

  epochMs(): number {
    return Date.now();
  }
}
