import type { TimeSource } from "../domain/use-cases/capabilities.js";
import { token } from "./token.js";

export interface Clock extends TimeSource {
  /**
   * Now, in milliseconds since the epoch, without making a Date: what adapters
   * that only store or compare times call, many times per message. Optional;
   * when present it must agree with {@link TimeSource.now}.
   */
  epochMs?(): number;
}

/** Now in milliseconds since the epoch, from `epochMs` when the clock has it. */
export function epochMsOf(clock: Clock): number {
  return clock.epochMs ? clock.epochMs() : clock.now().getTime();
}

export const CLOCK = token<Clock>("Clock");
