import { OrderflowError } from "../../domain/errors.js";

/** An EventBridge event pattern (the subset of the syntax the matcher below documents). */
export type EventPattern = { readonly [field: string]: EventPattern | readonly unknown[] };

/**
 * EventBridge content filtering, as documented in "Event patterns" and
 * "Comparison operators for use in event patterns" of the EventBridge user guide.
 * SNS filter policies share most of the syntax, so the matcher core here is
 * reused by `sns-filter-policy.ts` with the SNS dialect.
 *
 * Semantics implemented:
 * - keys of one object are ANDed; the values of one array are ORed;
 * - a leaf matches an event array if any element matches (arrays nest flat);
 * - nested pattern objects against an array of objects match if any element
 *   matches as a whole (array-consistent, like EventBridge's ruler);
 * - a field the event lacks fails every condition but `{"exists": false}`;
 *   `exists` only looks at leaves: an object or an empty array is no value;
 * - operators: exact string / number / boolean / null, `prefix` and `suffix`
 *   (optionally `{"equals-ignore-case": …}`), `equals-ignore-case`,
 *   `anything-but` (value, list, `prefix`, `suffix`, `equals-ignore-case`,
 *   `wildcard`), `numeric`, `exists`, `wildcard`, `cidr` (IPv4) and `$or`.
 */

/** A pattern or filter policy that the service would refuse. */
export class InvalidFilterPatternError extends OrderflowError {
  readonly code = "INVALID_FILTER_PATTERN";

  constructor(
    /** Dotted path of the offending part of the pattern (`detail.amount.0`), empty for the root. */
    readonly path: string,
    readonly reason: string,
    readonly dialect: FilterDialect,
  ) {
    super(
      `invalid ${dialect === "eventbridge" ? "event pattern" : "filter policy"}${path ? ` at ${path}` : ""}: ${reason}`,
      { details: { path, reason, dialect } },
    );
  }
}

/** Which service's rules validation follows. */
export type FilterDialect = "eventbridge" | "sns";

type PatternObject = { readonly [key: string]: unknown };

const EVENTBRIDGE_OPERATORS = new Set([
  "prefix",
  "suffix",
  "equals-ignore-case",
  "anything-but",
  "numeric",
  "exists",
  "wildcard",
  "cidr",
]);
const SNS_OPERATORS = new Set([
  "prefix",
  "suffix",
  "equals-ignore-case",
  "anything-but",
  "numeric",
  "exists",
  "cidr",
]);
const NUMERIC_LIMIT = { eventbridge: 5e9, sns: 1e9 } as const;

/**
 * Tells whether an event matches an EventBridge event pattern. The pattern is
 * assumed valid (see {@link validateEventPattern}); an invalid one never throws
 * here but may match nothing.
 */
export function matchesEventPattern(pattern: EventPattern, event: unknown): boolean {
  return matchObject(pattern, event);
}

/**
 * A matcher for one pattern, same answers as {@link matchesEventPattern}. A
 * pattern made only of top-level lists of exact strings (what routing rules
 * usually are: `source`, `detail-type`) becomes a few set lookups; any other
 * pattern, or a field that is not a plain string in the event, goes through the
 * general matcher.
 */
export function compileEventPattern(pattern: EventPattern): (event: unknown) => boolean {
  const fields = exactStringFields(pattern);
  if (fields === undefined) return (event) => matchObject(pattern, event);
  return (event) => {
    if (!isPlainObject(event)) return false;
    for (const field of fields) {
      if (!Object.hasOwn(event, field.key)) return false;
      const value = event[field.key];
      if (typeof value === "string") {
        if (!field.values.has(value)) return false;
      } else if (!matchLeaf(field.conditions, true, value)) {
        return false;
      }
    }
    return true;
  };
}

interface ExactStringField {
  readonly key: string;
  readonly conditions: readonly unknown[];
  readonly values: ReadonlySet<string>;
}

/** The pattern's fields when each is a non-empty list of plain strings; undefined otherwise. */
function exactStringFields(pattern: EventPattern): ExactStringField[] | undefined {
  const fields: ExactStringField[] = [];
  for (const [key, condition] of Object.entries(pattern)) {
    if (key === "$or" || !Array.isArray(condition) || condition.length === 0) return undefined;
    if (!condition.every((value) => typeof value === "string")) return undefined;
    fields.push({ key, conditions: condition, values: new Set(condition as readonly string[]) });
  }
  return fields.length > 0 ? fields : undefined;
}

/**
 * Throws {@link InvalidFilterPatternError} for a pattern EventBridge's PutRule
 * would refuse: empty objects or arrays, bare values instead of arrays, unknown
 * operators, malformed `numeric` ranges, consecutive `*` in a wildcard, …
 */
