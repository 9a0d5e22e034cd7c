import { InvalidFilterPatternError, matchObject, validatePatternObject } from "./event-pattern.js";

/**
 * SNS subscription filter policies, as documented in "Amazon SNS message
 * filtering": keys are ANDed, the values of one array ORed; exact strings and
 * numbers, `prefix`, `suffix`, `equals-ignore-case`, `anything-but` (value,
 * list, `prefix`, `suffix`), `numeric` ranges, `exists`, `cidr` and `$or`.
 * A key the message lacks fails unless its condition is `{"exists": false}`.
 * String attributes only match strings and Number attributes only numbers
 * (`"42"` never matches `[42]`); a String.Array matches if any element does.
 */
export type FilterPolicy = { readonly [key: string]: FilterPolicy | readonly unknown[] };

/** Where a subscription's filter policy looks: the message attributes (default) or the JSON body. */
export type FilterPolicyScope = "MessageAttributes" | "MessageBody";

/** Message attribute values: `String`, `Number` and `String.Array` data types. */
export type SnsAttributeValue = string | number | readonly string[];

export interface FilterableMessage {
  readonly attributes: Readonly<Record<string, SnsAttributeValue>>;
  /** The message body; with the `MessageBody` scope it is parsed as JSON when it is a string. */
  readonly body?: unknown;
}

/** SNS limits on filter policies ("Filter policy constraints"). */
export const SNS_FILTER_POLICY_LIMITS = { maxKeys: 5, maxCombinations: 150 } as const;

/** Tells whether a message passes a subscription filter policy. The policy is assumed valid. */
export function matchesFilterPolicy(
  policy: FilterPolicy,
  message: FilterableMessage,
  scope: FilterPolicyScope = "MessageAttributes",
): boolean {
  if (scope === "MessageAttributes") return matchObject(policy, message.attributes);
  let body = message.body;
  if (typeof body === "string") {
    try {
      body = JSON.parse(body);
    } catch {
      // SNS does not match body policies against a body that is not JSON.
      return false;
    }
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  return matchObject(policy, body);
}

/**
 * Throws {@link InvalidFilterPatternError} for a policy SNS would refuse: bad
 * syntax, unknown operators (SNS has no `wildcard`), nesting in the attributes
 * scope, more than five keys, or more than 150 value combinations.
 */
export function validateFilterPolicy(
  policy: unknown,
  scope: FilterPolicyScope = "MessageAttributes",
): asserts policy is FilterPolicy {
  validatePatternObject(policy, "", "sns", scope === "MessageBody");
  const typed = policy as FilterPolicy;
  const keys = countKeys(typed);
  if (keys > SNS_FILTER_POLICY_LIMITS.maxKeys) {
    throw new InvalidFilterPatternError("", `a filter policy can have at most 5 keys (found ${keys})`, "sns");
  }
  const combinations = countCombinations(typed);
  if (combinations > SNS_FILTER_POLICY_LIMITS.maxCombinations) {
    throw new InvalidFilterPatternError(
      "",
      `the total combination of values must not exceed 150 (found ${combinations})`,
      "sns",
    );
  }
}

/** Leaf keys of the largest `$or` branch: SNS counts keys per expanded policy. */
function countKeys(policy: FilterPolicy): number {
  let own = 0;
  let orMax = 0;
  for (const [key, value] of Object.entries(policy)) {
    if (key === "$or") {
      orMax = Math.max(...(value as unknown as FilterPolicy[]).map(countKeys));
    } else if (Array.isArray(value)) {
      own += 1;
    } else {
      own += countKeys(value as FilterPolicy);
    }
  }
  return own + orMax;
}

/** Product of the array sizes; `$or` branches add up. */
function countCombinations(policy: FilterPolicy): number {
  let product = 1;
  for (const [key, value] of Object.entries(policy)) {
    if (key === "$or") {
      product *= (value as unknown as FilterPolicy[]).reduce(
        (sum, branch) => sum + countCombinations(branch),
        0,
      );
    } else if (Array.isArray(value)) {
      product *= value.length;
    } else {
      product *= countCombinations(value as FilterPolicy);
    }
  }
  return product;
}
