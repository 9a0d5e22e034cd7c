// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders, not JavaScript templates
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { STATE_MACHINE_NAME } from "../../scripts/cloudformation/build-template.js";

const root = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), "utf8");

describe("deploy/deploy.sh", () => {
  it("is valid bash with strict mode", () => {
    execFileSync("bash", ["-n", "deploy/deploy.sh"], { cwd: root });
    expect(read("deploy/deploy.sh")).toContain("set -euo pipefail");
  });

  it("builds, packages the template and deploys it, in that order (dry run)", () => {
    const out = execFileSync(
      "bash",
      [
        "deploy/deploy.sh",
        "--dry-run",
        "shop",
        "eu-west-1",
        "my-artifacts",
        "ops@example.com",
        "LogLevel=debug",
      ],
      {
        cwd: root,
        encoding: "utf8",
      },
    );
    const commands = out.trim().split("\n");
    expect(commands[0]).toBe("+ npm run build:lambda");
    expect(commands[1]).toMatch(
      /^\+ aws cloudformation package --region eu-west-1 --template-file deploy\/template\.yaml --s3-bucket my-artifacts /,
    );
    expect(commands[2]).toMatch(
      /^\+ aws cloudformation deploy --region eu-west-1 .* --stack-name shop .*--capabilities CAPABILITY_IAM .*--parameter-overrides AlertEmail=ops@example\.com LogLevel=debug$/,
    );
    expect(commands[3]).toMatch(/^\+ aws cloudformation describe-stacks /);
  });

  it("passes template parameters through, such as the orchestration", () => {
    const out = execFileSync(
      "bash",
      ["deploy/deploy.sh", "--dry-run", "shop", "eu-west-1", "my-artifacts", "", "Orchestration=queue"],
      { cwd: root, encoding: "utf8" },
    );
    expect(out).toMatch(/--parameter-overrides AlertEmail= Orchestration=queue\n/);
  });

  it("accepts only stack names the state machine's name can carry (80 characters at most)", () => {
    const longest = `s${"a".repeat(24)}`;
    const out = execFileSync("bash", ["deploy/deploy.sh", "--dry-run", longest, "eu-west-1", "b"], {
      cwd: root,
      encoding: "utf8",
    });
    expect(out).toContain(`--stack-name ${longest}`);
    expect(() =>
      execFileSync("bash", ["deploy/deploy.sh", "--dry-run", `${longest}a`, "eu-west-1", "b"], {
        cwd: root,
        stdio: "pipe",
      }),
    ).toThrow(/3-25/);
    const name = STATE_MACHINE_NAME.replace("${AWS::StackName}", longest);
    expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });

  it("refuses a stack name the files bucket name cannot carry", () => {
    expect(() =>
      execFileSync("bash", ["deploy/deploy.sh", "--dry-run", "My_Stack", "eu-west-1", "b"], {
        cwd: root,
        stdio: "pipe",
      }),
    ).toThrow(/lower-case/);
  });
});

describe("package.json and the GitHub workflow", () => {
  it("offers deploy:template and package", () => {
    const scripts = JSON.parse(read("package.json")).scripts as Record<string, string>;
    expect(scripts["deploy:template"]).toBe("tsx scripts/generate-template.ts");
    expect(scripts.package).toContain("npm run build:lambda");
    expect(scripts.package).toContain("deploy/deploy.sh");
  });

  it("runs .ci/run on push and pull request with Node 20, and deploys on demand through OIDC", () => {
    const workflow = parse(read(".github/workflows/ci.yml")) as {
      on: Record<string, { inputs?: Record<string, unknown> } | null>;
      jobs: Record<
        string,
        {
          steps: { uses?: string; run?: string; with?: Record<string, unknown> }[];
          permissions?: Record<string, string>;
          if?: string;
        }
      >;
    };
    expect(Object.keys(workflow.on)).toEqual(
      expect.arrayContaining(["push", "pull_request", "workflow_dispatch"]),
    );
    expect(Object.keys(workflow.on.workflow_dispatch?.inputs ?? {})).toEqual(
      expect.arrayContaining(["stack-name", "region"]),
    );
    const check = workflow.jobs.check!;
    expect(
      check.steps.find((step) => step.uses?.startsWith("actions/setup-node"))?.with?.["node-version"],
    ).toBe(20);
    expect(check.steps.map((step) => step.run)).toContain("bash .ci/run");
    const deploy = workflow.jobs.deploy!;
    expect(deploy.if).toContain("workflow_dispatch");
    expect(deploy.permissions?.["id-token"]).toBe("write");
    expect(deploy.steps.some((step) => step.uses?.startsWith("aws-actions/configure-aws-credentials"))).toBe(
      true,
    );
    expect(deploy.steps.some((step) => step.run?.startsWith("bash deploy/deploy.sh"))).toBe(true);
  });
});
