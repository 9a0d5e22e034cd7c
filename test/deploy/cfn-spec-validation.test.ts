// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders, not JavaScript templates
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { ids } from "../../scripts/cloudformation/build-template.js";
import type { CfnTemplate } from "../../scripts/cloudformation/cfn-yaml.js";
import {
  loadResourceSpec,
  packagedView,
  validateTemplate,
} from "../../scripts/cloudformation/validate-template.js";
import { TEMPLATE_PATH } from "../../scripts/generate-template.js";
import { type LooseResources, loadCommittedTemplate } from "./committed-template.js";

// Loading the specification takes about a second: once per file.
const spec = loadResourceSpec();
const committed = loadCommittedTemplate();

/** A packaged copy of the committed template with one deliberate mistake. */
function broken(mutate: (resources: LooseResources, template: CfnTemplate) => void): CfnTemplate {
  const copy = packagedView(committed);
  mutate(copy.Resources as never, copy);
  return copy;
}

describe("the template against the CloudFormation resource specification", () => {
  it("is valid once packaged", () => {
    expect(validateTemplate(packagedView(committed), spec)).toEqual([]);
  });

  it("needs packaging: a local Code path is not an S3 location", () => {
    const findings = validateTemplate(committed, spec);
    expect(findings.map((finding) => finding.path)).toContain(
      `Resources.${ids.function("api")}.Properties.Code`,
    );
  });

  const mistakes: [string, Parameters<typeof broken>[0], RegExp][] = [
    [
      "an unknown resource type",
      (r) => {
        r[ids.queue("processing")]!.Type = "AWS::SQS::Queu";
      },
      /unknown resource type AWS::SQS::Queu/,
    ],
    [
      "a misspelled property",
      (r) => {
        r[ids.queue("processing")]!.Properties.VisibilityTimout = 180;
        delete r[ids.queue("processing")]!.Properties.VisibilityTimeout;
      },
      /no property VisibilityTimout \(did you mean VisibilityTimeout\?\)/,
    ],
    [
      "a missing required property",
      (r) => {
        delete r[ids.function("api")]!.Properties.Role;
      },
      /required property Role of AWS::Lambda::Function is missing/,
    ],
    [
      "a missing required nested property",
      (r) => {
        delete r[ids.table("orders")]!.Properties.GlobalSecondaryIndexes[0].IndexName;
      },
      /required property IndexName/,
    ],
    [
      "a wrong primitive type",
      (r) => {
        r[ids.function("api")]!.Properties.MemorySize = "lots";
      },
      /expected an integer, got string "lots"/,
    ],
    [
      "a wrong boolean",
      (r) => {
        r[ids.filesBucket]!.Properties.PublicAccessBlockConfiguration.BlockPublicAcls = "yes";
      },
      /expected a boolean/,
    ],
    [
      "a string outside the allowed ones",
      (r) => {
        r[ids.rule("processing")]!.Properties.State = "ON";
      },
      /"ON" is not one of DISABLED, ENABLED/,
    ],
    [
      "an integer outside the allowed ones",
      (r) => {
        r.ApiAccessLogGroup!.Properties.RetentionInDays = 42;
      },
      /42 is not one of 1, 3, 5/,
    ],
    [
      "a bad GetAtt attribute",
      (r) => {
        r[ids.function("api")]!.Properties.Role = { "Fn::GetAtt": [ids.role("api"), "Arnn"] };
      },
      /AWS::IAM::Role has no attribute Arnn \(did you mean Arn\?\)/,
    ],
    [
      "a GetAtt on nothing",
      (r) => {
        r[ids.function("api")]!.Properties.Role = { "Fn::GetAtt": ["NoSuchRole", "Arn"] };
      },
      /GetAtt on NoSuchRole, which is no resource/,
    ],
    [
      "a Ref to nothing",
      (r) => {
        r.ApiStage!.Properties.ApiId = { Ref: "NoSuchApi" };
      },
      /Ref to NoSuchApi, which is no parameter or resource/,
    ],
    [
      "a Sub variable that names nothing",
      (r) => {
        r.Dashboard!.Properties.DashboardName = { "Fn::Sub": "${NoSuchThing}-pipeline" };
      },
      /\$\{NoSuchThing\} names no parameter/,
    ],
    [
      "a Sub attribute that does not exist",
      (r) => {
        r.Dashboard!.Properties.DashboardName = { "Fn::Sub": `\${${ids.queue("intake")}.Name}` };
      },
      /AWS::SQS::Queue has no attribute Name/,
    ],
    [
      "a DependsOn on nothing",
      (r) => {
        r[ids.filesBucket]!.DependsOn = ["NoSuchPolicy"];
      },
      /DependsOn names no resource: "NoSuchPolicy"/,
    ],
    [
      "an undefined condition",
      (r) => {
        r.UserPool!.Condition = "NoSuchCondition";
      },
      /condition "NoSuchCondition" is not defined/,
    ],
    [
      "a Ref to a missing parameter",
      (_, t) => {
        delete t.Parameters!.LogLevel;
      },
      /Ref to LogLevel, which is no parameter/,
    ],
    [
      "a list where a mapping belongs",
      (r) => {
        r[ids.function("api")]!.Properties.Environment = [{ Variables: {} }];
      },
      /expected a Environment mapping, got a list/,
    ],
  ];

  it.each(mistakes)("finds %s", (_, mutate, expected) => {
    const findings = validateTemplate(broken(mutate), spec);
    expect(findings.map((finding) => `${finding.path}: ${finding.message}`).join("\n")).toMatch(expected);
  });
});

/** The Python cfn-lint, where installed (it cannot be installed from npm: the JS package is outdated). */
const cfnLint = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" });

describe.skipIf(cfnLint.status !== 0)("the template against cfn-lint", () => {
  it("has no error (W3002, the local Code paths `aws cloudformation package` replaces, is expected)", () => {
    const run = spawnSync("cfn-lint", ["--format", "parseable", TEMPLATE_PATH], { encoding: "utf8" });
    // cfn-lint's exit code is a bit field: 2 = errors, 4 = warnings, 8 = informational.
    const rules = run.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => line.split(":")[5]);
    expect(
      rules.filter((rule) => rule !== "W3002"),
      run.stdout,
    ).toEqual([]);
    expect(run.status! & 2, run.stdout + run.stderr).toBe(0);
  }, 60_000);
});
