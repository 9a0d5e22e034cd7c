import type { IdGenerator } from "../../ports/id-generator.js";

/** `id-000001`, `id-000002`, …: predictable ids for tests and readable local runs. */
export class SequentialIdGenerator implements IdGenerator {
  private count = 0;

  /** @throws RangeError when `prefix` has characters an id may not hold or leaves no room for the number. */
  constructor(private readonly prefix = "id-") {
    if (!/^[A-Za-z0-9_-]{0,50}$/.test(prefix)) {
      throw new RangeError(`an id prefix must match [A-Za-z0-9_-]{0,50}, got ${JSON.stringify(prefix)}`);
    }
  }

  next(): string {
    this.count += 1;
    return `${this.prefix}${String(this.count).padStart(6, "0")}`;
  }
}
