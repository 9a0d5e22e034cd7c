// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders, not JavaScript templates
/**
 * The security rules every orderflow template keeps: least-privilege IAM (no
 * wildcard actions, resources scoped to the template's own resources),
 * encryption at rest on tables, queues, topics and buckets, no public bucket,
 * TLS-only bucket access, an authorizer on every API route but health, a
 * dead-letter queue for every queue, and a queue policy admitting the topic of
 * every SQS subscription (without it SNS delivers nothing and reports nothing).
 */
import type { CfnResource, CfnTemplate } from "./cfn-yaml.js";
import type { Finding } from "./validate-template.js";

/** Routes that may be called without a token. */
export const PUBLIC_ROUTES: readonly string[] = ["GET /health"];

/** Every breach of the rules in `template` (empty when it keeps them all). */
export function checkSecurityRules(template: CfnTemplate): Finding[] {
  const findings: Finding[] = [];
  const report = (path: string, message: string) => findings.push({ path, message });
  const resources = Object.entries(template.Resources ?? {});
  const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);

  // IAM: identity policies (roles, policies) and resource policies.
  for (const [name, resource] of resources) {
    for (const { path, document, kind } of policyDocuments(name, resource)) {
      statementsOf(document).forEach((statement, index) => {
        const at = `${path}.Statement.${index}`;
        if (statement.Effect !== "Allow") return;
        if ("NotAction" in statement) report(at, "an Allow with NotAction grants everything else");
        if ("NotResource" in statement) report(at, "an Allow with NotResource grants everything else");
        for (const action of asList(statement.Action)) {
          if (typeof action === "string" && (action === "*" || action.endsWith(":*"))) {
            report(at, `wildcard action ${action}: list the actions the code calls`);
          }
        }
        if (kind === "identity") {
          for (const target of asList(statement.Resource)) {
            const problem = unscopedResource(target, template);
            if (problem) report(at, problem);
          }
        }
        if (kind === "resource" && resource.Type !== "AWS::KMS::Key" && "Principal" in statement) {
          const principal = statement.Principal;
          const service = (principal as { Service?: unknown } | undefined)?.Service;
          if (principal === "*" || (principal as { AWS?: unknown })?.AWS === "*") {
            report(at, "an Allow to every principal");
          } else if (service !== undefined && statement.Condition === undefined) {
            report(
              at,
              "a service principal without aws:SourceArn / aws:SourceAccount condition (confused deputy)",
            );
          }
        }
      });
    }
    if (resource.Type === "AWS::IAM::Role" && resource.Properties?.ManagedPolicyArns !== undefined) {
      report(
        `Resources.${name}.Properties.ManagedPolicyArns`,
        "managed policies grant more than the function uses",
      );
    }
  }

  // Encryption at rest.
  for (const [name, table] of ofType("AWS::DynamoDB::Table")) {
    const sse = table.Properties?.SSESpecification as { SSEEnabled?: unknown } | undefined;
    if (sse?.SSEEnabled !== true)
      report(`Resources.${name}`, "table without SSESpecification.SSEEnabled: true");
    const pitr = table.Properties?.PointInTimeRecoverySpecification as
      | { PointInTimeRecoveryEnabled?: unknown }
      | undefined;
    if (pitr?.PointInTimeRecoveryEnabled !== true)
      report(`Resources.${name}`, "table without point-in-time recovery");
  }
  for (const [name, queue] of ofType("AWS::SQS::Queue")) {
    if (queue.Properties?.SqsManagedSseEnabled !== true && queue.Properties?.KmsMasterKeyId === undefined) {
      report(
        `Resources.${name}`,
        "queue without server-side encryption (SqsManagedSseEnabled or KmsMasterKeyId)",
      );
    }
  }
  for (const [name, topic] of ofType("AWS::SNS::Topic")) {
    if (topic.Properties?.KmsMasterKeyId === undefined)
      report(`Resources.${name}`, "topic without KmsMasterKeyId");
  }
  for (const [name, bucket] of ofType("AWS::S3::Bucket")) {
    const encryption = bucket.Properties?.BucketEncryption as
      | { ServerSideEncryptionConfiguration?: unknown[] }
      | undefined;
    if (!encryption?.ServerSideEncryptionConfiguration?.length)
      report(`Resources.${name}`, "bucket without BucketEncryption");
    const block = (bucket.Properties?.PublicAccessBlockConfiguration ?? {}) as Record<string, unknown>;
    for (const flag of [
      "BlockPublicAcls",
      "BlockPublicPolicy",
      "IgnorePublicAcls",
      "RestrictPublicBuckets",
    ]) {
      if (block[flag] !== true)
        report(`Resources.${name}.Properties.PublicAccessBlockConfiguration`, `${flag} must be true`);
    }
    const tlsOnly = ofType("AWS::S3::BucketPolicy").some(
      ([, policy]) =>
        refersTo(policy.Properties?.Bucket, name) &&
        statementsOf(policy.Properties?.PolicyDocument).some(
          (statement) =>
            statement.Effect === "Deny" &&
            JSON.stringify(statement.Condition ?? {}).includes('"aws:SecureTransport":"false"'),
        ),
    );
    if (!tlsOnly) report(`Resources.${name}`, "bucket without a policy denying requests over plain HTTP");
  }

  // Every API route authorized, but the public ones.
  for (const [name, route] of ofType("AWS::ApiGatewayV2::Route")) {
    const key = String(route.Properties?.RouteKey);
    const type = route.Properties?.AuthorizationType;
    const authorized =
      (type === "JWT" || type === "CUSTOM" || type === "AWS_IAM") &&
      route.Properties?.AuthorizerId !== undefined;
    if (!authorized && !PUBLIC_ROUTES.includes(key))
      report(`Resources.${name}`, `route ${key} has no authorizer`);
  }
  for (const [name, method] of ofType("AWS::ApiGateway::Method")) {
    const type = method.Properties?.AuthorizationType;
    if (
      type !== "COGNITO_USER_POOLS" &&
      type !== "CUSTOM" &&
      type !== "AWS_IAM" &&
      method.Properties?.HttpMethod !== "OPTIONS"
    ) {
      report(`Resources.${name}`, "REST method without an authorizer");
    }
  }

  // A dead-letter queue for every queue (a queue that is itself a dead-letter target is one).
  const deadLetterTargets = new Set<string>();
  for (const [, resource] of resources) collectDeadLetterTargets(resource, deadLetterTargets);
  for (const [name, queue] of ofType("AWS::SQS::Queue")) {
    if (deadLetterTargets.has(name)) continue;
    const redrive = queue.Properties?.RedrivePolicy as
      | { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown }
      | undefined;
    const target = redrive ? targetOf(redrive.deadLetterTargetArn) : undefined;
    if (!target || template.Resources[target]?.Type !== "AWS::SQS::Queue") {
      report(`Resources.${name}`, "queue without a RedrivePolicy to a dead-letter queue of this template");
    }
  }

  // Every SQS subscription's queue (and its dead-letter queue) admits the subscribed topic.
  for (const [name, subscription] of ofType("AWS::SNS::Subscription")) {
    if (subscription.Properties?.Protocol !== "sqs") continue;
    const topic = targetOf(subscription.Properties?.TopicArn);
    const redrive = subscription.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined;
    const queues: [string, string | undefined][] = [
      ["Endpoint", targetOf(subscription.Properties?.Endpoint)],
      ...(redrive
        ? [["RedrivePolicy", targetOf(redrive.deadLetterTargetArn)] as [string, string | undefined]]
        : []),
    ];
    for (const [property, queue] of queues) {
      if (!topic || !queue || template.Resources[queue]?.Type !== "AWS::SQS::Queue") {
        report(
          `Resources.${name}.Properties.${property}`,
          "SQS subscription whose topic or queue is not one of this template's resources",
        );
      } else if (!admitsTopic(template, queue, topic)) {
        report(
          `Resources.${name}.Properties.${property}`,
          `queue ${queue} has no queue policy allowing sns.amazonaws.com to sqs:SendMessage with aws:SourceArn ${topic}: SNS would deliver nothing`,
        );
      }
    }
  }
  return findings;
}

