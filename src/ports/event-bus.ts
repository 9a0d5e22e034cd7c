import type { EventBus } from "../domain/ports.js";
import { token } from "./token.js";

export type { EventBus } from "../domain/ports.js";

export const EVENT_BUS = token<EventBus>("EventBus");
