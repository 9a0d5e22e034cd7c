import type { Clock } from "../domain/ports.js";
import { token } from "./token.js";

export type { Clock } from "../domain/ports.js";

/** Now in milliseconds since the epoch, from `epochMs` when the clock has it. */
export function epochMsOf(clock: Clock): number {
  return clock.epochMs ? clock.epochMs() : clock.now().getTime();
}

export const CLOCK = token<Clock>("Clock");