export function validateEventPattern(pattern: unknown): asserts pattern is EventPattern {
  validatePatternObject(pattern, "", "eventbridge", true);
}

// ---------------------------------------------------------------- matching (shared with SNS)

/** @internal Matches a pattern object against a value; shared by the SNS filter policy. */
export function matchObject(pattern: PatternObject, value: unknown): boolean {
  for (const [key, condition] of Object.entries(pattern)) {
    if (key === "$or") {
      const alternatives = condition as readonly PatternObject[];
      if (!alternatives.some((alternative) => matchObject(alternative, value))) return false;
      continue;
    }
    const present = isPlainObject(value) && Object.hasOwn(value, key);
    const field = present ? (value as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(condition)) {
      if (!matchLeaf(condition, present, field)) return false;
    } else if (isPlainObject(condition)) {
      if (!matchNested(condition, present, field)) return false;
    } else {
      return false;
    }
  }
  return true;
}

function matchNested(pattern: PatternObject, present: boolean, field: unknown): boolean {
  if (present && Array.isArray(field)) {
    const objects = flatten(field).filter(isPlainObject);
    // An array with no object in it is, for the nested fields, as good as absent.
    if (objects.length === 0) return matchObject(pattern, undefined);
    return objects.some((element) => matchObject(pattern, element));
  }
  return matchObject(pattern, present ? field : undefined);
}

function matchLeaf(conditions: readonly unknown[], present: boolean, field: unknown): boolean {
  const values = present ? leafValues(field) : [];
  return conditions.some((condition) => {
    if (isPlainObject(condition) && "exists" in condition) {
      return condition.exists === true ? values.length > 0 : values.length === 0;
    }
    return values.some((value) => matchValue(condition, value));
  });
}

function leafValues(field: unknown): unknown[] {
  if (Array.isArray(field)) return flatten(field).filter((value) => !isPlainObject(value));
  if (isPlainObject(field)) return [];
  return [field];
}

function flatten(values: readonly unknown[]): unknown[] {
  return values.flatMap((value) => (Array.isArray(value) ? flatten(value) : [value]));
}

function matchValue(condition: unknown, value: unknown): boolean {
  if (!isPlainObject(condition)) return condition === value;
  const [operator, operand] = Object.entries(condition)[0] ?? [];
  switch (operator) {
    case "prefix":
      return matchAffix(operand, value, (v, p) => v.startsWith(p));
    case "suffix":
      return matchAffix(operand, value, (v, s) => v.endsWith(s));
    case "equals-ignore-case":
      return typeof value === "string" && typeof operand === "string" && fold(value) === fold(operand);
    case "wildcard":
      return typeof value === "string" && typeof operand === "string" && wildcardRegExp(operand).test(value);
    case "numeric":
      return typeof value === "number" && matchNumeric(operand as readonly unknown[], value);
    case "cidr":
      return typeof value === "string" && typeof operand === "string" && matchCidr(operand, value);
    case "anything-but":
      return matchAnythingBut(operand, value);
    default:
      return false;
  }
}

function matchAffix(
  operand: unknown,
  value: unknown,
  test: (value: string, affix: string) => boolean,
): boolean {
  if (typeof value !== "string") return false;
  if (typeof operand === "string") return test(value, operand);
  if (isPlainObject(operand) && typeof operand["equals-ignore-case"] === "string") {
    return test(fold(value), fold(operand["equals-ignore-case"]));
  }
  return false;
}

function matchAnythingBut(operand: unknown, value: unknown): boolean {
  if (Array.isArray(operand)) return !operand.some((excluded) => excluded === value);
  if (!isPlainObject(operand)) return operand !== value;
  const [operator, inner] = Object.entries(operand)[0] ?? [];
  // `anything-but` with an operator only excludes strings: a number is never "a string starting with …".
  if (typeof value !== "string") return true;
  const innerValues = Array.isArray(inner) ? inner : [inner];
  return !innerValues.some((innerOperand) => matchValue({ [operator ?? ""]: innerOperand }, value));
}

