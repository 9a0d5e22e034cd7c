// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders, not JavaScript templates
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type * as z from "zod/mini";
import {
  DEPLOYED_HANDLERS,
  environmentSchemaOf,
  ids,
  loadHandlerConfig,
} from "../../scripts/cloudformation/build-template.js";
import type { CfnTemplate } from "../../scripts/cloudformation/cfn-yaml.js";
import { FUNCTIONS, QUEUES } from "../../scripts/cloudformation/deployment.js";
import { renderTemplate, TEMPLATE_PATH } from "../../scripts/generate-template.js";
import { TABLE_DEFINITIONS } from "../../src/adapters/aws/dynamodb-tables.js";
import {
  type EventPattern,
  matchesEventPattern,
  validateEventPattern,
} from "../../src/adapters/memory/event-pattern.js";
import type { BusEnvelope } from "../../src/adapters/memory/in-memory-event-bus.js";
import { ORDER_EVENT_TYPES } from "../../src/domain/events.js";
import { RUNTIME_VARIABLES } from "../../src/entrypoints/config.js";
import { handleHttpRequest } from "../../src/entrypoints/http/http-core.js";
import { EVENT_ROUTES, EVENT_SOURCE, type EventRouteName, routeRuleName } from "../../src/ports/routing.js";
import { loadCommittedTemplate, prop, resourcesOfType, targetOf } from "./committed-template.js";

const template = loadCommittedTemplate();
const resource = (id: string) => template.Resources[id];

/** Fake physical values, as CloudFormation would resolve them in eu-west-1, for checking values against the schemas. */
function resolve(value: unknown, t: CfnTemplate): unknown {
  const pseudo: Record<string, string> = {
    "AWS::Region": "eu-west-1",
    "AWS::AccountId": "123456789012",
    "AWS::StackName": "orderflow",
    "AWS::Partition": "aws",
  };
  const sub = (text: string) =>
    text.replace(/\$\{([^}]+)\}/g, (_, name: string) => String(resolve({ Ref: name }, t)));
  if (typeof value === "string" || typeof value === "number") return value;
  const record = value as Record<string, unknown>;
  if (typeof record["Fn::Sub"] === "string") return sub(record["Fn::Sub"]);
  const name = targetOf(value);
  if (!name) throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  if (name in pseudo) return pseudo[name];
  const parameter = t.Parameters?.[name];
  if (parameter) return parameter.Default;
  const target = t.Resources[name];
  if (!target) throw new Error(`no resource ${name}`);
  const named = (property: string, fallback: string) => {
    const given = target.Properties?.[property];
    return given === undefined ? fallback : String(resolve(given, t));
  };
  switch (target.Type) {
    case "AWS::DynamoDB::Table":
      return `orderflow-${name}-1A2B3C4D5E6F`;
    case "AWS::SQS::Queue":
      return `https://sqs.eu-west-1.amazonaws.com/123456789012/${named("QueueName", `orderflow-${name}-1A2B3C4D5E6F`)}`;
    case "AWS::Events::EventBus":
      return named("Name", name);
    case "AWS::SNS::Topic":
      return `arn:aws:sns:eu-west-1:123456789012:orderflow-${name}-1A2B3C4D5E6F`;
    case "AWS::S3::Bucket":
      return named("BucketName", `orderflow-${name.toLowerCase()}-1a2b3c`);
    default:
      throw new Error(`no fake value for ${target.Type}`);
  }
}

function environmentOf(handler: string): Record<string, unknown> {
  return prop<{ Variables: Record<string, unknown> }>(resource(ids.function(handler)), "Environment")
    .Variables;
}

describe("deploy/template.yaml is generated from the code", () => {
  it("is the one the generator writes (run `npm run deploy:template` if not)", () => {
    expect(readFileSync(TEMPLATE_PATH, "utf8")).toBe(renderTemplate());
  });

  it("has a function spec for exactly the handlers the code defines", () => {
    expect(Object.keys(FUNCTIONS).sort()).toEqual([...DEPLOYED_HANDLERS].sort());
  });
});

describe("bundles", () => {
  it("the Lambda build bundles every deployed handler (into the directory its function's Code names)", async () => {
    const { LAMBDA_HANDLERS } = await import("../../tsup.lambda.config.js");
    expect(Object.keys(LAMBDA_HANDLERS).sort()).toEqual([...DEPLOYED_HANDLERS].sort());
  });
});

