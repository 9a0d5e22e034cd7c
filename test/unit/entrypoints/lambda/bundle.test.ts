import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadedAtStart, staticImports } from "../../../../bench/loaded-at-start.js";
import { buildLambdaBundles, lambdaBuildOptions } from "../../../../tsup.lambda.config.js";
import { type AwsStandIn, startAwsStandIn } from "../../../support/aws-stand-in.js";
import { fixture } from "./lambda-test-kit.js";

let outDir: string;
let aws: AwsStandIn;

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), "orderflow-lambda-bundle-"));
  aws = await startAwsStandIn({ orders: "orders", products: "products" });
  await buildLambdaBundles(lambdaBuildOptions({ outDir, handlers: ["validate-order", "deliver-notification"] }));
}, 60_000);

afterAll(async () => {
  await aws.stop();
  rmSync(outDir, { recursive: true, force: true });
});

/** The handler's environment on AWS, every service on the loopback stand-in. */
const awsEnv = () => ({
  AWS_REGION: "us-east-1",
  AWS_ACCESS_KEY_ID: "fake",
  AWS_SECRET_ACCESS_KEY: "fake",
  AWS_ENDPOINT_URL: aws.endpoint,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  ORDERS_TABLE: "orders",
  PRODUCTS_TABLE: "products",
  EVENT_BUS_NAME: "orderflow",
  ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:orderflow-alerts",
});

