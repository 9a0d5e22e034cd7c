import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EventPattern } from "../../../../src/adapters/memory/event-pattern.js";
import {
  compileEventPattern,
  InvalidFilterPatternError,
  matchesEventPattern,
  validateEventPattern,
} from "../../../../src/adapters/memory/event-pattern.js";
import { EVENT_ROUTES, EVENT_SOURCE } from "../../../../src/ports/routing.js";

// Events and patterns after the examples of the EventBridge user guide ("Event patterns",
// "Comparison operators for use in event patterns").
const ec2Event = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: { "instance-id": "i-1234567890abcdef0", state: "terminated" },
};

const sampleEvent = {
  source: "com.example",
  detail: {
    state: "running",
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "source-ip": "10.0.0.123",
    location: "New York",
    FileName: "photo.png",
    FilePath: "/usr/lib/node",
    "Image-name": "Ubuntu 22.04",
    enabled: true,
    missing: null,
    empty: "",
    tags: ["red", "green"],
    items: [
      { sku: "A", quantity: 1 },
      { sku: "B", quantity: 7 },
    ],
  },
};

const cases: [string, EventPattern, unknown, boolean][] = [
  ["the EC2 termination example", { source: ["aws.ec2"], detail: { state: ["terminated"] } }, ec2Event, true],
  ["any value of the list", { source: ["aws.fargate", "aws.ec2"] }, ec2Event, true],
  ["a wrong value", { detail: { state: ["pending"] } }, ec2Event, false],
  ["a field the event lacks", { detail: { cpu: ["high"] } }, ec2Event, false],
  ["an event array intersecting the pattern", { resources: ["x", ec2Event.resources[0]] }, ec2Event, true],
  ["case-sensitive exact string", { source: ["AWS.EC2"] }, ec2Event, false],
  ["exact number", { detail: { "c-count": [5] } }, sampleEvent, true],
  ["a number never equals its string", { detail: { "c-count": ["5"] } }, sampleEvent, false],
  ["boolean", { detail: { enabled: [true] } }, sampleEvent, true],
  ["null", { detail: { missing: [null] } }, sampleEvent, true],
  ["null does not match an absent field", { detail: { absent: [null] } }, sampleEvent, false],
  ["empty string", { detail: { empty: [""] } }, sampleEvent, true],
  ["prefix", { detail: { location: [{ prefix: "New" }] } }, sampleEvent, true],
  ["prefix is case-sensitive", { detail: { location: [{ prefix: "new" }] } }, sampleEvent, false],
  [
    "prefix ignoring case",
    { detail: { location: [{ prefix: { "equals-ignore-case": "NEW" } }] } },
    sampleEvent,
    true,
  ],
  ["prefix never matches a number", { detail: { "c-count": [{ prefix: "5" }] } }, sampleEvent, false],
  ["suffix", { detail: { FileName: [{ suffix: ".png" }] } }, sampleEvent, true],
  [
    "suffix ignoring case",
    { detail: { FileName: [{ suffix: { "equals-ignore-case": ".PNG" } }] } },
    sampleEvent,
    true,
  ],
  ["equals-ignore-case", { detail: { state: [{ "equals-ignore-case": "RUNNING" }] } }, sampleEvent, true],
  ["anything-but a value", { detail: { state: [{ "anything-but": "initializing" }] } }, sampleEvent, true],
  ["anything-but the value", { detail: { state: [{ "anything-but": "running" }] } }, sampleEvent, false],
  [
    "anything-but a list",
    { detail: { state: [{ "anything-but": ["stopped", "running"] }] } },
    sampleEvent,
    false,
  ],
  ["anything-but numbers", { detail: { "c-count": [{ "anything-but": [1, 2] }] } }, sampleEvent, true],
  [
    "anything-but prefix",
    { detail: { location: [{ "anything-but": { prefix: "New" } }] } },
    sampleEvent,
    false,
  ],
  [
    "anything-but suffix",
    { detail: { FileName: [{ "anything-but": { suffix: ".jpg" } }] } },
    sampleEvent,
    true,
  ],
  [
    "anything-but ignoring case",
    { detail: { state: [{ "anything-but": { "equals-ignore-case": ["RUNNING", "x"] } }] } },
    sampleEvent,
    false,
  ],
  [
    "anything-but wildcard",
    { detail: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] } },
    sampleEvent,
    false,
  ],
  ["anything-but needs the field", { detail: { absent: [{ "anything-but": "x" }] } }, sampleEvent, false],
  ["exists true", { detail: { state: [{ exists: true }] } }, sampleEvent, true],
  ["exists true on null", { detail: { missing: [{ exists: true }] } }, sampleEvent, true],
  ["exists true on an absent field", { detail: { absent: [{ exists: true }] } }, sampleEvent, false],
  ["exists false on an absent field", { detail: { absent: [{ exists: false }] } }, sampleEvent, true],
  ["exists false on a present field", { detail: { state: [{ exists: false }] } }, sampleEvent, false],
  ["exists only looks at leaves", { detail: [{ exists: true }] }, sampleEvent, false],
  ["exists false under an absent parent", { nothing: { here: [{ exists: false }] } }, sampleEvent, true],
  ["numeric range", { detail: { "c-count": [{ numeric: [">", 0, "<=", 5] }] } }, sampleEvent, true],
  ["numeric range excluded", { detail: { "c-count": [{ numeric: [">", 5] }] } }, sampleEvent, false],
  ["numeric equals", { detail: { "x-limit": [{ numeric: ["=", 301.8] }] } }, sampleEvent, true],
  ["numeric lower bound only", { detail: { "d-count": [{ numeric: ["<", 10] }] } }, sampleEvent, true],
  ["numeric >= bound", { detail: { "d-count": [{ numeric: [">=", 3, "<", 4] }] } }, sampleEvent, true],
  ["numeric never matches a string", { detail: { state: [{ numeric: [">", 0] }] } }, sampleEvent, false],
  ["wildcard", { detail: { FilePath: [{ wildcard: "/usr/*/node" }] } }, sampleEvent, true],
  ["wildcard anchored at both ends", { detail: { FilePath: [{ wildcard: "usr/*" }] } }, sampleEvent, false],
  [
    "wildcard with regexp characters",
    { detail: { "Image-name": [{ wildcard: "Ubuntu 2?.*" }] } },
    sampleEvent,
    false,
  ],
  ["wildcard with a dot", { detail: { "Image-name": [{ wildcard: "Ubuntu *.04" }] } }, sampleEvent, true],
  ["wildcard with an escaped star", { detail: { FileName: [{ wildcard: "photo\\*" }] } }, sampleEvent, false],
  ["cidr", { detail: { "source-ip": [{ cidr: "10.0.0.0/24" }] } }, sampleEvent, true],
  ["cidr outside", { detail: { "source-ip": [{ cidr: "10.0.1.0/24" }] } }, sampleEvent, false],
  ["an element of an event array", { detail: { tags: ["green"] } }, sampleEvent, true],
  ["prefix on an event array", { detail: { tags: [{ prefix: "bl" }] } }, sampleEvent, false],
  [
    "array of objects",
    { detail: { items: { sku: ["B"], quantity: [{ numeric: [">", 5] }] } } },
    sampleEvent,
    true,
  ],
  [
    "array of objects is element-consistent",
    { detail: { items: { sku: ["A"], quantity: [{ numeric: [">", 5] }] } } },
    sampleEvent,
    false,
  ],
  [
    "$or",
    { detail: { $or: [{ "c-count": [{ numeric: [">", 10] }] }, { "d-count": [{ numeric: ["<", 5] }] }] } },
    sampleEvent,
    true,
  ],
  [
    "$or where no branch matches",
    { detail: { $or: [{ "c-count": [{ numeric: [">", 10] }] }, { state: ["stopped"] }] } },
    sampleEvent,
    false,
  ],
  [
    "$or is ANDed with its siblings",
    { source: ["other"], $or: [{ detail: { state: ["running"] } }, { detail: { location: ["x"] } }] },
    sampleEvent,
    false,
  ],
  [
    "several conditions in one array",
    { detail: { state: [{ prefix: "stop" }, "running"] } },
    sampleEvent,
    true,
  ],
  ["a pattern against a non-object", { detail: { state: ["x"] } }, "not an event", false],
];

