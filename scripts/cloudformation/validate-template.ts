// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders, not JavaScript templates
/**
 * Offline validation of a CloudFormation template against the official
 * resource specification (`@aws-cdk/aws-service-spec`): known resource types,
 * known and required properties, primitive types and allowed values, nested
 * property types, `Ref`/`GetAtt`/`Sub` targets and attributes, `DependsOn`,
 * conditions, mappings and parameters. What it cannot know (service quotas,
 * cross-property rules, IAM semantics) only a deployment tells.
 */
import { createRequire } from "node:module";
import type { CfnTemplate } from "./cfn-yaml.js";

/** One problem, located by a dotted path into the template (`Resources.X.Properties.Y`). */
export interface Finding {
  readonly path: string;
  readonly message: string;
}

// The spec's own types, as far as the validator reads them.
type SpecType =
  | { type: "string"; allowedValues?: string[] }
  | { type: "integer"; allowedValues?: number[] }
  | { type: "number" | "boolean" | "json" | "date-time" | "null" | "tag" }
  | { type: "ref"; reference: { $ref: string } }
  | { type: "array" | "map"; element: SpecType }
  | { type: "union"; types: SpecType[] };

interface SpecProperty {
  type: SpecType;
  previousTypes?: SpecType[];
  required?: boolean;
}

interface SpecResource {
  cloudFormationType: string;
  properties: Record<string, SpecProperty>;
  attributes: Record<string, SpecProperty>;
}

interface SpecTypeDefinition {
  name: string;
  properties: Record<string, SpecProperty>;
}

/** The parts of the resource specification the validator reads. */
export interface ResourceSpec {
  resource(cloudFormationType: string): SpecResource | undefined;
  typeDefinition(id: string): SpecTypeDefinition;
}

interface SpecDatabase {
  lookup(
    entity: "resource",
    index: "cloudFormationType",
    lookup: "equals",
    value: string,
  ): { length: number; only(): SpecResource };
  get(entity: "typeDefinition", id: string): SpecTypeDefinition;
}

let cached: ResourceSpec | undefined;

/** Loads the specification once per process (about a second). */
export function loadResourceSpec(): ResourceSpec {
  if (cached) return cached;
  const require = createRequire(import.meta.url);
  const { loadAwsServiceSpecSync } = require("@aws-cdk/aws-service-spec") as {
    loadAwsServiceSpecSync(): SpecDatabase;
  };
  const db = loadAwsServiceSpecSync();
  const resources = new Map<string, SpecResource | undefined>();
  cached = {
    resource(type) {
      if (!resources.has(type)) {
        const found = db.lookup("resource", "cloudFormationType", "equals", type);
        resources.set(type, found.length === 1 ? found.only() : undefined);
      }
      return resources.get(type);
    },
    typeDefinition: (id) => db.get("typeDefinition", id),
  };
  return cached;
}

const PSEUDO_PARAMETERS = new Set([
  "AWS::AccountId",
  "AWS::NotificationARNs",
  "AWS::NoValue",
  "AWS::Partition",
  "AWS::Region",
  "AWS::StackId",
  "AWS::StackName",
  "AWS::URLSuffix",
]);

const TOP_LEVEL_SECTIONS = new Set([
  "AWSTemplateFormatVersion",
  "Description",
  "Metadata",
  "Parameters",
  "Rules",
  "Mappings",
  "Conditions",
  "Transform",
  "Resources",
  "Outputs",
]);

const RESOURCE_FIELDS = new Set([
  "Type",
  "Properties",
  "DependsOn",
  "Condition",
  "DeletionPolicy",
  "UpdateReplacePolicy",
  "UpdatePolicy",
  "CreationPolicy",
  "Metadata",
]);

const PARAMETER_TYPES =
  /^(String|Number|List<Number>|CommaDelimitedList|AWS::[A-Za-z0-9:]+|List<AWS::[A-Za-z0-9:]+>|AWS::SSM::Parameter::Value<.+>)$/;
const DELETION_POLICIES = new Set(["Delete", "Retain", "RetainExceptOnCreate", "Snapshot"]);