function matchNumeric(operand: readonly unknown[], value: number): boolean {
  for (let i = 0; i + 1 < operand.length; i += 2) {
    const bound = operand[i + 1] as number;
    switch (operand[i]) {
      case "<":
        if (!(value < bound)) return false;
        break;
      case "<=":
        if (!(value <= bound)) return false;
        break;
      case "=":
        if (value !== bound) return false;
        break;
      case ">":
        if (!(value > bound)) return false;
        break;
      case ">=":
        if (!(value >= bound)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

const wildcardCache = new Map<string, RegExp>();

function wildcardRegExp(wildcard: string): RegExp {
  let regExp = wildcardCache.get(wildcard);
  if (regExp) return regExp;
  let source = "";
  for (let i = 0; i < wildcard.length; i++) {
    const char = wildcard[i]!;
    if (char === "\\" && i + 1 < wildcard.length) {
      source += escapeRegExp(wildcard[++i]!);
    } else if (char === "*") {
      source += "[\\s\\S]*";
    } else {
      source += escapeRegExp(char);
    }
  }
  regExp = new RegExp(`^${source}$`, "u");
  if (wildcardCache.size < 1000) wildcardCache.set(wildcard, regExp);
  return regExp;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}

function matchCidr(cidr: string, address: string): boolean {
  const [network, bitsText] = cidr.split("/");
  const base = parseIpv4(network ?? "");
  const candidate = parseIpv4(address);
  if (base === undefined || candidate === undefined) return false;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (base & mask) >>> 0 === (candidate & mask) >>> 0;
}

function parseIpv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let result = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    result = result * 256 + Number(part);
  }
  return result;
}

function fold(text: string): string {
  return text.toLowerCase();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------- validation (shared with SNS)

/** @internal Validates a pattern object for a dialect; shared by the SNS filter policy. */
export function validatePatternObject(
  pattern: unknown,
  path: string,
  dialect: FilterDialect,
  allowNesting: boolean,
): undefined {
  const fail = (at: string, reason: string): never => {
    throw new InvalidFilterPatternError(at, reason, dialect);
  };
  if (!isPlainObject(pattern)) fail(path, "must be a JSON object");
  const entries = Object.entries(pattern as Record<string, unknown>);
  if (entries.length === 0) fail(path, "empty objects are not allowed");
  for (const [key, value] of entries) {
    const at = path ? `${path}.${key}` : key;
    if (key === "$or") {
      if (!Array.isArray(value) || value.length < 2) fail(at, "$or takes an array of at least two patterns");
      (value as unknown[]).forEach((alternative, index) => {
        validatePatternObject(alternative, `${at}.${index}`, dialect, allowNesting);
      });
    } else if (Array.isArray(value)) {
      validateConditions(value, at, dialect, fail);
    } else if (isPlainObject(value)) {
      if (!allowNesting) fail(at, "nested objects are only allowed when filtering on the message body");
      validatePatternObject(value, at, dialect, allowNesting);
    } else {
      fail(at, "a match value must be inside an array");
    }
  }
}

function validateConditions(
  conditions: readonly unknown[],
  path: string,
  dialect: FilterDialect,
  fail: (path: string, reason: string) => never,
): undefined {
  if (conditions.length === 0) fail(path, "empty arrays are not allowed");
  for (const [index, condition] of conditions.entries()) {
    const at = `${path}.${index}`;
    if (condition === null || ["string", "number", "boolean"].includes(typeof condition)) {
      if (typeof condition === "number") validateNumber(condition, at, dialect, fail);
      continue;
    }
    if (!isPlainObject(condition))
      fail(at, "only strings, numbers, booleans, null and operators are allowed");
    const operatorObject = condition as Record<string, unknown>;
    const keys = Object.keys(operatorObject);
    if (keys.length !== 1) fail(at, "an operator object holds exactly one operator");
    const operator = keys[0]!;
    const allowed = dialect === "eventbridge" ? EVENTBRIDGE_OPERATORS : SNS_OPERATORS;
    if (!allowed.has(operator)) fail(at, `unrecognized match type ${operator}`);
    validateOperator(operator, operatorObject[operator], `${at}.${operator}`, dialect, fail);
  }
}

function validateOperator(
  operator: string,
  operand: unknown,
  at: string,
  dialect: FilterDialect,
  fail: (path: string, reason: string) => never,
): undefined {
  switch (operator) {
    case "prefix":
    case "suffix":
      if (typeof operand === "string") return;
      if (
        isPlainObject(operand) &&
        Object.keys(operand).length === 1 &&
        typeof operand["equals-ignore-case"] === "string"
      ) {
        return;
      }
      return fail(at, `${operator} takes a string or {"equals-ignore-case": string}`);
    case "equals-ignore-case":
      if (typeof operand !== "string") fail(at, "equals-ignore-case takes a string");
      return;
    case "exists":
      if (typeof operand !== "boolean") fail(at, "exists takes true or false");
      return;
    case "wildcard":
      if (typeof operand !== "string") return fail(at, "wildcard takes a string");
      return validateWildcard(operand, at, fail);
    case "cidr":
      if (typeof operand !== "string" || !/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(operand)) {
        return fail(at, "cidr takes an IPv4 CIDR block such as 10.0.0.0/24");
      }
      if (Number(operand.split("/")[1]) > 32 || parseIpv4(operand.split("/")[0]!) === undefined) {
        return fail(at, "malformed CIDR block");
      }
      return;
    case "numeric":
      return validateNumeric(operand, at, dialect, fail);
    case "anything-but":
      return validateAnythingBut(operand, at, dialect, fail);
  }
}

function validateAnythingBut(
  operand: unknown,
  at: string,
  dialect: FilterDialect,
  fail: (path: string, reason: string) => never,
): undefined {
  if (typeof operand === "string") return;
  if (typeof operand === "number") return validateNumber(operand, at, dialect, fail);
  if (Array.isArray(operand)) {
    if (operand.length === 0) return fail(at, "empty arrays are not allowed");
    const allStrings = operand.every((value) => typeof value === "string");
    const allNumbers = operand.every((value) => typeof value === "number");
    if (!allStrings && !allNumbers) return fail(at, "anything-but lists hold only strings or only numbers");
    return;
  }
  if (!isPlainObject(operand)) return fail(at, "anything-but takes a value, a list or an operator object");
  const keys = Object.keys(operand);
  const inner = keys[0];
  const allowedInner =
    dialect === "eventbridge" ? ["prefix", "suffix", "equals-ignore-case", "wildcard"] : ["prefix", "suffix"];
  if (keys.length !== 1 || inner === undefined || !allowedInner.includes(inner)) {
    return fail(at, `anything-but accepts only ${allowedInner.join(", ")} as operator`);
  }
  const value = operand[inner];
  const listAllowed = inner === "equals-ignore-case" || inner === "wildcard";
  const values = listAllowed && Array.isArray(value) ? value : [value];
  if (values.length === 0) return fail(`${at}.${inner}`, "empty arrays are not allowed");
  for (const item of values) {
    if (typeof item !== "string")
      return fail(`${at}.${inner}`, `${inner} inside anything-but takes a string`);
    if ((inner === "prefix" || inner === "suffix") && item === "") {
      return fail(`${at}.${inner}`, `empty ${inner} is not allowed inside anything-but`);
    }
    if (inner === "wildcard") validateWildcard(item, `${at}.${inner}`, fail);
  }
}

function validateWildcard(
  wildcard: string,
  at: string,
  fail: (path: string, reason: string) => never,
): undefined {
  for (let i = 0; i < wildcard.length; i++) {
    const char = wildcard[i];
    if (char === "\\") {
      const next = wildcard[i + 1];
      if (next !== "*" && next !== "\\") return fail(at, `invalid escape at position ${i}`);
      i++;
    } else if (char === "*" && wildcard[i + 1] === "*") {
      return fail(at, `consecutive wildcard characters at position ${i}`);
    }
  }
}

function validateNumeric(
  operand: unknown,
  at: string,
  dialect: FilterDialect,
  fail: (path: string, reason: string) => never,
): undefined {
  if (!Array.isArray(operand) || operand.length === 0 || operand.length % 2 !== 0 || operand.length > 4) {
    return fail(at, "numeric takes [op, number] or [lower-op, number, upper-op, number]");
  }
  let lower: number | undefined;
  let upper: number | undefined;
  let equals = false;
  for (let i = 0; i < operand.length; i += 2) {
    const op = operand[i];
    const bound = operand[i + 1];
    if (typeof bound !== "number") return fail(at, `numeric bound ${String(bound)} is not a number`);
    validateNumber(bound, at, dialect, fail);
    if (op === "=") {
      if (operand.length !== 2) return fail(at, "= cannot be combined with another comparison");
      equals = true;
    } else if (op === ">" || op === ">=") {
      if (lower !== undefined) return fail(at, "at most one lower bound");
      lower = bound;
    } else if (op === "<" || op === "<=") {
      if (upper !== undefined) return fail(at, "at most one upper bound");
      upper = bound;
    } else {
      return fail(at, `unrecognized numeric operator ${String(op)}`);
    }
  }
  if (!equals && lower !== undefined && upper !== undefined && !(lower < upper)) {
    return fail(at, "the lower bound must be less than the upper bound");
  }
}

function validateNumber(
  value: number,
  at: string,
  dialect: FilterDialect,
  fail: (path: string, reason: string) => never,
): undefined {
  const limit = NUMERIC_LIMIT[dialect];
  if (!Number.isFinite(value) || value < -limit || value > limit) {
    fail(at, `numbers must lie between -${limit} and ${limit}`);
  }
}
