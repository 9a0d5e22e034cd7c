import type { Clock } from "../../../../src/ports/clock.js";

/** A clock the messaging tests move by hand. */
export class TestClock implements Clock {
  #now: number;

  constructor(start = new Date("2026-01-01T00:00:00.000Z")) {
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}

/** A seeded pseudo-random generator (mulberry32) for reproducible duplicates and reordering. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