/** Intrinsics that may stand for a value of any type (their result is checked when deployed). */
const VALUE_INTRINSICS = new Set([
  "Ref",
  "Fn::GetAtt",
  "Fn::Sub",
  "Fn::Join",
  "Fn::Select",
  "Fn::Split",
  "Fn::FindInMap",
  "Fn::GetAZs",
  "Fn::ImportValue",
  "Fn::Base64",
  "Fn::Cidr",
  "Fn::Length",
  "Fn::ToJsonString",
  "Fn::If",
]);
const CONDITION_INTRINSICS = new Set(["Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition"]);

/**
 * The template as `aws cloudformation package` would leave it: a local path in
 * a packageable property (a Lambda function's `Code`, a layer's `Content`)
 * becomes the S3 location the CLI uploads it to.
 */
export function packagedView(template: CfnTemplate): CfnTemplate {
  const copy = structuredClone(template);
  const packageable: Record<string, string> = {
    "AWS::Lambda::Function": "Code",
    "AWS::Lambda::LayerVersion": "Content",
  };
  for (const resource of Object.values(copy.Resources ?? {})) {
    const property = packageable[resource?.Type];
    if (property && typeof resource.Properties?.[property] === "string") {
      resource.Properties[property] = { S3Bucket: "packaged-artifacts", S3Key: "packaged/0123456789abcdef" };
    }
  }
  return copy;
}

/** Every problem the specification reveals in `template` (empty when it is valid). */
export function validateTemplate(template: CfnTemplate, spec: ResourceSpec = loadResourceSpec()): Finding[] {
  return new TemplateValidator(template, spec).run();
}

class TemplateValidator {
  private readonly findings: Finding[] = [];
  private readonly resources: Record<string, unknown>;
  private readonly parameters: Record<string, unknown>;
  private readonly conditions: Record<string, unknown>;
  private readonly mappings: Record<string, unknown>;

  constructor(
    private readonly template: CfnTemplate,
    private readonly spec: ResourceSpec,
  ) {
    this.resources = asRecord(template.Resources) ?? {};
    this.parameters = asRecord(template.Parameters) ?? {};
    this.conditions = asRecord(template.Conditions) ?? {};
    this.mappings = asRecord(template.Mappings) ?? {};
  }

  run(): Finding[] {
    for (const section of Object.keys(this.template)) {
      if (!TOP_LEVEL_SECTIONS.has(section)) this.report(section, `unknown template section ${section}`);
    }
    if (!asRecord(this.template.Resources) || Object.keys(this.resources).length === 0) {
      this.report("Resources", "a template needs at least one resource");
    }
    for (const [name, parameter] of Object.entries(this.parameters)) this.checkParameter(name, parameter);
    for (const [name, condition] of Object.entries(this.conditions)) {
      this.checkIntrinsics(condition, `Conditions.${name}`, { inCondition: true });
    }
    for (const [name, rule] of Object.entries(asRecord(this.template.Rules) ?? {})) {
      this.checkIntrinsics(rule, `Rules.${name}`, { inCondition: true, parametersOnly: true });
    }
    for (const [name, resource] of Object.entries(this.resources)) this.checkResource(name, resource);
    for (const [name, output] of Object.entries(asRecord(this.template.Outputs) ?? {})) {
      const record = asRecord(output);
      if (!record || !("Value" in record)) this.report(`Outputs.${name}`, "an output needs a Value");
      if (record?.Condition !== undefined)
        this.checkConditionName(record.Condition, `Outputs.${name}.Condition`);
      this.checkIntrinsics(output, `Outputs.${name}`, {});
    }
    return this.findings;
  }

  private report(path: string, message: string): void {
    this.findings.push({ path, message });
  }

  private checkParameter(name: string, parameter: unknown): void {
    const record = asRecord(parameter);
    const path = `Parameters.${name}`;
    if (!record) {
      this.report(path, "a parameter must be a mapping");
      return;
    }
    if (typeof record.Type !== "string" || !PARAMETER_TYPES.test(record.Type)) {
      this.report(`${path}.Type`, `unknown parameter type ${JSON.stringify(record.Type)}`);
    }
    const allowed = record.AllowedValues;
    if (allowed !== undefined && record.Default !== undefined && Array.isArray(allowed)) {
      if (!allowed.map(String).includes(String(record.Default))) {
        this.report(
          `${path}.Default`,
          `default ${JSON.stringify(record.Default)} is not one of AllowedValues`,
        );
      }
    }
    if (typeof record.AllowedPattern === "string" && typeof record.Default === "string") {
      if (!new RegExp(record.AllowedPattern).test(record.Default)) {
        this.report(
          `${path}.Default`,
          `default ${JSON.stringify(record.Default)} does not match AllowedPattern`,
        );
      }
    }
  }

