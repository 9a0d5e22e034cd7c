import type { TaskTokenStore } from "../domain/ports.js";
import { token } from "./token.js";

export type { TaskTokenStore } from "../domain/ports.js";

export const TASK_TOKEN_STORE = token<TaskTokenStore>("TaskTokenStore");
