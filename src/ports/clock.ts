import type { TimeSource } from "../domain/use-cases/capabilities.js";
import { token } from "./token.js";

export type Clock = TimeSource;

export const CLOCK = token<Clock>("Clock");
