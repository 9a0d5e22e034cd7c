import { readFileSync } from "node:fs";
import { type CfnResource, type CfnTemplate, parseTemplate } from "../../scripts/cloudformation/cfn-yaml.js";
import { TEMPLATE_PATH } from "../../scripts/generate-template.js";

/** The committed deploy/template.yaml, parsed (short tags in their long form). */
export function loadCommittedTemplate(): CfnTemplate {
  return parseTemplate(readFileSync(TEMPLATE_PATH, "utf8"));
}

/** The resources of one type, by logical id. */
export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** The logical id a `Ref` or `GetAtt` points at. */
export function targetOf(value: unknown): string | undefined {
  if (!value || typeof value !== "object") return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === "string") return record.Ref;
  const getAtt = record["Fn::GetAtt"];
  return Array.isArray(getAtt) && typeof getAtt[0] === "string" ? getAtt[0] : undefined;
}

/** A property of a resource, typed loosely for assertions. */
export function prop<T = unknown>(resource: CfnResource | undefined, name: string): T {
  return resource?.Properties?.[name] as T;
}

/**
 * Resources typed loosely, for tests that break a copy of the template on purpose.
 */
// biome-ignore lint/suspicious/noExplicitAny: deliberate mutation of arbitrary template paths
type Loose = any;
export type LooseResources = Record<
  string,
  { Type: string; Properties: Record<string, Loose>; [field: string]: Loose }
>;