describe("functions", () => {
  const functions = resourcesOfType(template, "AWS::Lambda::Function");

  it("deploys one function per handler, from the handler's bundle", () => {
    expect(functions.map(([id]) => id).sort()).toEqual(
      DEPLOYED_HANDLERS.map((handler) => ids.function(handler)).sort(),
    );
    for (const handler of DEPLOYED_HANDLERS) {
      const fn = resource(ids.function(handler));
      expect(prop(fn, "Code")).toBe(`../dist/lambda/${handler}`);
      expect(prop(fn, "Handler")).toBe("index.handler");
      expect(prop(fn, "Architectures")).toEqual(["arm64"]);
      expect(prop<string>(fn, "Runtime")).toMatch(/^nodejs(20|22)\.x$/);
    }
  });

  it.each([...DEPLOYED_HANDLERS])(
    "%s: the environment sets every required variable of its schema, and nothing else",
    (handler) => {
      const shape = environmentSchemaOf(handler).shape as Record<string, z.ZodMiniType>;
      const required = Object.entries(shape)
        .filter(([name, schema]) => !schema.safeParse(undefined).success && !RUNTIME_VARIABLES.includes(name))
        .map(([name]) => name);
      const set = Object.keys(environmentOf(handler));
      expect(set.filter((name) => !required.includes(name))).toEqual(["LOG_LEVEL"]);
      for (const name of required) expect(set).toContain(name);
      for (const name of set) expect(Object.keys(shape)).toContain(name);
    },
  );

  it.each([...DEPLOYED_HANDLERS])(
    "%s: the values the template gives pass the handler's own configuration check",
    (handler) => {
      const env = Object.fromEntries(
        Object.entries(environmentOf(handler)).map(([name, value]) => [
          name,
          String(resolve(value, template)),
        ]),
      );
      const config = loadHandlerConfig(handler, { ...env, AWS_REGION: "eu-west-1" });
      expect(config.ORDERFLOW_ADAPTERS).toBe("aws");
      for (const [name, value] of Object.entries(env))
        expect((config as Record<string, unknown>)[name]).toBe(value);
    },
  );

  it.each([...DEPLOYED_HANDLERS])("%s: each variable names the resource of its kind", (handler) => {
    const env = environmentOf(handler);
    const tableOf: Record<string, string> = {
      ORDERS_TABLE: "orders",
      IDEMPOTENCY_TABLE: "idempotency",
      PRODUCTS_TABLE: "products",
      FILE_HISTORY_TABLE: "fileHistory",
    };
    for (const [name, value] of Object.entries(env)) {
      const target = resource(targetOf(value) ?? "");
      if (name in tableOf) {
        expect(target?.Type).toBe("AWS::DynamoDB::Table");
        const definition = TABLE_DEFINITIONS[tableOf[name] as keyof typeof TABLE_DEFINITIONS];
        expect(prop(target, "KeySchema")).toEqual(definition.KeySchema);
      }
      if (name === "INTAKE_QUEUE_URL") expect(targetOf(value)).toBe(ids.queue("intake"));
      if (name === "FILE_EXTRACTION_QUEUE_URL") expect(targetOf(value)).toBe(ids.queue("file-extraction"));
      if (name === "EVENT_BUS_NAME") expect(target?.Type).toBe("AWS::Events::EventBus");
      if (name === "ALERT_TOPIC_ARN") expect(target?.Type).toBe("AWS::SNS::Topic");
      if (name === "FILES_BUCKET") expect(target?.Type).toBe("AWS::S3::Bucket");
    }
  });

  it.each([...DEPLOYED_HANDLERS])(
    "%s: its role touches only what its environment names, its own queue and log group",
    (handler) => {
      const role = resource(ids.role(handler));
      const allowed = new Set(
        Object.values(environmentOf(handler)).map(targetOf).filter(Boolean) as string[],
      );
      allowed.add(ids.logGroup(handler));
      const mapping = resource(ids.mapping(handler));
      if (mapping) allowed.add(targetOf(prop(mapping, "EventSourceArn"))!);
      // The alert topic's key goes with the topic.
      if (allowed.has(ids.alertTopic)) allowed.add(ids.alertKey);
      const statements = prop<{ PolicyDocument: { Statement: { Resource: unknown }[] } }[]>(
        role,
        "Policies",
      ).flatMap((policy) => policy.PolicyDocument.Statement);
      for (const statement of statements) {
        for (const target of [statement.Resource].flat()) {
          const sub = (target as Record<string, unknown>)["Fn::Sub"];
          const name = typeof sub === "string" ? /^\$\{([A-Za-z0-9]+)/.exec(sub)?.[1] : targetOf(target);
          expect(allowed, JSON.stringify(target)).toContain(name);
        }
      }
      expect(prop(resource(ids.function(handler)), "Role")).toEqual({
        "Fn::GetAtt": [ids.role(handler), "Arn"],
      });
    },
  );
});

describe("queues and triggers", () => {
  const queues = resourcesOfType(template, "AWS::SQS::Queue");
  const mappings = resourcesOfType(template, "AWS::Lambda::EventSourceMapping");

  it("every queue has a dead-letter queue of the same kind, or is one", () => {
    const deadLetter = new Set(
      queues.flatMap(([, queue]) => {
        const redrive = prop<{ deadLetterTargetArn: unknown } | undefined>(queue, "RedrivePolicy");
        return redrive ? [targetOf(redrive.deadLetterTargetArn)] : [];
      }),
    );
    for (const [, rule] of resourcesOfType(template, "AWS::Events::Rule")) {
      for (const target of prop<{ DeadLetterConfig?: { Arn: unknown } }[]>(rule, "Targets")) {
        deadLetter.add(targetOf(target.DeadLetterConfig?.Arn)!);
      }
    }
    for (const [id, queue] of queues) {
      if (deadLetter.has(id)) continue;
      const redrive = prop<{ deadLetterTargetArn: unknown; maxReceiveCount: number }>(queue, "RedrivePolicy");
      const dlq = resource(targetOf(redrive.deadLetterTargetArn)!);
      expect(dlq?.Type, id).toBe("AWS::SQS::Queue");
      expect(prop(dlq, "FifoQueue") ?? false, id).toBe(prop(queue, "FifoQueue") ?? false);
      expect(redrive.maxReceiveCount).toBeGreaterThanOrEqual(3);
    }
  });

  it("every dead-letter queue, a queue's or a bus rule's, has an alarm on its first visible message", () => {
    const alarms = resourcesOfType(template, "AWS::CloudWatch::Alarm");
    const dlqs = [
      ...queues.flatMap(([, queue]) => {
        const redrive = prop<{ deadLetterTargetArn: unknown } | undefined>(queue, "RedrivePolicy");
        return redrive ? [targetOf(redrive.deadLetterTargetArn)!] : [];
      }),
      ...resourcesOfType(template, "AWS::Events::Rule").flatMap(([, rule]) =>
        prop<{ DeadLetterConfig: { Arn: unknown } }[]>(rule, "Targets").map(
          (target) => targetOf(target.DeadLetterConfig.Arn)!,
        ),
      ),
    ];
    expect(dlqs.length).toBe(Object.keys(QUEUES).length + Object.keys(EVENT_ROUTES).length);
    for (const dlq of dlqs) {
      const watching = alarms.filter(([, alarm]) => {
        const [dimension] = prop<{ Value: unknown }[]>(alarm, "Dimensions") ?? [];
        return (
          prop(alarm, "MetricName") === "ApproximateNumberOfMessagesVisible" &&
          targetOf(dimension?.Value) === dlq
        );
      });
      expect(watching, dlq).toHaveLength(1);
      const [[, alarm]] = watching as [[string, never]];
      expect(prop(alarm, "Threshold"), dlq).toBe(1);
      expect(prop(alarm, "ComparisonOperator"), dlq).toBe("GreaterThanOrEqualToThreshold");
      expect(prop<unknown[]>(alarm, "AlarmActions"), dlq).toEqual([{ Ref: ids.alertTopic }]);
    }
  });

  it("every mapping reports partial batch failures and its queue's visibility is at least 6 × the function timeout", () => {
    expect(mappings).toHaveLength(
      DEPLOYED_HANDLERS.filter((handler) => FUNCTIONS[handler]?.trigger.kind === "queue").length,
    );
    for (const [id, mapping] of mappings) {
      expect(prop(mapping, "FunctionResponseTypes"), id).toEqual(["ReportBatchItemFailures"]);
      const queue = resource(targetOf(prop(mapping, "EventSourceArn"))!);
      const fn = resource(targetOf(prop(mapping, "FunctionName"))!);
      expect(prop<number>(queue, "VisibilityTimeout"), id).toBeGreaterThanOrEqual(
        6 * prop<number>(fn, "Timeout"),
      );
      if (prop(queue, "FifoQueue")) expect(prop<number>(mapping, "BatchSize")).toBeLessThanOrEqual(10);
    }
  });

  it("every queue of the flows is consumed by its handler", () => {
    for (const name of Object.keys(QUEUES)) {
      const consumers = mappings.filter(
        ([, mapping]) => targetOf(prop(mapping, "EventSourceArn")) === ids.queue(name),
      );
      expect(consumers, name).toHaveLength(1);
    }
    expect(prop(resource(ids.queue("intake")), "FifoQueue")).toBe(true);
  });

  it("the bucket notifies the file-intake queue of new files under incoming/, and the queue admits only that bucket", () => {
    const bucket = resource(ids.filesBucket);
    const [notification] = prop<{ QueueConfigurations: Record<string, unknown>[] }>(
      bucket,
      "NotificationConfiguration",
    ).QueueConfigurations;
    expect(targetOf(notification?.Queue)).toBe(ids.queue("file-intake"));
    expect(notification?.Filter).toEqual({ S3Key: { Rules: [{ Name: "prefix", Value: "incoming/" }] } });
    expect([bucket?.DependsOn].flat()).toContain(ids.queuePolicy("file-intake"));
    const policy = resource(ids.queuePolicy("file-intake"));
    const statement = prop<{ Statement: Record<string, unknown>[] }>(policy, "PolicyDocument").Statement[0]!;
    const bucketName = resolve(prop(bucket, "BucketName"), template);
    expect(
      resolve(
        (statement.Condition as { ArnEquals: Record<string, unknown> }).ArnEquals["aws:SourceArn"],
        template,
      ),
    ).toBe(`arn:aws:s3:::${bucketName}`);
  });
});

describe("bus rules", () => {
  const rules = resourcesOfType(template, "AWS::Events::Rule");
  /** What each route's consumer handles (parseBusEvent in the consumers), stated independently of the routes. */
  const EXPECTED: Record<string, readonly string[]> = {
    processing: ["OrderValidated"],
    cancel: ["CancellationRequested"],
    modify: ["ModificationRequested"],
  };
  const eventTypes = [...ORDER_EVENT_TYPES, "CancellationRequested", "ModificationRequested"];
  const envelope = (type: string, source = EVENT_SOURCE): BusEnvelope => ({
    version: "0",
    id: `e-${type}`,
    "detail-type": type,
    source,
    account: "123456789012",
    time: "2026-01-01T00:00:00Z",
    region: "eu-west-1",
    resources: [],
    detail: {
      id: `o-1:1:0`,
      type,
      schemaVersion: 1,
      occurredAt: "2026-01-01T00:00:00Z",
      orderId: "o-1",
      orderVersion: 1,
      correlationId: "c-1",
      causationId: "c-1",
      data: {},
    },
  });

  it("has one rule per route, with the route's pattern, on the orderflow bus, into the queue of the same name", () => {
    expect(rules).toHaveLength(Object.keys(EVENT_ROUTES).length);
    for (const [route, types] of Object.entries(EVENT_ROUTES)) {
      const rule = resource(ids.rule(route));
      expect(prop(rule, "EventPattern")).toEqual({ source: [EVENT_SOURCE], "detail-type": types });
      expect(targetOf(prop(rule, "EventBusName"))).toBe(ids.eventBus);
      const [target] = prop<{ Arn: unknown }[]>(rule, "Targets");
      expect(targetOf(target?.Arn)).toBe(ids.queue(route));
    }
  });

  it.each(Object.keys(EVENT_ROUTES))(
    "%s: its pattern is valid and matches exactly the events its consumer handles",
    (route) => {
      const pattern = prop<EventPattern>(resource(ids.rule(route)), "EventPattern");
      validateEventPattern(pattern);
      for (const type of eventTypes) {
        expect(matchesEventPattern(pattern, envelope(type)), type).toBe(EXPECTED[route]!.includes(type));
        expect(matchesEventPattern(pattern, envelope(type, "someone-else")), `${type} from elsewhere`).toBe(
          false,
        );
      }
    },
  );

  it("the archive keeps every orderflow event and nothing else", () => {
    const [[, archive]] = resourcesOfType(template, "AWS::Events::Archive") as [[string, never]];
    const pattern = prop<EventPattern>(archive, "EventPattern");
    for (const type of eventTypes) expect(matchesEventPattern(pattern, envelope(type))).toBe(true);
    expect(matchesEventPattern(pattern, envelope("OrderValidated", "someone-else"))).toBe(false);
  });

  it("every rule target retries and then dead-letters into its own standard queue, which admits only that rule", () => {
    for (const route of Object.keys(EVENT_ROUTES)) {
      const targets = prop<{ DeadLetterConfig?: { Arn: unknown }; RetryPolicy?: Record<string, number> }[]>(
        resource(ids.rule(route)),
        "Targets",
      );
      for (const target of targets) {
        expect(target.RetryPolicy, route).toEqual({
          MaximumRetryAttempts: expect.any(Number),
          MaximumEventAgeInSeconds: expect.any(Number),
        });
        const dlq = targetOf(target.DeadLetterConfig?.Arn)!;
        expect(dlq, route).toBe(ids.deadLetterQueue(routeRuleName(route as EventRouteName)));
        expect(resource(dlq)?.Type).toBe("AWS::SQS::Queue");
        expect(prop(resource(dlq), "FifoQueue") ?? false, dlq).toBe(false);
        const [[, policy]] = resourcesOfType(template, "AWS::SQS::QueuePolicy").filter(([, candidate]) =>
          prop<unknown[]>(candidate, "Queues").some((queue) => targetOf(queue) === dlq),
        ) as [[string, never]];
        const [statement] = prop<{ Statement: Record<string, unknown>[] }>(
          policy,
          "PolicyDocument",
        ).Statement;
        expect(statement).toMatchObject({
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: "sqs:SendMessage",
        });
        expect(targetOf(statement?.Resource)).toBe(dlq);
        const condition = statement?.Condition as { ArnEquals: Record<string, unknown> } | undefined;
        expect(targetOf(condition?.ArnEquals["aws:SourceArn"])).toBe(ids.rule(route));
      }
    }
  });

  it("each queue fed by a rule admits only that rule", () => {
    for (const route of Object.keys(EVENT_ROUTES)) {
      const policy = resource(ids.queuePolicy(route));
      const [statement] = prop<{ Statement: Record<string, unknown>[] }>(policy, "PolicyDocument").Statement;
      expect(statement?.Principal).toEqual({ Service: "events.amazonaws.com" });
      const condition = statement?.Condition as { ArnEquals: Record<string, unknown> } | undefined;
      expect(targetOf(condition?.ArnEquals["aws:SourceArn"])).toBe(ids.rule(route));
    }
  });
});

describe("tables and API", () => {
  it("creates every table of the code's definitions, as defined", () => {
    for (const definition of Object.values(TABLE_DEFINITIONS)) {
      const table = resource(ids.table(definition.logicalName));
      expect(prop(table, "KeySchema")).toEqual(definition.KeySchema);
      expect(prop(table, "AttributeDefinitions")).toEqual(definition.AttributeDefinitions);
      expect(prop(table, "GlobalSecondaryIndexes")).toEqual(definition.GlobalSecondaryIndexes);
      expect(prop(table, "BillingMode")).toBe("PAY_PER_REQUEST");
      expect(
        prop<{ AttributeName: string } | undefined>(table, "TimeToLiveSpecification")?.AttributeName,
      ).toBe(definition.timeToLiveAttribute);
    }
  });

  it("routes only requests the HTTP core serves, every one but health behind the Cognito authorizer", async () => {
    const routes = resourcesOfType(template, "AWS::ApiGatewayV2::Route");
    expect(routes).toHaveLength(6);
    const failingApi = new Proxy({}, { get: () => () => Promise.reject(new Error("not reached")) });
    for (const [id, route] of routes) {
      const [method, path] = String(prop(route, "RouteKey")).split(" ") as [string, string];
      const response = await handleHttpRequest(failingApi as never, {
        method,
        path: path.replace("{id}", "o-1"),
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(String(JSON.parse(response.body).error?.code ?? ""), id).not.toMatch(
        /ROUTE_NOT_FOUND|METHOD_NOT_ALLOWED/,
      );
      if (path === "/health") expect(prop(route, "AuthorizationType")).toBe("NONE");
      else expect(targetOf(prop(route, "AuthorizerId")), id).toBe("ApiAuthorizer");
    }
    const authorizer = resource("ApiAuthorizer");
    expect(prop(authorizer, "AuthorizerType")).toBe("JWT");
    expect(JSON.stringify(prop(authorizer, "JwtConfiguration"))).toContain(
      "https://cognito-idp.${AWS::Region}.amazonaws.com/",
    );
  });
});
