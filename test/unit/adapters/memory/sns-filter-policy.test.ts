import { describe, expect, it } from "vitest";
import { InvalidFilterPatternError } from "../../../../src/adapters/memory/event-pattern.js";
import {
  type FilterableMessage,
  type FilterPolicy,
  matchesFilterPolicy,
  validateFilterPolicy,
} from "../../../../src/adapters/memory/sns-filter-policy.js";

// After the examples of "Amazon SNS message filtering" (an insurance-quote message).
const message: FilterableMessage = {
  attributes: {
    customer_interests: ["rugby", "football", "baseball"],
    store: "example_corp",
    event: "order_placed",
    price_usd: 210.75,
    source_ip: "10.0.0.1",
  },
};

const cases: [string, FilterPolicy, boolean][] = [
  ["exact string", { store: ["example_corp"] }, true],
  ["keys are ANDed", { store: ["example_corp"], event: ["order_cancelled"] }, false],
  ["values are ORed", { event: ["order_cancelled", "order_placed"] }, true],
  ["a String.Array element", { customer_interests: ["rugby"] }, true],
  ["no String.Array element", { customer_interests: ["tennis"] }, false],
  ["a missing attribute fails", { color: ["red"] }, false],
  ["a missing attribute fails anything-but", { color: [{ "anything-but": "red" }] }, false],
  ["exists false on a missing attribute", { color: [{ exists: false }] }, true],
  ["exists true", { store: [{ exists: true }] }, true],
  ["exact number", { price_usd: [210.75] }, true],
  ["a number never matches a string", { store: [210.75] }, false],
  ["a string never matches a number", { price_usd: ["210.75"] }, false],
  ["numeric range", { price_usd: [{ numeric: [">=", 100, "<", 300] }] }, true],
  ["numeric below", { price_usd: [{ numeric: ["<", 100] }] }, false],
  ["prefix", { event: [{ prefix: "order_" }] }, true],
  ["suffix", { event: [{ suffix: "_placed" }] }, true],
  ["equals-ignore-case", { store: [{ "equals-ignore-case": "EXAMPLE_CORP" }] }, true],
  ["anything-but", { store: [{ "anything-but": ["example_corp", "other"] }] }, false],
  ["anything-but a number", { price_usd: [{ "anything-but": 100 }] }, true],
  ["anything-but prefix", { event: [{ "anything-but": { prefix: "order_" } }] }, false],
  ["cidr", { source_ip: [{ cidr: "10.0.0.0/24" }] }, true],
  [
    "$or",
    { store: ["example_corp"], $or: [{ event: ["x"] }, { price_usd: [{ numeric: [">", 200] }] }] },
    true,
  ],
  ["$or without a matching branch", { $or: [{ event: ["x"] }, { store: ["y"] }] }, false],
];

describe("matchesFilterPolicy on message attributes", () => {
  it.each(cases)("%s", (_name, policy, expected) => {
    validateFilterPolicy(policy);
    expect(matchesFilterPolicy(policy, message)).toBe(expected);
  });
});

describe("matchesFilterPolicy on the message body", () => {
  const body = JSON.stringify({
    order: { status: "REJECTED", total: 1250, lines: [{ sku: "A" }, { sku: "B" }] },
  });

  it.each([
    ["a nested value", { order: { status: ["REJECTED"] } }, true],
    ["a nested number range", { order: { total: [{ numeric: [">", 1000] }] } }, true],
    ["an element of an array of objects", { order: { lines: { sku: ["B"] } } }, true],
    ["a wrong nested value", { order: { status: ["PAID"] } }, false],
  ] as [string, FilterPolicy, boolean][])("%s", (_name, policy, expected) => {
    validateFilterPolicy(policy, "MessageBody");
    expect(matchesFilterPolicy(policy, { attributes: {}, body }, "MessageBody")).toBe(expected);
  });

  it("does not match a body that is not JSON", () => {
    expect(
      matchesFilterPolicy({ a: [{ exists: false }] }, { attributes: {}, body: "plain text" }, "MessageBody"),
    ).toBe(false);
  });
});

describe("validateFilterPolicy", () => {
  it.each([
    ["an empty policy", {}, "MessageAttributes"],
    ["nesting in the attributes scope", { order: { status: ["x"] } }, "MessageAttributes"],
    ["wildcard (EventBridge only)", { a: [{ wildcard: "x*" }] }, "MessageAttributes"],
    [
      "more than five keys",
      { a: ["1"], b: ["1"], c: ["1"], d: ["1"], e: ["1"], f: ["1"] },
      "MessageAttributes",
    ],
    [
      "more than 150 combinations",
      {
        a: Array.from({ length: 10 }, (_, i) => `a${i}`),
        b: Array.from({ length: 16 }, (_, i) => `b${i}`),
      },
      "MessageAttributes",
    ],
    ["numbers beyond one billion", { n: [{ numeric: [">", 2e9] }] }, "MessageAttributes"],
    ["an empty array", { a: [] }, "MessageBody"],
  ] as [string, unknown, "MessageAttributes" | "MessageBody"][])("refuses %s", (_name, policy, scope) => {
    expect(() => validateFilterPolicy(policy, scope)).toThrow(InvalidFilterPatternError);
  });

  it("accepts nesting in the body scope and exactly 150 combinations", () => {
    expect(() => validateFilterPolicy({ order: { status: ["A", "B"] } }, "MessageBody")).not.toThrow();
    const policy = {
      a: Array.from({ length: 10 }, (_, i) => `a${i}`),
      b: Array.from({ length: 15 }, (_, i) => `b${i}`),
    };
    expect(() => validateFilterPolicy(policy)).not.toThrow();
  });
});
