// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders, not JavaScript templates
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type * as z from "zod/mini";
import {
  capacityOf,
  DEPLOYED_HANDLERS,
  environmentSchemaOf,
  ids,
  loadHandlerConfig,
  orchestrationCondition,
  STATE_MACHINE_NAME,
  SUBSCRIPTIONS_DEAD_LETTERS,
  tableScalingResources,
  WORKFLOW_TASK_HANDLER,
} from "../../scripts/cloudformation/build-template.js";
import type { CfnTemplate } from "../../scripts/cloudformation/cfn-yaml.js";
import {
  API_ROUTES,
  FUNCTIONS,
  OPTIONAL_VARIABLES_SET,
  PORT_GRANTS,
  QUEUES,
  type QueueName,
  SCALABLE_TABLES,
} from "../../scripts/cloudformation/deployment.js";
import { renderTemplate, TEMPLATE_PATH } from "../../scripts/generate-template.js";
import { ORDERS_TABLE, TABLE_DEFINITIONS } from "../../src/adapters/aws/dynamodb-tables.js";
import {
  type EventPattern,
  matchesEventPattern,
  validateEventPattern,
} from "../../src/adapters/memory/event-pattern.js";
import type { BusEnvelope } from "../../src/adapters/memory/in-memory-event-bus.js";
import { ORDER_EVENT_TYPES } from "../../src/domain/events.js";
import { HANDLER_PORTS, type ResourcePort, RUNTIME_VARIABLES } from "../../src/entrypoints/config.js";
import { ORCHESTRATIONS } from "../../src/entrypoints/handlers.js";
import { handleHttpRequest } from "../../src/entrypoints/http/http-core.js";
import {
  orderWorkflowDefinition,
  TASK_FUNCTION_PLACEHOLDER,
} from "../../src/entrypoints/workflow/order-workflow.js";
import { NOTIFICATION_PRIORITY_ATTRIBUTE } from "../../src/ports/notification-publisher.js";
import {
  EVENT_ROUTES,
  EVENT_SOURCE,
  type EventRouteName,
  NOTIFICATION_QUEUES,
  routeRuleName,
} from "../../src/ports/routing.js";
import { loadCommittedTemplate, prop, resourcesOfType, targetOf } from "./committed-template.js";

const template = loadCommittedTemplate();
const resource = (id: string) => template.Resources[id];

/** What `Ref AWS::NoValue` resolves to: the property is left out. */
const NO_VALUE = Symbol("AWS::NoValue");

/** Whether a condition of the template holds with the given parameter values (defaults otherwise). */
function holds(condition: unknown, t: CfnTemplate, parameters: Record<string, string>): boolean {
  const record = condition as Record<string, unknown[]>;
  if (typeof record.Condition === "string") return holds(t.Conditions?.[record.Condition], t, parameters);
  if (record["Fn::Equals"]) {
    const [a, b] = record["Fn::Equals"].map((side) => resolve(side, t, parameters));
    return a === b;
  }
  if (record["Fn::Not"]) return !holds(record["Fn::Not"][0], t, parameters);
  if (record["Fn::And"]) return record["Fn::And"].every((part) => holds(part, t, parameters));
  if (record["Fn::Or"]) return record["Fn::Or"].some((part) => holds(part, t, parameters));
  throw new Error(`cannot evaluate ${JSON.stringify(condition)}`);
}

