import type { IdSource } from "../domain/use-cases/capabilities.js";
import { token } from "./token.js";

/** New unique ids (order ids when the client gives none, command ids). Must match `[A-Za-z0-9_-]{1,64}`. */
export type IdGenerator = IdSource;

export const ID_GENERATOR = token<IdGenerator>("IdGenerator");
