/**
 * CloudFormation YAML in and out. Parsing turns the short intrinsic tags
 * (`!Ref X`, `!GetAtt X.Arn`, `!Sub …`) into their JSON long form
 * (`{ Ref: "X" }`, `{ "Fn::GetAtt": ["X", "Arn"] }`), the form every check here
 * reads; writing turns the long form back into short tags for people.
 */
import { Document, isMap, isScalar, isSeq, parse, Scalar, type Tags, visit } from "yaml";

/** A CloudFormation template in JSON long form. */
export interface CfnTemplate {
  AWSTemplateFormatVersion?: string;
  Description?: string;
  Metadata?: Record<string, unknown>;
  Parameters?: Record<string, CfnParameter>;
  Mappings?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Rules?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, CfnOutput>;
  [section: string]: unknown;
}

export interface CfnParameter {
  Type: string;
  Description?: string;
  Default?: string | number;
  AllowedValues?: readonly (string | number)[];
  AllowedPattern?: string;
  [field: string]: unknown;
}

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, unknown>;
  [field: string]: unknown;
}

export interface CfnOutput {
  Description?: string;
  Value: unknown;
  Export?: { Name: unknown };
  Condition?: string;
}

/** Intrinsic functions with a short YAML tag (`Fn::X` ↔ `!X`, and `Ref` ↔ `!Ref`). */
export const INTRINSIC_FUNCTIONS = [
  "Ref",
  "Condition",
  "Fn::Base64",
  "Fn::Cidr",
  "Fn::FindInMap",
  "Fn::GetAtt",
  "Fn::GetAZs",
  "Fn::ImportValue",
  "Fn::Join",
  "Fn::Select",
  "Fn::Split",
  "Fn::Sub",
  "Fn::Length",
  "Fn::ToJsonString",
  "Fn::If",
  "Fn::Equals",
  "Fn::Not",
  "Fn::And",
  "Fn::Or",
] as const;

const shortTag = (fn: string) => `!${fn.replace(/^Fn::/, "")}`;

function customTags(): Tags {
  const tags: Tags = [];
  for (const fn of INTRINSIC_FUNCTIONS) {
    const tag = shortTag(fn);
    const longForm = (value: unknown) =>
      fn === "Fn::GetAtt" && typeof value === "string" ? { [fn]: splitGetAtt(value) } : { [fn]: value };
    tags.push({ tag, resolve: (value: string) => longForm(value) });
    tags.push({ tag, collection: "seq", resolve: (seq) => longForm(seq.toJSON()) });
    tags.push({ tag, collection: "map", resolve: (map) => longForm(map.toJSON()) });
  }
  return tags;
}

/** `X.Attr.Sub` → `["X", "Attr.Sub"]`: logical ids have no dots, attribute names may. */
function splitGetAtt(value: string): [string, string] {
  const dot = value.indexOf(".");
  return dot < 0 ? [value, ""] : [value.slice(0, dot), value.slice(dot + 1)];
}

/** Parses CloudFormation YAML (short or long intrinsic forms) into the JSON long form. */
export function parseTemplate(text: string): CfnTemplate {
  const template = parse(text, { customTags: customTags(), uniqueKeys: true, version: "1.2" }) as unknown;
  if (!template || typeof template !== "object" || Array.isArray(template)) {
    throw new Error("a CloudFormation template must be a YAML mapping");
  }
  return template as CfnTemplate;
}

const YAML_11_LOOKALIKES =
  /^(\d{4}-\d\d?-\d\d?([Tt ].*)?|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)$/;

/** Writes a template as YAML with short intrinsic tags, keys in the order given. */
export function stringifyTemplate(template: CfnTemplate): string {
  const doc = new Document(template, { version: "1.2", aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_, node) {
      // Strings a YAML 1.1 reader would take for a date or a boolean ("2012-10-17", "on") stay quoted.
      if (typeof node.value === "string" && YAML_11_LOOKALIKES.test(node.value)) node.type = "QUOTE_DOUBLE";
    },
    Map(_, node) {
      if (node.items.length !== 1) return undefined;
      const pair = node.items[0];
      const key = pair && isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof key !== "string" || !(INTRINSIC_FUNCTIONS as readonly string[]).includes(key))
        return undefined;
      const value = pair?.value;
      if (key === "Fn::GetAtt" && isSeq(value) && value.items.every(isScalar)) {
        const joined = new Scalar(value.items.map((item) => String((item as Scalar).value)).join("."));
        joined.tag = "!GetAtt";
        return joined;
      }
      if (isScalar(value) || isSeq(value) || isMap(value)) {
        value.tag = shortTag(key);
        return value;
      }
      return undefined;
    },
  });
  return doc.toString({ lineWidth: 0, indentSeq: true });
}
