import type { Clock } from "../../ports/clock.js";

/** Where a {@link ManualClock} starts when given no date. */
export const MANUAL_CLOCK_START = new Date("2030-01-15T10:00:00.000Z");

/** A clock that moves only when told to, for tests and deterministic runs. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date = MANUAL_CLOCK_START) {
    this.current = start.getTime();
  }

  /** A new Date each call, so callers cannot move the clock by mutating it. */
  now(): Date {
    return new Date(this.current);
  }

  epochMs(): number {
    return this.current;
  }

  /** Moves the clock forward. @throws RangeError for a negative or non-finite duration. */
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a clock only advances: got ${ms} ms`);
    this.current += ms;
    return this.now();
  }

  /** Puts the clock at `date` (backwards too, to test what happens when clocks disagree). */
  set(date: Date): void {
    this.current = date.getTime();
  }
}