/**
 * Whether a queue policy of the template lets SNS send to `queue` on behalf of
 * `topic`: an Allow of `sqs:SendMessage` to the `sns.amazonaws.com` service on
 * the queue, conditioned on `aws:SourceArn` being the topic.
 */
function admitsTopic(template: CfnTemplate, queue: string, topic: string): boolean {
  return Object.values(template.Resources).some(
    (policy) =>
      policy.Type === "AWS::SQS::QueuePolicy" &&
      asList(policy.Properties?.Queues).some((target) => refersTo(target, queue)) &&
      statementsOf(policy.Properties?.PolicyDocument).some((statement) => {
        const service = (statement.Principal as { Service?: unknown } | undefined)?.Service;
        const condition = (statement.Condition ?? {}) as Record<string, Record<string, unknown>>;
        const sourceArns = ["ArnEquals", "ArnLike", "StringEquals"].flatMap((operator) =>
          asList(condition[operator]?.["aws:SourceArn"]),
        );
        return (
          statement.Effect === "Allow" &&
          asList(service).includes("sns.amazonaws.com") &&
          asList(statement.Action).includes("sqs:SendMessage") &&
          asList(statement.Resource).some((target) => refersTo(target, queue)) &&
          sourceArns.some((arn) => refersTo(arn, topic))
        );
      }),
  );
}

type Statement = Record<string, unknown>;

