/**
 * What every orderflow handler loads and runs whatever its wiring (the domain
 * and its zod schemas, an inversify container resolving a dozen asynchronous
 * bindings, a pino logger writing one line) and nothing of orderflow's own
 * composition: the floor of the cold-start benchmarks is a bare handler after
 * these. A handler's overhead over its bare handler cannot drop below its floor's.
 * Each floor's entry re-exports {@link DOMAIN}, so that its bundle keeps it.
 */
import { Container, ContainerModule } from "inversify";
import pino from "pino";
import * as rules from "../../src/domain/business-rules.js";
import * as errors from "../../src/domain/errors.js";
import * as events from "../../src/domain/events.js";
import * as lifecycle from "../../src/domain/lifecycle.js";
import * as money from "../../src/domain/money.js";
import * as order from "../../src/domain/order.js";
import * as schemas from "../../src/domain/schemas.js";

/** Kept so that the bundle holds the domain (and zod), as a handler's does. */
export const DOMAIN = { rules, errors, events, lifecycle, money, order, schemas };

const TOKENS = Array.from({ length: 12 }, (_, index) => Symbol.for(`floor.${index}`));

/** `bare` preceded by what every orderflow handler loads and runs whatever its wiring. */
export function withFloor<E extends object, R>(bare: (event: E) => Promise<R>) {
  return async (event: E): Promise<R> => {
    await libraries((event as { Records?: unknown[] }).Records?.length ?? 0);
    return bare(event);
  };
}

async function libraries(records: number): Promise<void> {
  const container = new Container({ defaultScope: "Singleton" });
  container.load(
    new ContainerModule(({ bind }) => {
      for (const token of TOKENS.slice(1)) bind(token).toDynamicValue(async () => ({}));
      bind(TOKENS[0]!).toResolvedValue((...services: unknown[]) => services, TOKENS.slice(1));
    }),
  );
  await container.getAsync(TOKENS[0]!);
  const logger = pino(
    { base: null, messageKey: "message", timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, sync: true }),
  );
  logger.info({ records }, "batch handled");
}