describe("matchesEventPattern", () => {
  it.each(cases)("%s", (_name, pattern, event, expected) => {
    validateEventPattern(pattern);
    expect(matchesEventPattern(pattern, event)).toBe(expected);
  });

  it("routes orderflow envelopes by detail-type with the shipped rules", () => {
    const envelope = { source: "orderflow", "detail-type": "OrderValidated", detail: { orderId: "o-1" } };
    expect(matchesEventPattern(routePattern(EVENT_ROUTES.processing), envelope)).toBe(true);
    expect(matchesEventPattern(routePattern(EVENT_ROUTES.cancel), envelope)).toBe(false);
    for (const pattern of Object.values(EVENT_ROUTES).map(routePattern))
      expect(() => validateEventPattern(pattern)).not.toThrow();
  });
});

describe("validateEventPattern", () => {
  const invalid: [string, unknown][] = [
    ["an empty pattern", {}],
    ["a pattern that is not an object", ["aws.ec2"]],
    ["a bare value", { source: "aws.ec2" }],
    ["an empty array", { source: [] }],
    ["an empty nested object", { detail: {} }],
    ["an unknown operator", { source: [{ contains: "ec2" }] }],
    ["two operators in one object", { source: [{ prefix: "a", suffix: "b" }] }],
    ["a nested array", { source: [["a"]] }],
    ["prefix of a number", { source: [{ prefix: 1 }] }],
    ["exists of a string", { source: [{ exists: "true" }] }],
    ["numeric with an unknown operator", { n: [{ numeric: ["!=", 1] }] }],
    ["numeric with an odd length", { n: [{ numeric: [">", 1, "<"] }] }],
    ["numeric with two lower bounds", { n: [{ numeric: [">", 1, ">=", 2] }] }],
    ["numeric with an empty range", { n: [{ numeric: [">", 5, "<", 1] }] }],
    ["numeric = combined", { n: [{ numeric: ["=", 5, "<", 10] }] }],
    ["numeric with a string bound", { n: [{ numeric: [">", "1"] }] }],
    ["numeric out of range", { n: [{ numeric: [">", 1e10] }] }],
    ["consecutive wildcards", { f: [{ wildcard: "a**b" }] }],
    ["a bad wildcard escape", { f: [{ wildcard: "a\\b" }] }],
    ["anything-but with a mixed list", { f: [{ "anything-but": ["a", 1] }] }],
    ["anything-but with an empty list", { f: [{ "anything-but": [] }] }],
    ["anything-but with an unknown operator", { f: [{ "anything-but": { numeric: [">", 1] } }] }],
    ["anything-but with an empty prefix", { f: [{ "anything-but": { prefix: "" } }] }],
    ["a bad cidr", { ip: [{ cidr: "10.0.0.0/33" }] }],
    ["$or with one branch", { $or: [{ a: ["x"] }] }],
    ["$or with a bad branch", { $or: [{ a: ["x"] }, { b: [] }] }],
  ];

  it.each(invalid)("refuses %s", (_name, pattern) => {
    expect(() => validateEventPattern(pattern)).toThrow(InvalidFilterPatternError);
  });

  it("names the offending path", () => {
    try {
      validateEventPattern({ detail: { amount: [{ numeric: [">", "x"] }] } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidFilterPatternError);
      expect((error as InvalidFilterPatternError).path).toBe("detail.amount.0.numeric");
      expect((error as InvalidFilterPatternError).code).toBe("INVALID_FILTER_PATTERN");
    }
  });
});

describe("compileEventPattern", () => {
  const word = fc.constantFrom("orderflow", "OrderValidated", "OrderPlaced", "other", "");
  const value = fc.oneof(
    word,
    fc.constantFrom(0, 1, true, false, null),
    fc.array(fc.oneof(word, fc.constant(null), fc.array(word, { maxLength: 2 })), { maxLength: 3 }),
    fc.dictionary(word, word, { maxKeys: 2 }),
  );
  const key = fc.constantFrom("source", "detail-type", "toString", "region");
  const event = fc.oneof(
    fc.dictionary(key, value, { maxKeys: 4 }),
    fc.constantFrom(null, "orderflow", 3, [{ source: "orderflow" }]),
  );
  const exactPattern = fc.dictionary(key, fc.array(word, { minLength: 1, maxLength: 3 }), {
    minKeys: 1,
    maxKeys: 3,
  });
  const otherPattern = fc.constantFrom<EventPattern>(
    { source: ["orderflow", 1] },
    { source: [{ prefix: "order" }] },
    { source: [{ exists: false }] },
    { detail: { type: ["OrderPlaced"] } },
    { $or: [{ source: ["orderflow"] }, { region: ["other"] }] },
  );

  it("answers as the general matcher for any event, exact-value pattern or not", () => {
    fc.assert(
      fc.property(fc.oneof(exactPattern, otherPattern), event, (pattern, candidate) => {
        expect(compileEventPattern(pattern)(candidate)).toBe(matchesEventPattern(pattern, candidate));
      }),
      { numRuns: 2000 },
    );
  });

  it("routes orderflow envelopes as the bus rules say", () => {
    const envelope = (type: string) => ({ source: "orderflow", "detail-type": type, detail: { type } });
    const processing = compileEventPattern(routePattern(EVENT_ROUTES.processing));
    expect(processing(envelope("OrderValidated"))).toBe(true);
    expect(processing(envelope("OrderPlaced"))).toBe(false);
    expect(processing({ ...envelope("OrderValidated"), source: "elsewhere" })).toBe(false);
    expect(processing({ source: "orderflow", "detail-type": ["OrderValidated"] })).toBe(true);
  });
});

/** A route as the bus rules of the template express it. */
function routePattern(types: readonly string[]): EventPattern {
  return { source: [EVENT_SOURCE], "detail-type": types };
}