  private checkConditionName(name: unknown, path: string): void {
    if (typeof name !== "string" || !(name in this.conditions)) {
      this.report(path, `condition ${JSON.stringify(name)} is not defined in Conditions`);
    }
  }

  private checkResource(name: string, resource: unknown): void {
    const path = `Resources.${name}`;
    if (!/^[A-Za-z0-9]+$/.test(name)) this.report(path, "logical ids are alphanumeric");
    const record = asRecord(resource);
    if (!record) {
      this.report(path, "a resource must be a mapping");
      return;
    }
    for (const field of Object.keys(record)) {
      if (!RESOURCE_FIELDS.has(field)) this.report(`${path}.${field}`, `unknown resource attribute ${field}`);
    }
    for (const policy of ["DeletionPolicy", "UpdateReplacePolicy"] as const) {
      if (record[policy] !== undefined && !DELETION_POLICIES.has(String(record[policy]))) {
        this.report(`${path}.${policy}`, `unknown ${policy} ${JSON.stringify(record[policy])}`);
      }
    }
    if (record.Condition !== undefined) this.checkConditionName(record.Condition, `${path}.Condition`);
    if (record.DependsOn !== undefined) {
      const targets = Array.isArray(record.DependsOn) ? record.DependsOn : [record.DependsOn];
      targets.forEach((target, index) => {
        if (typeof target !== "string" || !(target in this.resources)) {
          this.report(`${path}.DependsOn.${index}`, `DependsOn names no resource: ${JSON.stringify(target)}`);
        } else if (target === name) {
          this.report(`${path}.DependsOn.${index}`, "a resource cannot depend on itself");
        }
      });
    }
    if (record.Metadata !== undefined) this.checkIntrinsics(record.Metadata, `${path}.Metadata`, {});
    const type = record.Type;
    if (typeof type !== "string") {
      this.report(`${path}.Type`, "a resource needs a Type");
      return;
    }
    const properties = record.Properties;
    this.checkIntrinsics(properties, `${path}.Properties`, {});
    if (type.startsWith("Custom::") || type === "AWS::CloudFormation::CustomResource") return;
    const definition = this.spec.resource(type);
    if (!definition) {
      this.report(`${path}.Type`, `unknown resource type ${type}`);
      return;
    }
    if (properties !== undefined && !asRecord(properties)) {
      this.report(`${path}.Properties`, "Properties must be a mapping");
      return;
    }
    this.checkProperties(asRecord(properties) ?? {}, definition.properties, `${path}.Properties`, type);
  }

  private checkProperties(
    value: Record<string, unknown>,
    properties: Record<string, SpecProperty>,
    path: string,
    owner: string,
  ): void {
    for (const [name, property] of Object.entries(properties)) {
      if (property.required && !(name in value))
        this.report(`${path}.${name}`, `required property ${name} of ${owner} is missing`);
    }
    for (const [name, given] of Object.entries(value)) {
      const property = properties[name];
      if (!property) {
        const near = closest(name, Object.keys(properties));
        this.report(
          `${path}.${name}`,
          `${owner} has no property ${name}${near ? ` (did you mean ${near}?)` : ""}`,
        );
        continue;
      }
      const candidates = [property.type, ...(property.previousTypes ?? [])];
      const problems = candidates.map((type) => this.typeProblems(given, type, `${path}.${name}`));
      if (!problems.some((list) => list.length === 0)) this.findings.push(...problems[0]!);
    }
  }

