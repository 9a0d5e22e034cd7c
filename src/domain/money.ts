import { MoneyRangeError } from "./errors.js";

/**
 * Money is an integer count of minor units (cents) in an ISO 4217 currency.
 * Floats never appear: 0.1 + 0.2 is not a price.
 *
 * The bounds make overflow impossible rather than checked: a unit price is at
 * most {@link MAX_UNIT_PRICE}, a quantity at most 10^4 and an order at most 100
 * lines (see the schemas), so any order total is at most 10^15, which is below
 * `Number.MAX_SAFE_INTEGER` (about 9 x 10^15): every sum and product is exact.
 */
export const MAX_UNIT_PRICE = 1_000_000_000; // 10^9 minor units: ten million in a 2-decimal currency
export const MAX_MINOR_UNITS = 1_000_000_000_000_000; // 10^15: the largest total any valid order can reach

export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

export type Currency = string;

export interface Money {
  readonly amount: number;
  readonly currency: Currency;
}

export function isValidMinorUnits(amount: number): boolean {
  return Number.isSafeInteger(amount) && amount >= 0 && amount <= MAX_MINOR_UNITS;
}

export function money(amount: number, currency: Currency): Money {
  if (!isValidMinorUnits(amount)) {
    throw new MoneyRangeError(`amount ${amount} is not an integer in [0, ${MAX_MINOR_UNITS}]`);
  }
  if (!CURRENCY_PATTERN.test(currency)) {
    throw new MoneyRangeError(`currency "${currency}" is not an ISO 4217 code`);
  }
  return { amount, currency };
}

/** Multiplies a unit price by a quantity, refusing any result outside the guaranteed range. */
export function lineTotal(unitPrice: number, quantity: number): number {
  const total = unitPrice * quantity;
  if (!isValidMinorUnits(total)) {
    throw new MoneyRangeError(`line total ${unitPrice} x ${quantity} exceeds ${MAX_MINOR_UNITS}`);
  }
  return total;
}

export function sumMinorUnits(amounts: Iterable<number>): number {
  let total = 0;
  for (const amount of amounts) {
    total += amount;
    if (!isValidMinorUnits(total)) {
      throw new MoneyRangeError(`total exceeds ${MAX_MINOR_UNITS}`);
    }
  }
  return total;
}
