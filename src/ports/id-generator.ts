import type { IdGenerator } from "../domain/ports.js";
import { token } from "./token.js";

export type { IdGenerator } from "../domain/ports.js";

export const ID_GENERATOR = token<IdGenerator>("IdGenerator");