/** Fake physical values, as CloudFormation would resolve them in eu-west-1, for checking values against the schemas. */
function resolve(value: unknown, t: CfnTemplate, parameters: Record<string, string> = {}): unknown {
  const pseudo: Record<string, string> = {
    "AWS::Region": "eu-west-1",
    "AWS::AccountId": "123456789012",
    "AWS::StackName": "orderflow",
    "AWS::Partition": "aws",
  };
  const sub = (text: string) =>
    text.replace(/\$\{([^}]+)\}/g, (_, name: string) => String(resolve({ Ref: name }, t, parameters)));
  if (typeof value === "string" || typeof value === "number") return value;
  const record = value as Record<string, unknown>;
  if (typeof record["Fn::Sub"] === "string") return sub(record["Fn::Sub"]);
  const branches = record["Fn::If"];
  if (Array.isArray(branches)) {
    const [condition, whenTrue, whenFalse] = branches as [string, unknown, unknown];
    return resolve(holds({ Condition: condition }, t, parameters) ? whenTrue : whenFalse, t, parameters);
  }
  const name = targetOf(value);
  if (!name) throw new Error(`cannot resolve ${JSON.stringify(value)}`);
  if (name === "AWS::NoValue") return NO_VALUE;
  if (name in pseudo) return pseudo[name];
  const parameter = t.Parameters?.[name];
  if (parameter) return parameters[name] ?? parameter.Default;
  const target = t.Resources[name];
  if (!target) throw new Error(`no resource ${name}`);
  if (target.Condition && !holds({ Condition: target.Condition }, t, parameters))
    throw new Error(`${name} is not created with these parameters`);
  const named = (property: string, fallback: string) => {
    const given = target.Properties?.[property];
    return given === undefined ? fallback : String(resolve(given, t, parameters));
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

/** A boolean property, `Fn::If` included, as the stack would resolve it with the given parameter values. */
function resolveBoolean(value: unknown, t: CfnTemplate, parameters: Record<string, string>): boolean {
  const branches = (value as Record<string, unknown> | undefined)?.["Fn::If"];
  if (Array.isArray(branches)) {
    const [condition, whenTrue, whenFalse] = branches as [string, unknown, unknown];
    return resolveBoolean(
      holds({ Condition: condition }, t, parameters) ? whenTrue : whenFalse,
      t,
      parameters,
    );
  }
  return value === true || value === "true";
}

/** The subscriptions of queues to topics (the alert topic's e-mail subscription is not one). */
function sqsSubscriptions() {
  return resourcesOfType(template, "AWS::SNS::Subscription").filter(
    ([, subscription]) => prop(subscription, "Protocol") === "sqs",
  );
}

function environmentOf(handler: string): Record<string, unknown> {
  return prop<{ Variables: Record<string, unknown> }>(resource(ids.function(handler)), "Environment")
    .Variables;
}

/** A handler's environment as the stack would set it with the given parameter values. */
function resolvedEnvironmentOf(
  handler: string,
  parameters: Record<string, string> = {},
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(environmentOf(handler)).flatMap(([name, value]) => {
      const resolved = resolve(value, template, parameters);
      return resolved === NO_VALUE ? [] : [[name, String(resolved)]];
    }),
  );
}

/** The logical ids a value may name: both branches of an `Fn::If`, but `AWS::NoValue`. */
function targetsOf(value: unknown): string[] {
  const branches = (value as Record<string, unknown> | undefined)?.["Fn::If"];
  if (Array.isArray(branches)) return branches.slice(1).flatMap(targetsOf);
  const target = targetOf(value);
  return target && target !== "AWS::NoValue" ? [target] : [];
}