/** Loads the bundle in a fresh `node` as the Lambda runtime would (`index.handler`), invokes it once with `event`. */
async function invokeBundle(event: unknown, env: Record<string, string>) {
  const bundle = pathToFileURL(join(outDir, "validate-order", "index.mjs")).href;
  const script =
    `const { handler } = await import(${JSON.stringify(bundle)});` +
    `const result = await handler(JSON.parse(process.env.EVENT), { awsRequestId: "req-bundle", functionName: "validate-order" });` +
    `process.stderr.write("RESULT " + JSON.stringify(result) + "\\n");`;
  // Only what the runtime would set: the bundle must need nothing from node_modules. Not spawnSync: the
  // stand-in answers from this process.
  const result = await new Promise<{ status: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      ["--input-type=module", "-e", script],
      {
        cwd: tmpdir(),
        env: { PATH: process.env.PATH, EVENT: JSON.stringify(event), ...env },
        encoding: "utf8",
      },
      (error, stdout, stderr) => done({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
  const answer = /^RESULT (.*)$/m.exec(result.stderr)?.[1];
  return {
    status: result.status,
    stderr: result.stderr,
    result: answer ? (JSON.parse(answer) as { batchItemFailures: unknown[] }) : undefined,
    logs: result.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** The files of a handler's directory, by name. */
const bundleFiles = (handler = "validate-order") =>
  new Map(
    readdirSync(join(outDir, handler)).map((name) => [
      name,
      readFileSync(join(outDir, handler, name), "utf8"),
    ]),
  );

/** What a module loads on demand: `import("x")`. */
const dynamicImports = (code: string) =>
  [...code.matchAll(/\bimport\(["']([^"']+)["']\)/g)].map((match) => match[1]!);

/** The names of the files of `handler`'s directory that its cold start reads. */
const namesAtStart = (handler: string) =>
  new Set([...loadedAtStart(join(outDir, handler, "index.mjs")).files].map((file) => basename(file)));

describe("the validate-order bundle, loaded as the Lambda runtime loads it", () => {
  it("is a directory of ES modules that import only each other and Node built-ins", () => {
    const files = bundleFiles();
    for (const [name, code] of files) {
      expect(name).toMatch(/\.mjs$/);
      for (const specifier of [...staticImports(code), ...dynamicImports(code)])
        if (!isBuiltin(specifier))
          expect(files.has(specifier.replace(/^\.\//, "")), `${name} imports ${specifier}`).toBe(true);
    }
    expect(statSync(join(outDir, "validate-order", "index.mjs")).size).toBeGreaterThan(100_000);
  });

  it("holds its SDK clients tree-shaken to the commands its adapters send, and no client it does not use", () => {
    const code = [...bundleFiles().values()].join("\n");
    // Its own commands are there...
    for (const operation of ["BatchGetItem", "PutEvents", "PublishBatch"]) expect(code).toContain(operation);
    // ...but not the rest of each client (loaded lazily, a bundle would keep every command, waiter and paginator).
    for (const operation of ["DescribeKinesisStreamingDestination", "ListArchives", "CreatePlatformEndpoint"])
      expect(code).not.toContain(operation);
    // Nor the services it does not name.
    for (const operation of ["SendMessageBatch", "HeadObject"]) expect(code).not.toContain(operation);
  });

  it.each([
    ["validate-order", "the alerts'", ["BatchGetItem", "PutEvents"]],
    ["deliver-notification", "the alerts' and the e-mail channel's", ["UpdateItem"]],
  ])(
    "%s reads %s SNS client only when it publishes there: SNS lies in chunks its cold start does not load",
    (handler, _, used) => {
      const files = bundleFiles(handler);
      const atStart = namesAtStart(handler);
      const withSns = [...files.keys()].filter((name) => /PublishBatch|"Publish"/.test(files.get(name)!));
      expect(withSns).not.toEqual([]);
      for (const name of withSns) expect(atStart.has(name), name).toBe(false);
      // The clients of what every invocation does are loaded at start.
      const startCode = [...atStart].map((name) => files.get(name)).join("\n");
      for (const operation of used) expect(startCode).toContain(operation);
    },
  );

  it("holds no in-memory adapter: on AWS, only AWS adapters are bundled", () => {
    const code = [...bundleFiles().values()].join("\n");
    for (const name of ["InMemoryOrderRepository", "InMemoryTopic", "orderflow-intake.fifo"])
      expect(code).not.toContain(name);
  });

  it("handles a documented FIFO event on its AWS adapters, logging JSON with the request and order ids", async () => {
    // The table holds no orders: the command names one not recorded, so its record fails, to be retried.
    const run = await invokeBundle(fixture("intake-fifo-event"), awsEnv());

    expect(run.status, run.stderr).toBe(0);
    expect(run.result).toEqual({
      batchItemFailures: [{ itemIdentifier: "11d6ee51-4cc7-4302-9e22-7cd8afdaadf5" }],
    });
    expect(run.logs.find((line) => line.message === "record failed; it will be retried")).toMatchObject({
      level: "error",
      requestId: "req-bundle",
      flow: "validate-order",
      error: expect.objectContaining({ code: "ORDER_NOT_FOUND" }),
    });
  });

  it("acknowledges a foreign message without failing it", async () => {
    aws.calls.length = 0;
    const run = await invokeBundle(fixture("standard-queue-event"), awsEnv());
    expect(run.status, run.stderr).toBe(0);
    expect(run.result).toEqual({ batchItemFailures: [] });
    // Each rejection is told to the operators on the alert topic.
    expect(aws.calls.filter((call) => call.startsWith("SNS."))).not.toHaveLength(0);
    expect(run.logs.filter((line) => line.message === "malformed message rejected")).toHaveLength(2);
  });

  it("refuses ORDERFLOW_ADAPTERS=memory, whose adapters it does not carry, saying so", async () => {
    const run = await invokeBundle(fixture("intake-fifo-event"), { ORDERFLOW_ADAPTERS: "memory" });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("ORDERFLOW_ADAPTERS is memory, but no adapters were given");
  });

  it("fails the invocation with an error naming every missing variable when its environment is incomplete", async () => {
    const run = await invokeBundle(fixture("intake-fifo-event"), {
      AWS_REGION: "us-east-1",
      ORDERS_TABLE: "orders",
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain("CONFIG_INVALID");
    for (const variable of ["PRODUCTS_TABLE", "EVENT_BUS_NAME", "ALERT_TOPIC_ARN"])
      expect(run.stderr).toContain(variable);
  });
});
