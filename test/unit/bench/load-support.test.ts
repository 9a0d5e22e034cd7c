import { describe, expect, it } from "vitest";
import {
  distribution,
  isLoopbackHost,
  LoadUsageError,
  parseLoadArgs,
  percentile,
  SCENARIOS,
} from "../../../bench/load-support.js";

describe("percentile (nearest rank)", () => {
  it("is the smallest value with at least p % of them at or below it", () => {
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
  });

  it("takes the largest of few values for p99 rather than interpolating", () => {
    expect(percentile([3, 7, 40], 99)).toBe(40);
    expect(percentile([3, 7, 40], 50)).toBe(7);
    expect(percentile([5], 50)).toBe(5);
  });

  it("is undefined for no values", () => {
    expect(percentile([], 50)).toBeUndefined();
    expect(distribution([])).toEqual({ count: 0, p50: undefined, p99: undefined, max: undefined });
  });

  it("sorts what it is given without changing it", () => {
    const values = [9, 1, 5];
    expect(distribution(values)).toEqual({ count: 3, p50: 5, p99: 9, max: 9 });
    expect(values).toEqual([9, 1, 5]);
  });
});

describe("parseLoadArgs", () => {
  it("defaults to every scenario against a local runner, 10 s and 10 connections", () => {
    const options = parseLoadArgs([]);
    expect(options).toMatchObject({
      duration: 10,
      connections: 10,
      url: undefined,
      token: undefined,
      scenarios: SCENARIOS,
      logLevel: "info",
      backlog: 10_000,
      high: 200,
      spacing: 20,
      help: false,
    });
  });

  it("reads values given as separate words or with =", () => {
    const options = parseLoadArgs([
      "--duration",
      "3",
      "--connections=20",
      "--token",
      "abc=",
      "--log-level=warn",
    ]);
    expect(options).toMatchObject({ duration: 3, connections: 20, token: "abc=", logLevel: "warn" });
  });

  it("takes the token from ORDERFLOW_TOKEN when not given", () => {
    expect(parseLoadArgs([], { ORDERFLOW_TOKEN: "t" }).token).toBe("t");
    expect(parseLoadArgs(["--token", "u"], { ORDERFLOW_TOKEN: "t" }).token).toBe("u");
  });

  it("runs the scenarios named, in their documented order", () => {
    expect(parseLoadArgs(["--scenarios", "read-orders, place-orders"]).scenarios).toEqual([
      "place-orders",
      "read-orders",
    ]);
    expect(() => parseLoadArgs(["--scenarios", "place-orders,nope"])).toThrow(/unknown scenario "nope"/);
    expect(() => parseLoadArgs(["--scenarios", ","])).toThrow(LoadUsageError);
  });

  it("leaves the latency section out for a URL, and refuses it when asked for", () => {
    const options = parseLoadArgs(["--url", "https://api.example.com/prod/"]);
    expect(options.url).toBe("https://api.example.com/prod");
    expect(options.scenarios).not.toContain("notification-latency");
    expect(() =>
      parseLoadArgs(["--url", "https://api.example.com", "--scenarios", "notification-latency"]),
    ).toThrow(/local runner/);
  });

  it("refuses plain http:// to another machine unless allowed, and anything not http(s)", () => {
    expect(() => parseLoadArgs(["--url", "http://api.example.com"])).toThrow(/--allow-insecure-http/);
    expect(parseLoadArgs(["--url", "http://api.example.com", "--allow-insecure-http"]).url).toBe(
      "http://api.example.com",
    );
    expect(parseLoadArgs(["--url", "http://127.0.0.1:3000"]).url).toBe("http://127.0.0.1:3000");
    expect(parseLoadArgs(["--url", "http://[::1]:3000"]).url).toBe("http://[::1]:3000");
    expect(() => parseLoadArgs(["--url", "ftp://127.0.0.1"])).toThrow(/http/);
    expect(() => parseLoadArgs(["--url", "not a url"])).toThrow(/not a URL/);
  });

  it("refuses unknown options, missing values and numbers out of range", () => {
    expect(() => parseLoadArgs(["--durations", "3"])).toThrow(/unknown option/);
    expect(() => parseLoadArgs(["--duration"])).toThrow(/needs a value/);
    expect(() => parseLoadArgs(["--duration", "0"])).toThrow(/from 1 to 3600/);
    expect(() => parseLoadArgs(["--connections", "ten"])).toThrow(/number/);
    expect(() => parseLoadArgs(["--log-level", "loud"])).toThrow(/--log-level/);
  });

  it("knows --help and -h", () => {
    expect(parseLoadArgs(["--help"]).help).toBe(true);
    expect(parseLoadArgs(["-h"]).help).toBe(true);
  });
});

describe("isLoopbackHost", () => {
  it("is true for this machine only", () => {
    for (const host of ["localhost", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "api.localhost"]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ["10.0.0.1", "example.com", "127.0.0.1.example.com", "0.0.0.0", "::"]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
