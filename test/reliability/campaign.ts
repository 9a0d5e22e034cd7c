/**
 * The reliability campaign's two settings, shared by every test in this folder.
 *
 * - `RELIABILITY_SCALE` (default 1) multiplies every count (orders, requests,
 *   files). `npm test` runs scale 1, the sizes the README's Reliability table
 *   names; `npm run test:reliability` runs scale 10.
 * - `RELIABILITY_SEED` (default {@link DEFAULT_SEED}) seeds every generator, so
 *   a run is repeatable; a failing run prints its seed and the shrunk input, and
 *   each counterexample found becomes a named regression case beside the test.
 */
export const DEFAULT_SEED = 20_261_207;

export const SCALE = positiveNumber("RELIABILITY_SCALE", 1);
export const SEED = positiveNumber("RELIABILITY_SEED", DEFAULT_SEED);

/** `count` at the current scale. */
export function scaled(count: number): number {
  return Math.max(1, Math.round(count * SCALE));
}

/** Per-test time limit that grows with the scale (vitest's default is 30 s). */
export function timeoutFor(baseMs: number): number {
  return Math.round(baseMs * Math.max(1, SCALE));
}

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number, got ${raw}`);
  return value;
}