function policyDocuments(
  name: string,
  resource: CfnResource,
): { path: string; document: unknown; kind: "identity" | "resource" }[] {
  const properties = resource.Properties ?? {};
  const base = `Resources.${name}.Properties`;
  switch (resource.Type) {
    case "AWS::IAM::Role":
    case "AWS::IAM::User":
    case "AWS::IAM::Group":
      return asList(properties.Policies).map((policy, index) => ({
        path: `${base}.Policies.${index}.PolicyDocument`,
        document: (policy as { PolicyDocument?: unknown }).PolicyDocument,
        kind: "identity" as const,
      }));
    case "AWS::IAM::Policy":
    case "AWS::IAM::ManagedPolicy":
    case "AWS::IAM::RolePolicy":
      return [{ path: `${base}.PolicyDocument`, document: properties.PolicyDocument, kind: "identity" }];
    case "AWS::SQS::QueuePolicy":
    case "AWS::SNS::TopicPolicy":
    case "AWS::S3::BucketPolicy":
    case "AWS::Events::EventBusPolicy":
      return [{ path: `${base}.PolicyDocument`, document: properties.PolicyDocument, kind: "resource" }];
    case "AWS::KMS::Key":
      return [{ path: `${base}.KeyPolicy`, document: properties.KeyPolicy, kind: "resource" }];
    default:
      return [];
  }
}

/**
 * The statements of a policy document. A statement under a condition
 * (`Fn::If` with `AWS::NoValue`) counts with each of its branches, so a
 * conditional grant is held to the same rules as any other.
 */
function statementsOf(document: unknown): Statement[] {
  const statements = (document as { Statement?: unknown } | undefined)?.Statement;
  return asList(statements)
    .flatMap(branchesOf)
    .filter(
      (statement): statement is Statement =>
        typeof statement === "object" && statement !== null && !isNoValue(statement),
    );
}

function branchesOf(value: unknown): unknown[] {
  const condition = (value as Record<string, unknown> | null)?.["Fn::If"];
  if (Array.isArray(condition) && condition.length === 3) return condition.slice(1).flatMap(branchesOf);
  return [value];
}

const isNoValue = (value: unknown) => (value as { Ref?: unknown }).Ref === "AWS::NoValue";

function asList(value: unknown): unknown[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * Why an identity policy's resource is not scoped to the template's own
 * resources, or undefined when it is: a literal `*` or ARN pattern is not; a
 * `Ref`/`GetAtt` of a resource is; a `Sub` is when it names a resource, or
 * when it is the ARN of a resource the template gives an explicit name (an
 * ARN ending in that name, with no wildcard): how a resource is named where
 * referring to it would close a dependency cycle.
 */
function unscopedResource(target: unknown, template: CfnTemplate): string | undefined {
  if (typeof target === "string") return `resource ${target} is not one of this template's resources`;
  const record = target as Record<string, unknown>;
  if ("Ref" in record || "Fn::GetAtt" in record) {
    return targetOf(record) && targetOf(record)! in template.Resources
      ? undefined
      : "resource refers to no resource of this template";
  }
  if ("Fn::Sub" in record) {
    const args = record["Fn::Sub"];
    const text = Array.isArray(args) ? args[0] : args;
    const names = [...String(text).matchAll(/\$\{([^}.!]+)(\.[^}]*)?\}/g)].map((match) => match[1]!);
    return names.some((name) => name in template.Resources) || isArnOfNamedResource(String(text), template)
      ? undefined
      : `resource ${String(text)} names none of this template's resources`;
  }
  return "resource is not a reference to this template's resources";
}

/** Properties by which CloudFormation resources take an explicit physical name. */
const NAME_PROPERTIES = ["StateMachineName", "FunctionName", "QueueName", "TableName", "TopicName", "Name"];

function isArnOfNamedResource(arn: string, template: CfnTemplate): boolean {
  if (!arn.startsWith("arn:${AWS::Partition}:") || arn.includes("*")) return false;
  return Object.values(template.Resources).some((resource) =>
    NAME_PROPERTIES.some((property) => {
      const given = resource.Properties?.[property] as { "Fn::Sub"?: unknown } | string | undefined;
      const name = typeof given === "object" ? given?.["Fn::Sub"] : undefined;
      return typeof name === "string" && (arn.endsWith(`:${name}`) || arn.endsWith(`/${name}`));
    }),
  );
}

function targetOf(value: unknown): string | undefined {
  const record = value as Record<string, unknown> | undefined;
  if (!record || typeof record !== "object") return undefined;
  if (typeof record.Ref === "string") return record.Ref;
  const getAtt = record["Fn::GetAtt"];
  if (Array.isArray(getAtt) && typeof getAtt[0] === "string") return getAtt[0];
  if (typeof getAtt === "string") return getAtt.split(".")[0];
  return undefined;
}

function refersTo(value: unknown, name: string): boolean {
  return targetOf(value) === name;
}

function collectDeadLetterTargets(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const element of value) collectDeadLetterTargets(element, into);
    return;
  }
  if (!value || typeof value !== "object") return;
  for (const [key, element] of Object.entries(value)) {
    if (
      key === "deadLetterTargetArn" ||
      (key === "DeadLetterConfig" && element && typeof element === "object")
    ) {
      const target = targetOf(key === "deadLetterTargetArn" ? element : (element as { Arn?: unknown }).Arn);
      if (target) into.add(target);
    }
    collectDeadLetterTargets(element, into);
  }
}