  /** What is wrong with `value` as a `type` (nothing when it fits). */
  private typeProblems(value: unknown, type: SpecType, path: string): Finding[] {
    const intrinsic = intrinsicOf(value);
    if (intrinsic) {
      if (intrinsic.name === "Fn::If" && Array.isArray(intrinsic.args) && intrinsic.args.length === 3) {
        return [intrinsic.args[1], intrinsic.args[2]]
          .filter((branch) => !isNoValue(branch))
          .flatMap((branch, index) => this.typeProblems(branch, type, `${path}.Fn::If.${index + 1}`));
      }
      if (VALUE_INTRINSICS.has(intrinsic.name)) return [];
    }
    const wrong = (expected: string): Finding[] => [
      { path, message: `expected ${expected}, got ${describe(value)}` },
    ];
    switch (type.type) {
      case "string":
      case "date-time": {
        if (typeof value === "number" || typeof value === "boolean") return [];
        if (typeof value !== "string") return wrong("a string");
        const allowed = "allowedValues" in type ? type.allowedValues : undefined;
        if (allowed && allowed.length > 0 && !allowed.includes(value)) {
          return [{ path, message: `${JSON.stringify(value)} is not one of ${allowed.join(", ")}` }];
        }
        return [];
      }
      case "integer": {
        const number = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
        if (typeof number !== "number" || !Number.isInteger(number)) return wrong("an integer");
        const allowed = "allowedValues" in type ? type.allowedValues : undefined;
        if (allowed && allowed.length > 0 && !allowed.includes(number)) {
          return [{ path, message: `${number} is not one of ${allowed.join(", ")}` }];
        }
        return [];
      }
      case "number": {
        const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
        return typeof number === "number" && Number.isFinite(number) ? [] : wrong("a number");
      }
      case "boolean":
        return typeof value === "boolean" || value === "true" || value === "false" ? [] : wrong("a boolean");
      case "json":
        return value !== null && typeof value === "object" ? [] : wrong("a JSON object");
      case "null":
        return value === null ? [] : wrong("null");
      case "tag": {
        const tag = asRecord(value);
        if (!tag) return wrong("a tag { Key, Value }");
        return this.structProblems(
          tag,
          {
            Key: { type: { type: "string" }, required: true },
            Value: { type: { type: "string" }, required: true },
          },
          path,
          "Tag",
        );
      }
      case "array":
        if (!Array.isArray(value)) return wrong("a list");
        return value.flatMap((element, index) =>
          isNoValue(element) ? [] : this.typeProblems(element, type.element, `${path}.${index}`),
        );
      case "map": {
        const record = asRecord(value);
        if (!record) return wrong("a mapping");
        return Object.entries(record).flatMap(([key, element]) =>
          this.typeProblems(element, type.element, `${path}.${key}`),
        );
      }
      case "ref": {
        const record = asRecord(value);
        const definition = this.spec.typeDefinition(type.reference.$ref);
        if (!record) return wrong(`a ${definition.name} mapping`);
        return this.structProblems(record, definition.properties, path, definition.name);
      }
      case "union": {
        const all = type.types.map((member) => this.typeProblems(value, member, path));
        if (all.some((problems) => problems.length === 0)) return [];
        // Report against the member of the right shape, when one is (an object for a struct, …).
        return all.find((problems) => problems.every((problem) => problem.path !== path)) ?? all[0] ?? [];
      }
    }
  }

  private structProblems(
    value: Record<string, unknown>,
    properties: Record<string, SpecProperty>,
    path: string,
    owner: string,
  ): Finding[] {
    const saved = this.findings.length;
    this.checkProperties(value, properties, path, owner);
    return this.findings.splice(saved);
  }