/** A policy's statements, those under a condition included (each branch but `AWS::NoValue`). */
function statementsOf(statements: unknown[]): Record<string, unknown>[] {
  return statements.flatMap((statement) => {
    const branches = (statement as Record<string, unknown>)["Fn::If"];
    if (!Array.isArray(branches)) return [statement as Record<string, unknown>];
    return statementsOf(branches.slice(1).filter((branch) => targetOf(branch) !== "AWS::NoValue"));
  });
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
      expect(set.filter((name) => !required.includes(name)).sort()).toEqual(
        OPTIONAL_VARIABLES_SET.filter((name) => name in shape).sort(),
      );
      for (const name of required) expect(set).toContain(name);
      for (const name of set) expect(Object.keys(shape)).toContain(name);
    },
  );

  it.each([...DEPLOYED_HANDLERS])(
    "%s: the values the template gives pass the handler's own configuration check",
    (handler) => {
      for (const parameters of [{}, { NotificationChannel: "email" }] as Record<string, string>[]) {
        const env = resolvedEnvironmentOf(handler, parameters);
        const config = loadHandlerConfig(handler, { ...env, AWS_REGION: "eu-west-1" });
        expect(config.ORDERFLOW_ADAPTERS).toBe("aws");
        for (const [name, value] of Object.entries(env))
          expect((config as Record<string, unknown>)[name]).toBe(value);
      }
    },
  );

  it("the notification channel is the NotificationChannel parameter, and the e-mail topic is named only with email", () => {
    const byDefault = resolvedEnvironmentOf("deliver-notification");
    expect(byDefault.NOTIFICATION_CHANNEL).toBe("log");
    expect(byDefault).not.toHaveProperty("EMAIL_TOPIC_ARN");
    const email = resolvedEnvironmentOf("deliver-notification", { NotificationChannel: "email" });
    expect(email.NOTIFICATION_CHANNEL).toBe("email");
    expect(email.EMAIL_TOPIC_ARN).toMatch(/^arn:aws:sns:.*EmailTopic/);
    expect(resource(ids.emailTopic)?.Condition).toBe("UseEmailChannel");
  });

  it.each([...DEPLOYED_HANDLERS])("%s: each variable names the resource of its kind", (handler) => {
    const env = environmentOf(handler);
    const tableOf: Record<string, string> = {
      ORDERS_TABLE: "orders",
      IDEMPOTENCY_TABLE: "idempotency",
      PRODUCTS_TABLE: "products",
      FILE_HISTORY_TABLE: "fileHistory",
      NOTIFICATIONS_TABLE: "notifications",
    };
    for (const [name, value] of Object.entries(env)) {
      const target = resource(targetsOf(value)[0] ?? "");
      if (name in tableOf) {
        expect(target?.Type).toBe("AWS::DynamoDB::Table");
        const definition = TABLE_DEFINITIONS[tableOf[name] as keyof typeof TABLE_DEFINITIONS];
        expect(prop(target, "KeySchema")).toEqual(definition.KeySchema);
      }
      if (name === "INTAKE_QUEUE_URL") expect(targetOf(value)).toBe(ids.queue("intake"));
      if (name === "FILE_EXTRACTION_QUEUE_URL") expect(targetOf(value)).toBe(ids.queue("file-extraction"));
      if (name === "EVENT_BUS_NAME") expect(target?.Type).toBe("AWS::Events::EventBus");
      if (name === "ALERT_TOPIC_ARN") expect(targetOf(value)).toBe(ids.alertTopic);
      if (name === "NOTIFICATION_TOPIC_ARN") expect(targetOf(value)).toBe(ids.notificationTopic);
      if (name === "EMAIL_TOPIC_ARN") expect(targetsOf(value)).toEqual([ids.emailTopic]);
      if (name === "FILES_BUCKET") expect(target?.Type).toBe("AWS::S3::Bucket");
    }
  });

  it.each([...DEPLOYED_HANDLERS])(
    "%s: its role touches only what its environment names, its own queue and log group",
    (handler) => {
      const role = resource(ids.role(handler));
      const allowed = new Set(Object.values(environmentOf(handler)).flatMap(targetsOf));
      allowed.add(ids.logGroup(handler));
      for (const [, mapping] of resourcesOfType(template, "AWS::Lambda::EventSourceMapping")) {
        if (targetOf(prop(mapping, "FunctionName")) === ids.function(handler))
          allowed.add(targetOf(prop(mapping, "EventSourceArn"))!);
      }
      // A topic's key goes with the topic.
      if (allowed.has(ids.alertTopic)) allowed.add(ids.alertKey);
      if (allowed.has(ids.notificationTopic) || allowed.has(ids.emailTopic)) allowed.add(ids.notificationKey);
      const statements = statementsOf(
        prop<{ PolicyDocument: { Statement: unknown[] } }[]>(role, "Policies").flatMap(
          (policy) => policy.PolicyDocument.Statement,
        ),
      );
      // A value the environment gives (the state machine's ARN, built from its name) names what it names.
      const given = Object.values(environmentOf(handler)).map((value) => JSON.stringify(value));
      for (const statement of statements) {
        for (const target of [statement.Resource].flat()) {
          if (given.includes(JSON.stringify(target))) continue;
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
    for (const [, subscription] of sqsSubscriptions()) {
      deadLetter.add(
        targetOf(prop<{ deadLetterTargetArn: unknown }>(subscription, "RedrivePolicy").deadLetterTargetArn)!,
      );
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

  it("every dead-letter queue, a queue's, a bus rule's or the subscriptions', has an alarm on its first visible message", () => {
    const alarms = resourcesOfType(template, "AWS::CloudWatch::Alarm");
    const subscriptionDeadLetters = new Set(
      sqsSubscriptions().map(
        ([, subscription]) =>
          targetOf(
            prop<{ deadLetterTargetArn: unknown }>(subscription, "RedrivePolicy").deadLetterTargetArn,
          )!,
      ),
    );
    expect([...subscriptionDeadLetters]).toEqual([ids.deadLetterQueue(SUBSCRIPTIONS_DEAD_LETTERS)]);
    const dlqs = [
      ...subscriptionDeadLetters,
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
    expect(dlqs.length).toBe(Object.keys(QUEUES).length + Object.keys(EVENT_ROUTES).length + 1);
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

  it("every mapping reports partial batch failures and its queue's visibility is at least 6 × the function timeout plus the batching window", () => {
    expect(mappings).toHaveLength(
      DEPLOYED_HANDLERS.reduce((count, handler) => {
        const trigger = FUNCTIONS[handler]?.trigger;
        return count + (trigger?.kind === "queue" ? trigger.queues.length : 0);
      }, 0),
    );
    for (const [id, mapping] of mappings) {
      expect(prop(mapping, "FunctionResponseTypes"), id).toEqual(["ReportBatchItemFailures"]);
      const queue = resource(targetOf(prop(mapping, "EventSourceArn"))!);
      const fn = resource(targetOf(prop(mapping, "FunctionName"))!);
      expect(prop<number>(queue, "VisibilityTimeout"), id).toBeGreaterThanOrEqual(
        6 * prop<number>(fn, "Timeout") +
          (prop<number | undefined>(mapping, "MaximumBatchingWindowInSeconds") ?? 0),
      );
      if (prop(queue, "FifoQueue")) expect(prop<number>(mapping, "BatchSize")).toBeLessThanOrEqual(10);
    }
  });

  it("every queue of the flows is consumed by one handler under each orchestration", () => {
    for (const orchestration of ORCHESTRATIONS) {
      const parameters = { Orchestration: orchestration };
      for (const name of Object.keys(QUEUES)) {
        const consumers = mappings.filter(
          ([, mapping]) =>
            targetOf(prop(mapping, "EventSourceArn")) === ids.queue(name) &&
            (prop(mapping, "Enabled") === undefined ||
              resolveBoolean(prop(mapping, "Enabled"), template, parameters)),
        );
        expect(consumers, `${name} (${orchestration})`).toHaveLength(1);
      }
    }
    expect(prop(resource(ids.queue("intake")), "FifoQueue")).toBe(true);
  });

  it("the processing queue has two mappings, enabled by opposite conditions: each its handler's orchestration", () => {
    const processing = mappings.filter(
      ([, mapping]) => targetOf(prop(mapping, "EventSourceArn")) === ids.queue("processing"),
    );
    expect(processing).toHaveLength(2);
    const byHandler = new Map(
      processing.map(([, mapping]) => [targetOf(prop(mapping, "FunctionName")), prop(mapping, "Enabled")]),
    );
    for (const handler of DEPLOYED_HANDLERS) {
      const trigger = FUNCTIONS[handler]!.trigger;
      if (trigger.kind !== "queue" || !trigger.queues.includes("processing")) continue;
      expect(trigger.orchestration, handler).toBeDefined();
      expect(byHandler.get(ids.function(handler)), handler).toEqual({
        "Fn::If": [orchestrationCondition(trigger.orchestration!), true, false],
      });
    }
    expect(template.Conditions?.UseWorkflowOrchestration).toEqual({
      "Fn::Equals": [{ Ref: "Orchestration" }, "workflow"],
    });
    expect(template.Conditions?.UseQueueOrchestration).toEqual({
      "Fn::Equals": [{ Ref: "Orchestration" }, "queue"],
    });
    expect(template.Parameters?.Orchestration).toMatchObject({
      Default: "workflow",
      AllowedValues: [...ORCHESTRATIONS],
    });
    const enabled = (parameters: Record<string, string>) =>
      [...byHandler.values()].filter((value) => resolveBoolean(value, template, parameters)).length;
    expect(enabled({})).toBe(1);
    for (const orchestration of ORCHESTRATIONS) expect(enabled({ Orchestration: orchestration })).toBe(1);
    expect(prop(resource(ids.queue("processing")), "VisibilityTimeout")).toBe(
      6 *
        Math.max(
          prop<number>(resource(ids.function("process-order")), "Timeout"),
          prop<number>(resource(ids.function("start-workflow")), "Timeout"),
        ),
    );
  });

  it("each mapping reads its queue as the queue's spec says, one mapping per queue of a function with several", () => {
    for (const [name, spec] of Object.entries(QUEUES) as [QueueName, (typeof QUEUES)[QueueName]][]) {
      const [[, mapping]] = mappings.filter(
        ([, candidate]) => targetOf(prop(candidate, "EventSourceArn")) === ids.queue(name),
      ) as [[string, never]];
      expect(prop(mapping, "BatchSize"), name).toBe(spec.mapping.batchSize);
      expect(prop(mapping, "ScalingConfig"), name).toEqual({
        MaximumConcurrency: spec.mapping.maximumConcurrency,
      });
      expect(prop(mapping, "MaximumBatchingWindowInSeconds"), name).toBe(
        "maximumBatchingWindowSeconds" in spec.mapping
          ? spec.mapping.maximumBatchingWindowSeconds
          : undefined,
      );
    }
    const deliver = mappings.filter(
      ([, mapping]) => targetOf(prop(mapping, "FunctionName")) === ids.function("deliver-notification"),
    );
    expect(deliver.map(([, mapping]) => targetOf(prop(mapping, "EventSourceArn"))).sort()).toEqual(
      Object.values(NOTIFICATION_QUEUES)
        .map((queue) => ids.queue(queue))
        .sort(),
    );
  });

  it("priority means something: high is read at once by the most pollers and alarms soonest; low waits longest, by the fewest", () => {
    const mappingOf = (queue: string) =>
      mappings.find(([, mapping]) => targetOf(prop(mapping, "EventSourceArn")) === ids.queue(queue))![1];
    const concurrency = (queue: string) =>
      prop<{ MaximumConcurrency: number }>(mappingOf(queue), "ScalingConfig").MaximumConcurrency;
    const window = (queue: string) =>
      prop<number | undefined>(mappingOf(queue), "MaximumBatchingWindowInSeconds") ?? 0;
    const oldest = (queue: string) => prop<number>(resource(ids.oldestMessageAlarm(queue)), "Threshold");
    const { high, medium, low } = NOTIFICATION_QUEUES;
    expect(window(high)).toBe(0);
    expect(concurrency(high)).toBeGreaterThan(concurrency(medium));
    expect(concurrency(medium)).toBeGreaterThan(concurrency(low));
    expect(window(low)).toBeGreaterThan(window(medium));
    expect(oldest(high)).toBe(60);
    expect(oldest(medium)).toBeGreaterThan(oldest(high));
    expect(oldest(low)).toBeGreaterThan(oldest(medium));
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
    refunds: ["OrderRefundRequired", "OrderCancelled"],
    "order-notifications": [
      "OrderConfirmed",
      "OrderPaymentFailed",
      "OrderRejected",
      "OrderCancelled",
      "OrderFulfilled",
      "OrderRefunded",
    ],
    fulfilments: ["OrderFulfilled"],
    metrics: ["OrderConfirmed", "OrderFulfilled", "OrderCancelled", "OrderRejected", "OrderPaymentFailed"],
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
      const indexes = prop<Record<string, unknown>[] | undefined>(table, "GlobalSecondaryIndexes");
      expect(indexes?.map(({ ProvisionedThroughput: _, ...index }) => index)).toEqual(
        definition.GlobalSecondaryIndexes,
      );
      expect(prop(table, "BillingMode")).toEqual(
        SCALABLE_TABLES.includes(definition.logicalName)
          ? { "Fn::If": [capacityOf(definition.logicalName).provisioned, "PROVISIONED", "PAY_PER_REQUEST"] }
          : "PAY_PER_REQUEST",
      );
      expect(
        prop<{ AttributeName: string } | undefined>(table, "TimeToLiveSpecification")?.AttributeName,
      ).toBe(definition.timeToLiveAttribute);
    }
  });

  it("routes only requests the HTTP core serves, every one but health behind the Cognito authorizer", async () => {
    const routes = resourcesOfType(template, "AWS::ApiGatewayV2::Route");
    expect(routes).toHaveLength(API_ROUTES.length);
    const failing = new Proxy({}, { get: () => () => Promise.reject(new Error("not reached")) });
    const failingApi = { orders: failing, notifications: failing, store: failing, metrics: failing };
    for (const [id, route] of routes) {
      const [method, path] = String(prop(route, "RouteKey")).split(" ") as [string, string];
      const response = await handleHttpRequest(failingApi as never, {
        method,
        path: path.replace("{id}", "o-1").replace("{userId}", "u-1"),
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

describe("notifications", () => {
  const subscriptions = sqsSubscriptions();
  const topicFed = (Object.keys(QUEUES) as QueueName[]).filter(
    (queue) => QUEUES[queue].fedBy === "notification-topic",
  );

  it("the topic fans out to one queue per priority: raw delivery, filtered on the priority attribute", () => {
    expect(topicFed.sort()).toEqual(Object.values(NOTIFICATION_QUEUES).sort());
    expect(subscriptions).toHaveLength(topicFed.length);
    for (const [priority, queue] of Object.entries(NOTIFICATION_QUEUES)) {
      const subscription = resource(ids.subscription(queue));
      expect(targetOf(prop(subscription, "TopicArn"))).toBe(ids.notificationTopic);
      expect(prop(subscription, "Protocol")).toBe("sqs");
      expect(targetOf(prop(subscription, "Endpoint"))).toBe(ids.queue(queue));
      expect(prop(subscription, "RawMessageDelivery")).toBe(true);
      expect(prop(subscription, "FilterPolicyScope")).toBe("MessageAttributes");
      expect(prop(subscription, "FilterPolicy")).toEqual({ [NOTIFICATION_PRIORITY_ATTRIBUTE]: [priority] });
      expect([subscription?.DependsOn].flat()).toContain(ids.queuePolicy(queue));
    }
  });

  it("each priority queue, and the subscriptions' dead-letter queue, admits only the notifications topic", () => {
    for (const queue of [...topicFed.map(ids.queue), ids.deadLetterQueue(SUBSCRIPTIONS_DEAD_LETTERS)]) {
      const policies = resourcesOfType(template, "AWS::SQS::QueuePolicy").filter(([, policy]) =>
        prop<unknown[]>(policy, "Queues").some((target) => targetOf(target) === queue),
      );
      expect(policies, queue).toHaveLength(1);
      const [statement, ...others] = prop<{ Statement: Record<string, unknown>[] }>(
        policies[0]![1],
        "PolicyDocument",
      ).Statement;
      expect(others, queue).toEqual([]);
      expect(statement).toMatchObject({
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Action: "sqs:SendMessage",
      });
      expect(targetOf(statement?.Resource)).toBe(queue);
      const condition = statement?.Condition as { ArnEquals: Record<string, unknown> };
      expect(targetOf(condition.ArnEquals["aws:SourceArn"])).toBe(ids.notificationTopic);
    }
  });

  it("the topics are encrypted with the notifications key, which the publishers may use", () => {
    for (const topic of [ids.notificationTopic, ids.emailTopic])
      expect(targetOf(prop(resource(topic), "KmsMasterKeyId"))).toBe(ids.notificationKey);
    const publisher = JSON.stringify(prop(resource(ids.role("notify-order")), "Policies"));
    expect(publisher).toContain(ids.notificationKey);
  });

  it("the e-mail topic is granted only under its condition", () => {
    for (const handler of DEPLOYED_HANDLERS) {
      const statements = prop<{ PolicyDocument: { Statement: Record<string, unknown>[] } }[]>(
        resource(ids.role(handler)),
        "Policies",
      ).flatMap((policy) => policy.PolicyDocument.Statement);
      for (const statement of statements) {
        if (!JSON.stringify(statement).includes(ids.emailTopic)) continue;
        expect(statement["Fn::If"], handler).toEqual([
          "UseEmailChannel",
          expect.anything(),
          { Ref: "AWS::NoValue" },
        ]);
      }
    }
  });

  it("an alarm watches the topic's failed deliveries, and the dashboard shows queues, topic and consumers", () => {
    const failed = resourcesOfType(template, "AWS::CloudWatch::Alarm").filter(
      ([, alarm]) =>
        prop(alarm, "Namespace") === "AWS/SNS" && prop(alarm, "MetricName") === "NumberOfNotificationsFailed",
    );
    expect(failed).toHaveLength(1);
    const [dimension] = prop<{ Value: unknown }[]>(failed[0]![1], "Dimensions");
    expect(targetOf(dimension?.Value)).toBe(ids.notificationTopic);
    const dashboard = JSON.stringify(prop(resource("Dashboard"), "DashboardBody"));
    for (const queue of topicFed) expect(dashboard).toContain(`\${${ids.queue(queue)}.QueueName}`);
    expect(dashboard).toContain(`\${${ids.notificationTopic}.TopicName}`);
    for (const handler of ["deliver-notification", "notify-order"])
      expect(dashboard).toContain(`\${${ids.function(handler)}}`);
  });
});

describe("capacity of the scalable tables", () => {
  it.each([...SCALABLE_TABLES])(
    "%s: on demand by default, provisioned with auto scaling under a parameter",
    (table) => {
      const capacity = capacityOf(table);
      expect(template.Parameters?.[capacity.mode]?.Default).toBe("on-demand");
      expect(template.Conditions?.[capacity.provisioned]).toEqual({
        "Fn::Equals": [{ Ref: capacity.mode }, "provisioned"],
      });
      const scaling = [
        ...resourcesOfType(template, "AWS::ApplicationAutoScaling::ScalableTarget"),
        ...resourcesOfType(template, "AWS::ApplicationAutoScaling::ScalingPolicy"),
      ];
      const indexes = TABLE_DEFINITIONS[table].GlobalSecondaryIndexes?.length ?? 0;
      expect(scaling).toHaveLength(2 * 2 * (1 + indexes));
      for (const [id, target] of scaling) expect(target.Condition, id).toBe(capacity.provisioned);
    },
  );

  it("scales the table and every one of its indexes, reads and writes, by target tracking", () => {
    const resources = tableScalingResources({ ...ORDERS_TABLE, logicalName: "notifications" });
    const targets = Object.values(resources).filter(
      (candidate) => candidate.Type === "AWS::ApplicationAutoScaling::ScalableTarget",
    );
    expect(targets.map((target) => prop(target, "ScalableDimension")).sort()).toEqual([
      "dynamodb:index:ReadCapacityUnits",
      "dynamodb:index:ReadCapacityUnits",
      "dynamodb:index:WriteCapacityUnits",
      "dynamodb:index:WriteCapacityUnits",
      "dynamodb:table:ReadCapacityUnits",
      "dynamodb:table:WriteCapacityUnits",
    ]);
    const resourceIds = targets.map((target) => prop<{ "Fn::Sub": string }>(target, "ResourceId")["Fn::Sub"]);
    for (const index of ORDERS_TABLE.GlobalSecondaryIndexes!)
      expect(resourceIds).toContain(`table/\${${ids.table("notifications")}}/index/${index.IndexName}`);
    const policies = Object.values(resources).filter(
      (candidate) => candidate.Type === "AWS::ApplicationAutoScaling::ScalingPolicy",
    );
    expect(policies).toHaveLength(targets.length);
    for (const policy of policies) {
      expect(prop(policy, "PolicyType")).toBe("TargetTrackingScaling");
      expect(
        prop<{ PredefinedMetricSpecification: { PredefinedMetricType: string } }>(
          policy,
          "TargetTrackingScalingPolicyConfiguration",
        ).PredefinedMetricSpecification.PredefinedMetricType,
      ).toMatch(/^DynamoDB(Read|Write)CapacityUtilization$/);
    }
  });
});

describe("the order workflow", () => {
  const machine = resource(ids.stateMachine);
  const taskFunction = ids.function(WORKFLOW_TASK_HANDLER);

  it("is a Standard state machine (only Standard waits for a task token) running the code's definition", () => {
    expect(machine?.Type).toBe("AWS::StepFunctions::StateMachine");
    expect(prop(machine, "StateMachineType")).toBe("STANDARD");
    expect(prop(machine, "Definition")).toEqual(orderWorkflowDefinition());
    expect(prop(machine, "DefinitionSubstitutions")).toEqual({
      [TASK_FUNCTION_PLACEHOLDER.slice(2, -1)]: { "Fn::GetAtt": [taskFunction, "Arn"] },
    });
    expect(JSON.stringify(prop(machine, "Definition"))).toContain(TASK_FUNCTION_PLACEHOLDER);
    expect(FUNCTIONS[WORKFLOW_TASK_HANDLER]?.trigger).toEqual({ kind: "workflow" });
  });

  it("every function that names it gets the ARN of its explicit name, without depending on it", () => {
    expect(prop(machine, "StateMachineName")).toEqual({ "Fn::Sub": STATE_MACHINE_NAME });
    const name = resolve(prop(machine, "StateMachineName"), template);
    const users = DEPLOYED_HANDLERS.filter((handler) => "STATE_MACHINE_ARN" in environmentOf(handler));
    expect(users.sort()).toEqual(["release-fulfilment", "start-workflow", "workflow-task"]);
    for (const handler of users)
      expect(resolvedEnvironmentOf(handler).STATE_MACHINE_ARN).toBe(
        `arn:aws:states:eu-west-1:123456789012:stateMachine:${name}`,
      );
    // The task function must not refer to the state machine, which refers to it.
    expect(JSON.stringify(resource(taskFunction))).not.toContain(ids.stateMachine);
    expect(JSON.stringify(resource(ids.role(WORKFLOW_TASK_HANDLER)))).not.toContain(ids.stateMachine);
  });

  it("its role, assumed only by Step Functions of this account, may invoke only the task function", () => {
    expect(targetOf(prop(machine, "RoleArn"))).toBe(ids.stateMachineRole);
    const role = resource(ids.stateMachineRole);
    const [trust, ...otherTrust] = prop<{ Statement: Record<string, unknown>[] }>(
      role,
      "AssumeRolePolicyDocument",
    ).Statement;
    expect(otherTrust).toEqual([]);
    expect(trust).toEqual({
      Effect: "Allow",
      Principal: { Service: "states.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
    });
    const statements = prop<{ PolicyDocument: { Statement: Record<string, unknown>[] } }[]>(
      role,
      "Policies",
    ).flatMap((policy) => policy.PolicyDocument.Statement);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ Effect: "Allow", Action: ["lambda:InvokeFunction"] });
    expect(statements[0]!.Resource).toEqual([
      { "Fn::GetAtt": [taskFunction, "Arn"] },
      { "Fn::Sub": `\${${taskFunction}.Arn}:*` },
    ]);
    expect(prop(role, "ManagedPolicyArns")).toBeUndefined();
  });

  it("alarms to the alert topic when executions fail, time out or are aborted", () => {
    for (const metric of ["ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"]) {
      const watching = resourcesOfType(template, "AWS::CloudWatch::Alarm").filter(
        ([, alarm]) => prop(alarm, "Namespace") === "AWS/States" && prop(alarm, "MetricName") === metric,
      );
      expect(watching, metric).toHaveLength(1);
      const [[, alarm]] = watching as [[string, never]];
      expect(prop(alarm, "Dimensions")).toEqual([
        { Name: "StateMachineArn", Value: { Ref: ids.stateMachine } },
      ]);
      expect(prop(alarm, "Threshold")).toBe(1);
      expect(prop<unknown[]>(alarm, "AlarmActions")).toEqual([{ Ref: ids.alertTopic }]);
    }
    const body = prop<{ "Fn::Sub": string }>(resource("Dashboard"), "DashboardBody")["Fn::Sub"];
    const metrics = (JSON.parse(body) as { widgets: { properties: { metrics?: unknown[][] } }[] }).widgets
      .flatMap((widget) => widget.properties.metrics ?? [])
      .map((metric) => metric.slice(0, 4).join(" "));
    expect(metrics).toContain(`AWS/States ExecutionsStarted StateMachineArn \${${ids.stateMachine}}`);
    expect(metrics).toContain(`AWS/Lambda Errors FunctionName \${${taskFunction}}`);
  });

  it("each handler of the workflows port is granted only the call its code makes on the state machine", () => {
    const actionsOf = (handler: string) =>
      statementsOf(
        prop<{ PolicyDocument: { Statement: unknown[] } }[]>(resource(ids.role(handler)), "Policies").flatMap(
          (policy) => policy.PolicyDocument.Statement,
        ),
      ).flatMap((statement) => [statement.Action].flat() as string[]);
    const states = (handler: string) => actionsOf(handler).filter((action) => action.startsWith("states:"));
    expect(states("start-workflow")).toEqual(["states:StartExecution"]);
    expect(states("workflow-task")).toEqual(["states:SendTaskSuccess"]);
    expect(states("release-fulfilment")).toEqual(["states:SendTaskSuccess"]);
    for (const handler of DEPLOYED_HANDLERS)
      if (!HANDLER_PORTS[handler as keyof typeof HANDLER_PORTS].includes("workflows"))
        expect(states(handler), handler).toEqual([]);
  });

  it("a grant names as its callers only handlers that use its port", () => {
    for (const [port, grants] of Object.entries(PORT_GRANTS))
      for (const grant of grants)
        for (const handler of grant.calledBy ?? [])
          expect(HANDLER_PORTS[handler], `${handler} of ${port}`).toContain(port as ResourcePort);
  });

  it("the task tokens table expires its items by TTL on expiresAt", () => {
    expect(prop(resource(ids.table("taskTokens")), "TimeToLiveSpecification")).toEqual({
      AttributeName: "expiresAt",
      Enabled: true,
    });
  });
});
