import type { ObjectStore } from "../domain/ports.js";
import { token } from "./token.js";

export type { GetOptions, ObjectContent, ObjectInfo, ObjectStore, PutOptions } from "../domain/ports.js";

export const OBJECT_STORE = token<ObjectStore>("ObjectStore");
