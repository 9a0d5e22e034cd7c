import { OrderflowError } from "../../domain/errors.js";
import type { Caller } from "./http-types.js";

/** The group whose members may act for every user: read anyone's notifications, fulfil orders, run the store. */
export const OPERATORS_GROUP = "operators";

/** A caller may not do what it asked. */
export class ForbiddenError extends OrderflowError {
  readonly code = "FORBIDDEN";
}

/**
 * @throws ForbiddenError unless `caller` is `userId` or an operator (with
 * `userId` undefined: an operator). No caller is a transport without
 * authentication (the local runner), which may do anything.
 */
export function requireSelfOrOperator(
  caller: Caller | undefined,
  userId: string | undefined,
  what: string,
): void {
  if (caller === undefined || caller.groups.includes(OPERATORS_GROUP)) return;
  if (userId !== undefined && caller.userId === userId) return;
  throw new ForbiddenError(
    userId === undefined
      ? `only the ${OPERATORS_GROUP} group may ${what}`
      : `only the user or the ${OPERATORS_GROUP} group may ${what}`,
  );
}

/** @throws ForbiddenError unless `caller` is an operator (or there is no authentication). */
export function requireOperator(caller: Caller | undefined, what: string): void {
  requireSelfOrOperator(caller, undefined, what);
}
