import { randomUUID } from "node:crypto";
import type { IdGenerator } from "../../ports/id-generator.js";

/** Random UUIDs (v4): unique across processes, what production uses. */
export class RandomIdGenerator implements IdGenerator {
  next(): string {
    return randomUUID();
  }
}