  /** Checks the targets of every intrinsic function inside `value`. */
  private checkIntrinsics(
    value: unknown,
    path: string,
    context: { inCondition?: boolean; parametersOnly?: boolean },
  ): void {
    if (Array.isArray(value)) {
      for (const [index, element] of value.entries())
        this.checkIntrinsics(element, `${path}.${index}`, context);
      return;
    }
    const record = asRecord(value);
    if (!record) return;
    const intrinsic = intrinsicOf(value);
    if (!intrinsic) {
      for (const [key, element] of Object.entries(record))
        this.checkIntrinsics(element, `${path}.${key}`, context);
      return;
    }
    const { name, args } = intrinsic;
    const at = `${path}.${name}`;
    switch (name) {
      case "Ref":
        if (typeof args !== "string") {
          this.report(at, "Ref takes a logical id");
          return;
        }
        if (!this.referable(args, context))
          this.report(
            at,
            `Ref to ${args}, which is no parameter${context.parametersOnly ? "" : " or resource"}`,
          );
        return;
      case "Fn::GetAtt": {
        const [resource, attribute] = Array.isArray(args)
          ? args
          : typeof args === "string"
            ? splitDot(args)
            : [];
        if (typeof resource !== "string" || typeof attribute !== "string") {
          this.report(at, "GetAtt takes [logicalId, attribute]");
          return;
        }
        this.checkGetAtt(resource, attribute, at);
        return;
      }
      case "Fn::Sub": {
        const [text, variables] = Array.isArray(args) ? args : [args, undefined];
        if (typeof text !== "string") {
          this.report(at, "Sub takes a string (and optionally a mapping of variables)");
          return;
        }
        const locals = asRecord(variables) ?? {};
        this.checkIntrinsics(locals, `${at}.1`, context);
        for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
          const variable = match[1]!;
          if (variable.startsWith("!")) continue; // ${!Literal}
          if (variable in locals) continue;
          if (variable.includes(".")) {
            const [resource, attribute] = splitDot(variable);
            this.checkGetAtt(resource, attribute, at);
          } else if (!this.referable(variable, context)) {
            this.report(at, `\${${variable}} names no parameter, resource or Sub variable`);
          }
        }
        return;
      }
      case "Fn::If": {
        if (!Array.isArray(args) || args.length !== 3) {
          this.report(at, "If takes [condition, whenTrue, whenFalse]");
          return;
        }
        this.checkConditionName(args[0], `${at}.0`);
        this.checkIntrinsics(args[1], `${at}.1`, context);
        this.checkIntrinsics(args[2], `${at}.2`, context);
        return;
      }
      case "Condition":
        this.checkConditionName(args, at);
        return;
      case "Fn::FindInMap": {
        if (!Array.isArray(args) || args.length < 3) {
          this.report(at, "FindInMap takes [map, key, key]");
          return;
        }
        if (typeof args[0] === "string" && !(args[0] in this.mappings))
          this.report(at, `no mapping ${args[0]}`);
        this.checkIntrinsics(args, at, context);
        return;
      }
      default:
        if (CONDITION_INTRINSICS.has(name) && !context.inCondition && name !== "Condition") {
          // Equals/Not/And/Or are valid inside conditions and Fn::If's condition only.
          this.report(at, `${name} is only valid in Conditions and Rules`);
        }
        this.checkIntrinsics(args, at, context);
    }
  }

  private referable(name: string, context: { parametersOnly?: boolean }): boolean {
    if (PSEUDO_PARAMETERS.has(name) || name in this.parameters) return true;
    return !context.parametersOnly && name in this.resources;
  }

  private checkGetAtt(resource: string, attribute: string, path: string): void {
    const target = asRecord(this.resources[resource]);
    if (!target) {
      this.report(path, `GetAtt on ${resource}, which is no resource`);
      return;
    }
    const type = String(target.Type);
    if (type.startsWith("Custom::") || type === "AWS::CloudFormation::CustomResource") return;
    const definition = this.spec.resource(type);
    if (!definition) return; // reported on the resource itself
    if (!(attribute in definition.attributes)) {
      const near = closest(attribute, Object.keys(definition.attributes));
      this.report(path, `${type} has no attribute ${attribute}${near ? ` (did you mean ${near}?)` : ""}`);
    }
  }
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function intrinsicOf(value: unknown): { name: string; args: unknown } | undefined {
  const record = asRecord(value);
  if (!record) return undefined;
  const keys = Object.keys(record);
  if (keys.length !== 1) return undefined;
  const name = keys[0]!;
  return name === "Ref" || name === "Condition" || name.startsWith("Fn::")
    ? { name, args: record[name] }
    : undefined;
}

function isNoValue(value: unknown): boolean {
  return asRecord(value)?.Ref === "AWS::NoValue";
}

function splitDot(value: string): [string, string] {
  const dot = value.indexOf(".");
  return dot < 0 ? [value, ""] : [value.slice(0, dot), value.slice(dot + 1)];
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The candidate nearest to `name` by edit distance, when near enough to be a typo. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}
