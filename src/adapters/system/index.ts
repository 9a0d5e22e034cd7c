/** The adapters production uses whatever the family: the machine's clock and random ids. */
export { RandomIdGenerator } from "./random-id-generator.js";
export { SystemClock } from "./system-clock.js";
