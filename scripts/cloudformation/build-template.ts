// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub placeholders, not JavaScript templates
/**
 * Builds deploy/template.yaml from the code's data (handlers and their
 * environment schemas, bus routes, table definitions) and the deployment
 * facts of ./deployment.ts. Plain CloudFormation: no transform, deployable
 * with `aws cloudformation package` + `deploy`.
 */
import type * as z from "zod/mini";
import {
  TABLE_DEFINITIONS,
  type TableDefinition,
  type TableLogicalName,
} from "../../src/adapters/aws/dynamodb-tables.js";
import { ORDER_OUTCOMES } from "../../src/domain/metrics.js";
import {
  type Environment,
  HANDLER_NAMES,
  type HandlerName,
  handlerEnvironment,
  loadConfig,
  NOTIFICATION_CHANNELS,
  type OrderflowConfig,
  PAYMENT_MODES,
  PORT_VARIABLES,
  type ResourcePort,
  RUNTIME_VARIABLES,
} from "../../src/entrypoints/config.js";
import {
  BUSINESS_METRICS_NAMESPACE,
  BUSINESS_METRICS_SERVICE,
  outcomeMetricName,
  REVENUE_METRIC,
} from "../../src/entrypoints/consumers/metrics-emf.js";
import { ORCHESTRATIONS, type Orchestration } from "../../src/entrypoints/handlers.js";
import { LOG_LEVELS } from "../../src/entrypoints/logging.js";
import {
  orderWorkflowDefinition,
  TASK_FUNCTION_PLACEHOLDER,
} from "../../src/entrypoints/workflow/order-workflow.js";
import { NOTIFICATION_PRIORITY_ATTRIBUTE } from "../../src/ports/notification-publisher.js";
import { EVENT_ROUTES, EVENT_SOURCE, type EventRouteName, routeRuleName } from "../../src/ports/routing.js";
import type { CfnResource, CfnTemplate } from "./cfn-yaml.js";
import {
  API_ROUTES,
  bundleDirectory,
  CONDITIONAL_RESOURCES,
  conditionOf,
  FUNCTIONS,
  type FunctionSpec,
  LAMBDA_ARCHITECTURE,
  LAMBDA_HANDLER,
  LAMBDA_RUNTIME,
  OPTIONAL_VARIABLES_SET,
  PORT_GRANTS,
  type PortResource,
  priorityOfQueue,
  QUEUE_CONSUMER_ACTIONS,
  QUEUE_VARIABLES,
  QUEUES,
  type QueueMappingSpec,
  type QueueName,
  SCALABLE_TABLES,
  TABLE_VARIABLES,
  TARGET_CAPACITY_UTILIZATION,
  TOPIC_FED_QUEUES,
  TOPIC_VARIABLES,
  type TopicResource,
} from "./deployment.js";

// ---------------------------------------------------------------------------
// Intrinsics and names

type Value = unknown;
const ref = (name: string) => ({ Ref: name });
const getAtt = (resource: string, attribute: string) => ({ "Fn::GetAtt": [resource, attribute] });
const sub = (text: string, variables?: Record<string, Value>) => ({
  "Fn::Sub": variables ? [text, variables] : text,
});
const fnIf = (condition: string, whenTrue: Value, whenFalse: Value) => ({
  "Fn::If": [condition, whenTrue, whenFalse],
});

const pascal = (name: string) =>
  name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");

/** Logical ids, one naming scheme for the generator, the tests and the README. */
export const ids = {
  function: (handler: string) => `${pascal(handler)}Function`,
  role: (handler: string) => `${pascal(handler)}Role`,
  logGroup: (handler: string) => `${pascal(handler)}LogGroup`,
  /**
   * A handler's mapping of one of its queues. A handler of one queue keeps the
   * id it always had: renaming a mapping makes CloudFormation create the new
   * one before deleting the old, which Lambda refuses for the same queue and function.
   */
  mapping: (handler: string, queue?: string) =>
    `${pascal(handler)}${queue === undefined ? "" : pascal(queue)}QueueMapping`,
  errorsAlarm: (handler: string) => `${pascal(handler)}ErrorsAlarm`,
  throttlesAlarm: (handler: string) => `${pascal(handler)}ThrottlesAlarm`,
  queue: (queue: string) => `${pascal(queue)}Queue`,
  deadLetterQueue: (queue: string) => `${pascal(queue)}DeadLetterQueue`,
  queuePolicy: (queue: string) => `${pascal(queue)}QueuePolicy`,
  deadLetterQueuePolicy: (queue: string) => `${pascal(queue)}DeadLetterQueuePolicy`,
  deadLetterAlarm: (queue: string) => `${pascal(queue)}DeadLetterAlarm`,
  oldestMessageAlarm: (queue: string) => `${pascal(queue)}OldestMessageAlarm`,
  rule: (route: string) => `${pascal(route)}Rule`,
  subscription: (queue: string) => `${pascal(queue)}Subscription`,
  table: (table: TableLogicalName) => `${pascal(table)}Table`,
  /** Application Auto Scaling of a table (`index` absent) or of one of its indexes, on reads or writes. */
  scalableTarget: (table: TableLogicalName, io: "Read" | "Write", index?: string) =>
    `${pascal(table)}${index === undefined ? "" : `${pascal(index)}Index`}${io}ScalableTarget`,
  scalingPolicy: (table: TableLogicalName, io: "Read" | "Write", index?: string) =>
    `${pascal(table)}${index === undefined ? "" : `${pascal(index)}Index`}${io}ScalingPolicy`,
  route: (routeKey: string) =>
    `${pascal(routeKey.replace(/[{}]/g, "").replace(/\//g, " ").toLowerCase())}Route`,
  eventBus: "EventBus",
  filesBucket: "FilesBucket",
  alertTopic: "AlertTopic",
  alertKey: "AlertKey",
  notificationTopic: "NotificationTopic",
  notificationKey: "NotificationKey",
  emailTopic: "EmailTopic",
  httpApi: "HttpApi",
  stateMachine: "OrderWorkflowStateMachine",
  stateMachineRole: "OrderWorkflowRole",
  /** An alarm on one of the state machine's execution metrics (`ExecutionsFailed`, …). */
  workflowAlarm: (metric: string) => `OrderWorkflow${metric}Alarm`,
} as const;

/** The handler the workflow's task states invoke: the one whose trigger is the workflow. */
export const WORKFLOW_TASK_HANDLER: string = (() => {
  const handlers = Object.keys(FUNCTIONS).filter((name) => FUNCTIONS[name]!.trigger.kind === "workflow");
  if (handlers.length !== 1)
    throw new Error(`expected one workflow-triggered handler, found ${handlers.length}`);
  return handlers[0]!;
})();

/**
 * The state machine's name, explicit so its ARN can be written without
 * referring to it: the state machine depends on the task function's ARN, so
 * the task function (and any role it shares a dependency with) cannot depend
 * on the state machine. A name has 80 characters at most: deploy/deploy.sh
 * takes stack names of 25 at most (the files bucket's name limits them).
 */
export const STATE_MACHINE_NAME = "${AWS::StackName}-order-workflow";

/** The state machine's ARN, built from its name (see {@link STATE_MACHINE_NAME}). */
export function stateMachineArn(): Value {
  return sub(
    `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}:stateMachine:${STATE_MACHINE_NAME}`,
  );
}

/** The template condition true when the `Orchestration` parameter is `orchestration`. */
export const orchestrationCondition = (orchestration: Orchestration) =>
  `Use${pascal(orchestration)}Orchestration`;

/** The queue name (as in `ids.deadLetterQueue`) of where SNS puts a notification it could not deliver to its queue. */
export const SUBSCRIPTIONS_DEAD_LETTERS = "notification-subscriptions";

const FILES_BUCKET_NAME = "${AWS::StackName}-files-${AWS::AccountId}-${AWS::Region}";
const INCOMING_PREFIX = "incoming/";

// ---------------------------------------------------------------------------
// The code's data, as the template needs it

/** Every handler the code declares (`src/entrypoints/handlers.ts`). */
export const DEPLOYED_HANDLERS: readonly string[] = HANDLER_NAMES;

const isHandler = (handler: string): handler is HandlerName =>
  (HANDLER_NAMES as readonly string[]).includes(handler);

/** The zod object of the variables a handler reads (its configuration schema in the code). */
export function environmentSchemaOf(handler: string): z.ZodMiniObject {
  if (isHandler(handler)) return handlerEnvironment(handler);
  throw new Error(`no environment schema for handler ${handler}`);
}

/** Reads a handler's configuration the way the handler does at cold start. */
export function loadHandlerConfig(handler: string, env: Environment): OrderflowConfig {
  if (isHandler(handler)) return loadConfig(handler, env);
  throw new Error(`no configuration loader for handler ${handler}`);
}

/** The ports a handler uses: those whose variables its environment schema lists. */
export function portsOf(handler: string): ResourcePort[] {
  const shape = environmentSchemaOf(handler).shape;
  return (Object.keys(PORT_VARIABLES) as ResourcePort[]).filter((port) =>
    Object.keys(PORT_VARIABLES[port]()).every((variable) => variable in shape),
  );
}

/** Variables of a handler's schema the template must set: required ones the runtime does not set, plus LOG_LEVEL. */
export function variablesToSet(handler: string): string[] {
  return Object.entries(environmentSchemaOf(handler).shape as Record<string, z.ZodMiniType>)
    .filter(([name, schema]) =>
      RUNTIME_VARIABLES.includes(name)
        ? false
        : !schema.safeParse(undefined).success ||
          (OPTIONAL_VARIABLES_SET as readonly string[]).includes(name),
    )
    .map(([name]) => name);
}

/** The template value of an environment variable. */
export function variableValue(name: string): Value {
  const table = TABLE_VARIABLES[name];
  if (table) return ref(ids.table(table));
  const queue = QUEUE_VARIABLES[name];
  if (queue) return ref(ids.queue(queue)); // Ref of a queue is its URL
  const topic = TOPIC_VARIABLES[name];
  if (topic) {
    const value = ref(topicId(topic)); // Ref of a topic is its ARN
    const condition = conditionOf(topic);
    return condition ? fnIf(condition, value, ref("AWS::NoValue")) : value;
  }
  switch (name) {
    case "EVENT_BUS_NAME":
      return ref(ids.eventBus); // Ref of a bus is its name
    case "NOTIFICATION_CHANNEL":
      return ref("NotificationChannel");
    case "FILES_BUCKET":
      return ref(ids.filesBucket);
    case "PAYMENT_MODE":
      return ref("PaymentMode");
    case "LOG_LEVEL":
      return ref("LogLevel");
    case "STATE_MACHINE_ARN":
      return stateMachineArn();
    default:
      throw new Error(
        `no template value for the environment variable ${name}: add it to scripts/cloudformation`,
      );
  }
}

function topicId(topic: TopicResource): string {
  switch (topic) {
    case "alert-topic":
      return ids.alertTopic;
    case "notification-topic":
      return ids.notificationTopic;
    case "email-topic":
      return ids.emailTopic;
  }
}

function specOf(handler: string): FunctionSpec {
  const spec = FUNCTIONS[handler];
  if (!spec)
    throw new Error(`handler ${handler} has no function spec in scripts/cloudformation/deployment.ts`);
  return spec;
}

/** The handlers that consume each queue: one, or one per orchestration (the processing queue). */
export function consumersOf(queue: QueueName): string[] {
  const handlers = Object.keys(FUNCTIONS).filter((name) => {
    const trigger = specOf(name).trigger;
    return trigger.kind === "queue" && trigger.queues.includes(queue);
  });
  if (handlers.length === 0) throw new Error(`queue ${queue} has no consuming handler`);
  return handlers;
}

/**
 * Visibility timeout of a queue: 6 × its consumer's function timeout, plus the
 * time its mapping may hold a batch open (AWS guidance for SQS triggers). A
 * queue with a consumer per orchestration takes the longest of theirs, as
 * either may be the one reading it.
 */
export function visibilityTimeoutOf(queue: QueueName): number {
  const mapping: QueueMappingSpec = QUEUES[queue].mapping;
  const timeout = Math.max(...consumersOf(queue).map((handler) => specOf(handler).timeoutSeconds));
  return 6 * timeout + (mapping.maximumBatchingWindowSeconds ?? 0);
}

/** The ids of a handler's mappings, one per queue it consumes (see {@link ids.mapping}). */
export function mappingsOf(handler: string): { queue: QueueName; id: string }[] {
  const trigger = specOf(handler).trigger;
  if (trigger.kind !== "queue") return [];
  return trigger.queues.map((queue) => ({
    queue,
    id: ids.mapping(handler, trigger.queues.length === 1 ? undefined : queue),
  }));
}

// ---------------------------------------------------------------------------
// Building blocks

function alarm(
  description: string,
  metric: Record<string, Value>,
  threshold: number,
  extra: Record<string, Value> = {},
): CfnResource {
  return {
    Type: "AWS::CloudWatch::Alarm",
    Properties: {
      AlarmDescription: description,
      ...metric,
      Threshold: threshold,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      EvaluationPeriods: 1,
      TreatMissingData: "notBreaching",
      AlarmActions: [ref(ids.alertTopic)],
      OKActions: [ref(ids.alertTopic)],
      ...extra,
    },
  };
}

function resourceArn(resource: PortResource, part: "arn" | "indexes" | "objects"): Value {
  if (typeof resource === "object" && "table" in resource) {
    const id = ids.table(resource.table);
    return part === "indexes" ? sub(`\${${id}.Arn}/index/*`) : getAtt(id, "Arn");
  }
  if (typeof resource === "object" && "queue" in resource) return getAtt(ids.queue(resource.queue), "Arn");
  switch (resource) {
    case "bus":
      return getAtt(ids.eventBus, "Arn");
    case "alert-topic":
    case "notification-topic":
    case "email-topic":
      return ref(topicId(resource));
    case "alert-key":
      return getAtt(ids.alertKey, "Arn");
    case "notification-key":
      return getAtt(ids.notificationKey, "Arn");
    case "files-bucket":
      return part === "objects" ? sub(`\${${ids.filesBucket}.Arn}/*`) : getAtt(ids.filesBucket, "Arn");
    case "state-machine":
      return stateMachineArn();
  }
}

/** The statements of a handler's role: its ports' grants, its queue, its own log group. */
export function roleStatements(handler: string): Record<string, Value>[] {
  const statements: Record<string, Value>[] = [
    {
      Sid: "OwnLogGroup",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: getAtt(ids.logGroup(handler), "Arn"),
    },
  ];
  const trigger = specOf(handler).trigger;
  if (trigger.kind === "queue") {
    const queues = trigger.queues.map((queue) => getAtt(ids.queue(queue), "Arn"));
    statements.push({
      Sid: trigger.queues.length === 1 ? "ConsumeOwnQueue" : "ConsumeOwnQueues",
      Effect: "Allow",
      Action: [...QUEUE_CONSUMER_ACTIONS],
      Resource: queues.length === 1 ? queues[0] : queues,
    });
  }
  for (const port of portsOf(handler)) {
    PORT_GRANTS[port].forEach((grant, index) => {
      if (grant.calledBy && !(grant.calledBy as readonly string[]).includes(handler)) return;
      for (const { resource } of grant.on) {
        const condition = conditionOf(resource);
        if (condition && grant.when !== condition)
          throw new Error(`a grant of port ${port} on ${resource} must be made when ${condition}`);
      }
      const resources = grant.on.map(({ resource, part }) => resourceArn(resource, part));
      const statement = {
        Sid: `${pascal(port)}Port${index === 0 ? "" : index + 1}`,
        Effect: "Allow",
        Action: [...grant.actions],
        Resource: resources.length === 1 ? resources[0] : resources,
      };
      // A grant on a resource that exists only under a condition exists only under it.
      statements.push(grant.when ? fnIf(grant.when, statement, ref("AWS::NoValue")) : statement);
    });
  }
  return statements;
}

/** The parameters and condition that choose a scalable table's capacity, named after the table. */
export function capacityOf(table: TableLogicalName) {
  const name = pascal(table);
  return {
    mode: `${name}TableCapacity`,
    provisioned: `${name}TableProvisioned`,
    minRead: `${name}MinReadCapacity`,
    maxRead: `${name}MaxReadCapacity`,
    minWrite: `${name}MinWriteCapacity`,
    maxWrite: `${name}MaxWriteCapacity`,
  };
}

const isScalable = (table: TableLogicalName) => SCALABLE_TABLES.includes(table);

export function tableResource(definition: TableDefinition): CfnResource {
  const stateful = definition.logicalName !== "idempotency";
  const capacity = isScalable(definition.logicalName) ? capacityOf(definition.logicalName) : undefined;
  // Provisioned capacity starts at the minimum; auto scaling moves it from there.
  const throughput = capacity
    ? {
        ProvisionedThroughput: fnIf(
          capacity.provisioned,
          { ReadCapacityUnits: ref(capacity.minRead), WriteCapacityUnits: ref(capacity.minWrite) },
          ref("AWS::NoValue"),
        ),
      }
    : {};
  return {
    Type: "AWS::DynamoDB::Table",
    ...(stateful ? { DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" } : {}),
    Properties: {
      BillingMode: capacity
        ? fnIf(capacity.provisioned, "PROVISIONED", definition.BillingMode)
        : definition.BillingMode,
      ...throughput,
      KeySchema: definition.KeySchema.map((key) => ({ ...key })),
      AttributeDefinitions: definition.AttributeDefinitions.map((attribute) => ({ ...attribute })),
      ...(definition.GlobalSecondaryIndexes
        ? {
            GlobalSecondaryIndexes: definition.GlobalSecondaryIndexes.map((index) => ({
              IndexName: index.IndexName,
              KeySchema: index.KeySchema.map((key) => ({ ...key })),
              Projection: { ...index.Projection },
              ...throughput,
            })),
          }
        : {}),
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      ...(definition.timeToLiveAttribute
        ? { TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true } }
        : {}),
      Tags: [{ Key: "orderflow:table", Value: definition.logicalName }],
    },
  };
}

/**
 * Application Auto Scaling of a scalable table's reads and writes, on the
 * table and on each of its indexes (an index's capacity is its own, and a
 * throttled index throttles the table's writes), all under the table's
 * `…Provisioned` condition. Target tracking on the utilization metrics DynamoDB
 * publishes; the targets use the service-linked role of Application Auto Scaling.
 */
export function tableScalingResources(definition: TableDefinition): Record<string, CfnResource> {
  const table = definition.logicalName;
  const capacity = capacityOf(table);
  const tableId = ids.table(table);
  const resources: Record<string, CfnResource> = {};
  const indexes = [undefined, ...(definition.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName)];
  for (const index of indexes) {
    for (const io of ["Read", "Write"] as const) {
      const target = ids.scalableTarget(table, io, index);
      resources[target] = {
        Type: "AWS::ApplicationAutoScaling::ScalableTarget",
        Condition: capacity.provisioned,
        Properties: {
          ServiceNamespace: "dynamodb",
          ScalableDimension: `dynamodb:${index === undefined ? "table" : "index"}:${io}CapacityUnits`,
          ResourceId: sub(
            index === undefined ? `table/\${${tableId}}` : `table/\${${tableId}}/index/${index}`,
          ),
          MinCapacity: ref(io === "Read" ? capacity.minRead : capacity.minWrite),
          MaxCapacity: ref(io === "Read" ? capacity.maxRead : capacity.maxWrite),
        },
      };
      resources[ids.scalingPolicy(table, io, index)] = {
        Type: "AWS::ApplicationAutoScaling::ScalingPolicy",
        Condition: capacity.provisioned,
        Properties: {
          PolicyName: `${table}-${index ?? "table"}-${io.toLowerCase()}-utilization`,
          PolicyType: "TargetTrackingScaling",
          ScalingTargetId: ref(target),
          TargetTrackingScalingPolicyConfiguration: {
            TargetValue: TARGET_CAPACITY_UTILIZATION,
            PredefinedMetricSpecification: { PredefinedMetricType: `DynamoDB${io}CapacityUtilization` },
            ScaleInCooldown: 60,
            ScaleOutCooldown: 60,
          },
        },
      };
    }
  }
  return resources;
}

/** The parameters of each scalable table's capacity (see {@link capacityOf}). */
function capacityParameters(): Record<string, Record<string, Value>> {
  const parameters: Record<string, Record<string, Value>> = {};
  for (const table of SCALABLE_TABLES) {
    const capacity = capacityOf(table);
    parameters[capacity.mode] = {
      Type: "String",
      Default: "on-demand",
      AllowedValues: ["on-demand", "provisioned"],
      Description: `The ${table} table's capacity: on demand, or provisioned with auto scaling (table and indexes, target ${TARGET_CAPACITY_UTILIZATION} % utilization)`,
    };
    const bound = (limit: string, io: string, fallback: number) => ({
      Type: "Number",
      Default: fallback,
      MinValue: 1,
      Description: `${limit} ${io} capacity units of the ${table} table and of each of its indexes, when provisioned`,
    });
    parameters[capacity.minRead] = bound("Fewest", "read", 5);
    parameters[capacity.maxRead] = bound("Most", "read", 100);
    parameters[capacity.minWrite] = bound("Fewest", "write", 5);
    parameters[capacity.maxWrite] = bound("Most", "write", 100);
  }
  return parameters;
}

function queueResources(name: QueueName, resources: Record<string, CfnResource>): void {
  const spec = QUEUES[name];
  const fifo = spec.fifo;
  const names = fifo
    ? {
        queue: { QueueName: sub(`\${AWS::StackName}-${name}.fifo`) },
        dlq: { QueueName: sub(`\${AWS::StackName}-${name}-dlq.fifo`) },
      }
    : { queue: {}, dlq: {} };
  const fifoProperties = fifo
    ? {
        FifoQueue: true,
        ContentBasedDeduplication: true,
        DeduplicationScope: "messageGroup",
        FifoThroughputLimit: "perMessageGroupId",
      }
    : {};
  resources[ids.deadLetterQueue(name)] = {
    Type: "AWS::SQS::Queue",
    Properties: {
      ...names.dlq,
      ...(fifo ? { FifoQueue: true } : {}),
      MessageRetentionPeriod: 1_209_600,
      SqsManagedSseEnabled: true,
    },
  };
  resources[ids.queue(name)] = {
    Type: "AWS::SQS::Queue",
    Properties: {
      ...names.queue,
      ...fifoProperties,
      VisibilityTimeout: visibilityTimeoutOf(name),
      MessageRetentionPeriod: 345_600,
      SqsManagedSseEnabled: true,
      RedrivePolicy: {
        deadLetterTargetArn: getAtt(ids.deadLetterQueue(name), "Arn"),
        maxReceiveCount: spec.maxReceiveCount,
      },
    },
  };
  resources[ids.deadLetterAlarm(name)] = alarm(
    `${name}: messages in the dead-letter queue (inspect, fix, then redrive with aws sqs start-message-move-task)`,
    {
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: getAtt(ids.deadLetterQueue(name), "QueueName") }],
      Statistic: "Maximum",
      Period: 60,
    },
    1,
  );
  resources[ids.oldestMessageAlarm(name)] = alarm(
    `${name}: the oldest message has waited more than ${spec.oldestMessageAlarmSeconds} s (consumer stuck or too slow)`,
    {
      Namespace: "AWS/SQS",
      MetricName: "ApproximateAgeOfOldestMessage",
      Dimensions: [{ Name: "QueueName", Value: getAtt(ids.queue(name), "QueueName") }],
      Statistic: "Maximum",
      Period: 60,
    },
    spec.oldestMessageAlarmSeconds,
    { EvaluationPeriods: 3, DatapointsToAlarm: 3 },
  );
}

/**
 * A route's bus rule into the queue of the same name, the queue's policy that
 * admits only that rule, and the rule's own dead-letter queue (named after the
 * rule, see {@link routeRuleName}) with its policy and its alarm: what the bus
 * cannot deliver after its retries lands there, never nowhere.
 */
function busRuleResources(route: EventRouteName, resources: Record<string, CfnResource>): void {
  if (!(route in QUEUES)) throw new Error(`bus route ${route} has no queue of the same name`);
  const queue = route as QueueName;
  const rule = routeRuleName(route);
  const sendsFromRule = (sid: string, queueId: string) => ({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: sid,
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: getAtt(queueId, "Arn"),
        Condition: { ArnEquals: { "aws:SourceArn": getAtt(ids.rule(route), "Arn") } },
      },
    ],
  });
  resources[ids.rule(route)] = {
    Type: "AWS::Events::Rule",
    Properties: {
      Name: sub(`\${AWS::StackName}-${route}`),
      Description: `orderflow ${route}: into the ${route} queue`,
      EventBusName: ref(ids.eventBus),
      EventPattern: { source: [EVENT_SOURCE], "detail-type": [...EVENT_ROUTES[route]] },
      State: "ENABLED",
      Targets: [
        {
          Id: `${route}-queue`,
          Arn: getAtt(ids.queue(queue), "Arn"),
          DeadLetterConfig: { Arn: getAtt(ids.deadLetterQueue(rule), "Arn") },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
        },
      ],
    },
  };
  resources[ids.queuePolicy(queue)] = {
    Type: "AWS::SQS::QueuePolicy",
    Properties: {
      Queues: [ref(ids.queue(queue))],
      PolicyDocument: sendsFromRule("BusRuleSends", ids.queue(queue)),
    },
  };
  // EventBridge dead-letter queues are standard queues, whatever the target.
  resources[ids.deadLetterQueue(rule)] = {
    Type: "AWS::SQS::Queue",
    Properties: { MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true },
  };
  resources[ids.deadLetterQueuePolicy(rule)] = {
    Type: "AWS::SQS::QueuePolicy",
    Properties: {
      Queues: [ref(ids.deadLetterQueue(rule))],
      PolicyDocument: sendsFromRule("BusRuleDeadLetters", ids.deadLetterQueue(rule)),
    },
  };
  resources[ids.deadLetterAlarm(rule)] = alarm(
    `${rule}: events the bus could not deliver to the ${route} queue (the error is in each message's attributes; fix, then orderflow redrive)`,
    {
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: getAtt(ids.deadLetterQueue(rule), "QueueName") }],
      Statistic: "Maximum",
      Period: 60,
    },
    1,
  );
}

function functionResources(handler: string, resources: Record<string, CfnResource>): void {
  const spec = specOf(handler);
  resources[ids.logGroup(handler)] = {
    Type: "AWS::Logs::LogGroup",
    DeletionPolicy: "Delete",
    Properties: {
      LogGroupName: sub(`/orderflow/\${AWS::StackName}/${handler}`),
      RetentionInDays: ref("LogRetentionDays"),
    },
  };
  resources[ids.role(handler)] = {
    Type: "AWS::IAM::Role",
    Properties: {
      Description: `orderflow ${handler}: only what its ports' adapters call`,
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      },
      Policies: [
        {
          PolicyName: `${handler}-least-privilege`,
          PolicyDocument: { Version: "2012-10-17", Statement: roleStatements(handler) },
        },
      ],
    },
  };
  const variables = Object.fromEntries(variablesToSet(handler).map((name) => [name, variableValue(name)]));
  resources[ids.function(handler)] = {
    Type: "AWS::Lambda::Function",
    Properties: {
      Description: `orderflow ${handler}: ${spec.description}`,
      Runtime: LAMBDA_RUNTIME,
      Architectures: [LAMBDA_ARCHITECTURE],
      Handler: LAMBDA_HANDLER,
      // A local directory: `aws cloudformation package` zips and uploads it, and writes S3Bucket/S3Key here.
      Code: bundleDirectory(handler),
      MemorySize: spec.memoryMb,
      Timeout: spec.timeoutSeconds,
      Role: getAtt(ids.role(handler), "Arn"),
      LoggingConfig: { LogGroup: ref(ids.logGroup(handler)) },
      Environment: { Variables: variables },
      Tags: [{ Key: "orderflow:handler", Value: handler }],
    },
  };
  // One mapping per queue, sized by the queue's spec: a function consuming several
  // queues reads each at its own pace. A consumer of one orchestration reads only
  // under it: both consumers of the processing queue exist, one is enabled, so
  // changing the Orchestration parameter switches them without recreating either.
  const trigger = spec.trigger;
  const orchestration = trigger.kind === "queue" ? trigger.orchestration : undefined;
  // A consumer that starts or ends executions reads only once the state machine exists.
  const needsStateMachine = portsOf(handler).includes("workflows");
  for (const { queue, id } of mappingsOf(handler)) {
    const mapping: QueueMappingSpec = QUEUES[queue].mapping;
    resources[id] = {
      Type: "AWS::Lambda::EventSourceMapping",
      ...(needsStateMachine ? { DependsOn: [ids.stateMachine] } : {}),
      Properties: {
        FunctionName: ref(ids.function(handler)),
        EventSourceArn: getAtt(ids.queue(queue), "Arn"),
        ...(orchestration === undefined
          ? {}
          : { Enabled: fnIf(orchestrationCondition(orchestration), true, false) }),
        BatchSize: mapping.batchSize,
        ...(mapping.maximumBatchingWindowSeconds === undefined
          ? {}
          : { MaximumBatchingWindowInSeconds: mapping.maximumBatchingWindowSeconds }),
        FunctionResponseTypes: ["ReportBatchItemFailures"],
        ScalingConfig: { MaximumConcurrency: mapping.maximumConcurrency },
      },
    };
  }
  const functionDimension = [{ Name: "FunctionName", Value: ref(ids.function(handler)) }];
  resources[ids.errorsAlarm(handler)] = alarm(
    `${handler}: invocations failed (see the ${handler} log group)`,
    {
      Namespace: "AWS/Lambda",
      MetricName: "Errors",
      Dimensions: functionDimension,
      Statistic: "Sum",
      Period: 300,
    },
    1,
  );
  resources[ids.throttlesAlarm(handler)] = alarm(
    `${handler}: invocations throttled (account concurrency exhausted or the queue's maximum concurrency reached)`,
    {
      Namespace: "AWS/Lambda",
      MetricName: "Throttles",
      Dimensions: functionDimension,
      Statistic: "Sum",
      Period: 300,
    },
    1,
  );
}

/** The state machine's execution metrics that alarm, and what each means for the operator. */
const WORKFLOW_ALARMS = {
  ExecutionsFailed:
    "order workflow: executions failed (a charge that could not be completed, or a task that kept failing; see the execution's history)",
  ExecutionsTimedOut: "order workflow: executions timed out (see the execution's history)",
  ExecutionsAborted: "order workflow: executions were stopped by hand or by a deployment",
} as const;

/**
 * The order workflow: a Standard state machine (only Standard waits for a
 * task token, which the fulfilment wait needs; Express runs five minutes at
 * most), its definition the one `orderWorkflowDefinition()` declares with the
 * task function's ARN substituted, a role that may invoke only that function,
 * and alarms on executions that fail, time out or are aborted.
 *
 * No execution logs: Standard executions keep their full history (90 days)
 * for the console and `GetExecutionHistory`, and log delivery would need
 * `logs:*LogDelivery` and resource-policy actions that IAM grants only on
 * `*`, which the security rules refuse.
 */
function workflowResources(resources: Record<string, CfnResource>): void {
  const taskFunction = ids.function(WORKFLOW_TASK_HANDLER);
  resources[ids.stateMachineRole] = {
    Type: "AWS::IAM::Role",
    Properties: {
      Description: `orderflow order workflow: only invoking ${WORKFLOW_TASK_HANDLER}`,
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "states.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": ref("AWS::AccountId") } },
          },
        ],
      },
      Policies: [
        {
          PolicyName: "order-workflow-least-privilege",
          PolicyDocument: {
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "InvokeTaskFunction",
                Effect: "Allow",
                Action: ["lambda:InvokeFunction"],
                // The function, and any version or alias of it (a qualified ARN).
                Resource: [getAtt(taskFunction, "Arn"), sub(`\${${taskFunction}.Arn}:*`)],
              },
            ],
          },
        },
      ],
    },
  };
  const placeholder = TASK_FUNCTION_PLACEHOLDER.slice(2, -1);
  resources[ids.stateMachine] = {
    Type: "AWS::StepFunctions::StateMachine",
    Properties: {
      StateMachineName: sub(STATE_MACHINE_NAME),
      StateMachineType: "STANDARD",
      RoleArn: getAtt(ids.stateMachineRole, "Arn"),
      Definition: orderWorkflowDefinition(),
      DefinitionSubstitutions: { [placeholder]: getAtt(taskFunction, "Arn") },
      Tags: [{ Key: "orderflow:workflow", Value: "order" }],
    },
  };
  for (const [metric, description] of Object.entries(WORKFLOW_ALARMS)) {
    resources[ids.workflowAlarm(metric)] = alarm(
      description,
      {
        Namespace: "AWS/States",
        MetricName: metric,
        // Ref of a state machine is its ARN.
        Dimensions: [{ Name: "StateMachineArn", Value: ref(ids.stateMachine) }],
        Statistic: "Sum",
        Period: 300,
      },
      1,
    );
  }
}

/**
 * A customer managed key the account administers and whose use IAM policies
 * grant (the functions' roles name it), plus what `services` may do with it.
 */
function customerManagedKey(description: string, services: Record<string, Value>[]): CfnResource {
  return {
    Type: "AWS::KMS::Key",
    Properties: {
      Description: description,
      EnableKeyRotation: true,
      KeyPolicy: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "AccountAdministers",
            Effect: "Allow",
            Principal: { AWS: sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root") },
            Action: [
              "kms:Create*",
              "kms:Describe*",
              "kms:Enable*",
              "kms:List*",
              "kms:Put*",
              "kms:Update*",
              "kms:Revoke*",
              "kms:Disable*",
              "kms:Get*",
              "kms:Delete*",
              "kms:TagResource",
              "kms:UntagResource",
              "kms:ScheduleKeyDeletion",
              "kms:CancelKeyDeletion",
              "kms:Encrypt",
              "kms:Decrypt",
              "kms:ReEncrypt*",
              "kms:GenerateDataKey*",
            ],
            // In a key policy, "*" means this key.
            Resource: "*",
          },
          ...services,
        ],
      },
    },
  };
}

/** A queue policy letting `topic` (only it) send to `queue`. */
function sendsFromTopic(queueId: string, topicId: string): CfnResource {
  return {
    Type: "AWS::SQS::QueuePolicy",
    Properties: {
      Queues: [ref(queueId)],
      PolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "TopicSends",
            Effect: "Allow",
            Principal: { Service: "sns.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: getAtt(queueId, "Arn"),
            Condition: { ArnEquals: { "aws:SourceArn": ref(topicId) } },
          },
        ],
      },
    },
  };
}

/**
 * Customer notifications: the topic every notification is published to (with
 * its priority as a message attribute), one subscription per priority queue
 * filtering on that attribute, with raw delivery (so the attribute reaches
 * the consumer as an SQS message attribute, not inside an envelope), the
 * queue policies without which SNS delivers nothing and says nothing, a
 * dead-letter queue for what SNS could not deliver, and the e-mail topic of
 * the e-mail channel when the stack is deployed with it.
 */
function notificationResources(resources: Record<string, CfnResource>): void {
  // A customer managed key, as for alerts: the publishers' roles are granted its use by name.
  resources[ids.notificationKey] = customerManagedKey("orderflow notification topics encryption", []);
  resources.NotificationKeyAlias = {
    Type: "AWS::KMS::Alias",
    Properties: {
      AliasName: sub("alias/${AWS::StackName}-notifications"),
      TargetKeyId: ref(ids.notificationKey),
    },
  };
  resources[ids.notificationTopic] = {
    Type: "AWS::SNS::Topic",
    Properties: {
      DisplayName: "orderflow notifications",
      KmsMasterKeyId: ref(ids.notificationKey),
    },
  };
  const deadLetters = SUBSCRIPTIONS_DEAD_LETTERS;
  resources[ids.deadLetterQueue(deadLetters)] = {
    Type: "AWS::SQS::Queue",
    Properties: { MessageRetentionPeriod: 1_209_600, SqsManagedSseEnabled: true },
  };
  resources[ids.deadLetterQueuePolicy(deadLetters)] = sendsFromTopic(
    ids.deadLetterQueue(deadLetters),
    ids.notificationTopic,
  );
  resources[ids.deadLetterAlarm(deadLetters)] = alarm(
    `${deadLetters}: notifications SNS could not deliver to their priority's queue (queue policy or key? each message says why)`,
    {
      Namespace: "AWS/SQS",
      MetricName: "ApproximateNumberOfMessagesVisible",
      Dimensions: [{ Name: "QueueName", Value: getAtt(ids.deadLetterQueue(deadLetters), "QueueName") }],
      Statistic: "Maximum",
      Period: 60,
    },
    1,
  );
  for (const queue of TOPIC_FED_QUEUES) {
    resources[ids.queuePolicy(queue)] = sendsFromTopic(ids.queue(queue), ids.notificationTopic);
    resources[ids.subscription(queue)] = {
      Type: "AWS::SNS::Subscription",
      // SNS checks nothing at subscription time; the policy must be there before the first publish.
      DependsOn: [ids.queuePolicy(queue)],
      Properties: {
        TopicArn: ref(ids.notificationTopic),
        Protocol: "sqs",
        Endpoint: getAtt(ids.queue(queue), "Arn"),
        RawMessageDelivery: true,
        FilterPolicyScope: "MessageAttributes",
        FilterPolicy: { [NOTIFICATION_PRIORITY_ATTRIBUTE]: [priorityOfQueue(queue)] },
        RedrivePolicy: { deadLetterTargetArn: getAtt(ids.deadLetterQueue(deadLetters), "Arn") },
      },
    };
  }
  resources.NotificationFailuresAlarm = alarm(
    "notifications: SNS failed to deliver notifications to their queues (see the notification-subscriptions dead-letter queue)",
    {
      Namespace: "AWS/SNS",
      MetricName: "NumberOfNotificationsFailed",
      Dimensions: [{ Name: "TopicName", Value: getAtt(ids.notificationTopic, "TopicName") }],
      Statistic: "Sum",
      Period: 300,
    },
    1,
  );
  resources[ids.emailTopic] = {
    Type: "AWS::SNS::Topic",
    Condition: CONDITIONAL_RESOURCES["email-topic"],
    Properties: {
      DisplayName: "orderflow notifications by e-mail",
      KmsMasterKeyId: ref(ids.notificationKey),
    },
  };
}

// ---------------------------------------------------------------------------
// The template

/** The whole template, as data in CloudFormation's JSON long form. */
export function buildTemplate(): CfnTemplate {
  for (const handler of DEPLOYED_HANDLERS) specOf(handler);
  const resources: Record<string, CfnResource> = {};

  // Alerts: a customer managed key, because CloudWatch alarms cannot publish to a
  // topic under the AWS managed alias/aws/sns key (its key policy cannot admit them).
  resources[ids.alertKey] = customerManagedKey("orderflow alert topic encryption", [
    {
      Sid: "CloudWatchAlarmsPublish",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: "*",
      Condition: { StringEquals: { "aws:SourceAccount": ref("AWS::AccountId") } },
    },
  ]);
  resources.AlertKeyAlias = {
    Type: "AWS::KMS::Alias",
    Properties: { AliasName: sub("alias/${AWS::StackName}-alerts"), TargetKeyId: ref(ids.alertKey) },
  };
  resources[ids.alertTopic] = {
    Type: "AWS::SNS::Topic",
    Properties: { DisplayName: "orderflow alerts", KmsMasterKeyId: ref(ids.alertKey) },
  };
  resources.AlertEmailSubscription = {
    Type: "AWS::SNS::Subscription",
    Condition: "HasAlertEmail",
    Properties: { TopicArn: ref(ids.alertTopic), Protocol: "email", Endpoint: ref("AlertEmail") },
  };

  // Tables, from the code's definitions.
  for (const definition of Object.values(TABLE_DEFINITIONS)) {
    resources[ids.table(definition.logicalName)] = tableResource(definition);
  }

  // Scaling of the tables whose capacity a parameter chooses.
  for (const table of SCALABLE_TABLES)
    Object.assign(resources, tableScalingResources(TABLE_DEFINITIONS[table]));

  // Queues (each with its dead-letter queue and alarms).
  for (const name of Object.keys(QUEUES) as QueueName[]) queueResources(name, resources);

  // The notifications topic, fanned out to the priority queues.
  notificationResources(resources);

  // The bus, its archive, its rules (from EVENT_ROUTES) into the queues of the same names.
  resources[ids.eventBus] = {
    Type: "AWS::Events::EventBus",
    Properties: { Name: sub("${AWS::StackName}-orders") },
  };
  resources.EventArchive = {
    Type: "AWS::Events::Archive",
    Properties: {
      Description: "Every orderflow event, for replay",
      SourceArn: getAtt(ids.eventBus, "Arn"),
      EventPattern: { source: [EVENT_SOURCE] },
      RetentionDays: ref("EventArchiveRetentionDays"),
    },
  };
  for (const route of Object.keys(EVENT_ROUTES) as EventRouteName[]) busRuleResources(route, resources);

  // The files bucket. Its name is computed, not read from the bucket, so the
  // queue policy can name it without a cycle (bucket → notification → policy → bucket).
  resources[ids.queuePolicy("file-intake")] = {
    Type: "AWS::SQS::QueuePolicy",
    Properties: {
      Queues: [ref(ids.queue("file-intake"))],
      PolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "BucketNotifies",
            Effect: "Allow",
            Principal: { Service: "s3.amazonaws.com" },
            Action: "sqs:SendMessage",
            Resource: getAtt(ids.queue("file-intake"), "Arn"),
            Condition: {
              ArnEquals: { "aws:SourceArn": sub(`arn:\${AWS::Partition}:s3:::${FILES_BUCKET_NAME}`) },
              StringEquals: { "aws:SourceAccount": ref("AWS::AccountId") },
            },
          },
        ],
      },
    },
  };
  resources[ids.filesBucket] = {
    Type: "AWS::S3::Bucket",
    DependsOn: [ids.queuePolicy("file-intake")],
    DeletionPolicy: "Retain",
    UpdateReplacePolicy: "Retain",
    Properties: {
      BucketName: sub(FILES_BUCKET_NAME),
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] },
      VersioningConfiguration: { Status: "Enabled" },
      LifecycleConfiguration: {
        Rules: [
          {
            Id: "processed-files",
            Status: "Enabled",
            Prefix: "processed/",
            Transitions: [{ StorageClass: "STANDARD_IA", TransitionInDays: 30 }],
            ExpirationInDays: ref("ProcessedFileRetentionDays"),
            NoncurrentVersionExpiration: { NoncurrentDays: 7 },
          },
          {
            Id: "rejected-files",
            Status: "Enabled",
            Prefix: "rejected/",
            ExpirationInDays: ref("RejectedFileRetentionDays"),
            NoncurrentVersionExpiration: { NoncurrentDays: 7 },
          },
          {
            Id: "moved-and-deleted-versions",
            Status: "Enabled",
            Prefix: INCOMING_PREFIX,
            NoncurrentVersionExpiration: { NoncurrentDays: 7 },
            ExpiredObjectDeleteMarker: true,
          },
          {
            Id: "abandoned-uploads",
            Status: "Enabled",
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
          },
        ],
      },
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Event: "s3:ObjectCreated:*",
            Filter: { S3Key: { Rules: [{ Name: "prefix", Value: INCOMING_PREFIX }] } },
            Queue: getAtt(ids.queue("file-intake"), "Arn"),
          },
        ],
      },
    },
  };
  resources.FilesBucketPolicy = {
    Type: "AWS::S3::BucketPolicy",
    Properties: {
      Bucket: ref(ids.filesBucket),
      PolicyDocument: {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "TlsOnly",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [getAtt(ids.filesBucket, "Arn"), sub(`\${${ids.filesBucket}.Arn}/*`)],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      },
    },
  };

  // Functions, roles, log groups, triggers, alarms.
  for (const handler of DEPLOYED_HANDLERS) functionResources(handler, resources);

  // The order workflow's state machine, which invokes the task function.
  workflowResources(resources);

  // The HTTP API with a Cognito JWT authorizer.
  resources.UserPool = {
    Type: "AWS::Cognito::UserPool",
    Condition: "CreateUserPool",
    DeletionPolicy: "Retain",
    UpdateReplacePolicy: "Retain",
    Properties: {
      UserPoolName: sub("${AWS::StackName}-users"),
      UsernameAttributes: ["email"],
      AutoVerifiedAttributes: ["email"],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: "OPTIONAL",
      EnabledMfas: ["SOFTWARE_TOKEN_MFA"],
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: false,
        },
      },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: "verified_email", Priority: 1 }] },
    },
  };
  resources.UserPoolClient = {
    Type: "AWS::Cognito::UserPoolClient",
    Condition: "CreateUserPool",
    Properties: {
      UserPoolId: ref("UserPool"),
      ClientName: "orderflow-api",
      GenerateSecret: false,
      ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      PreventUserExistenceErrors: "ENABLED",
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 30,
      TokenValidityUnits: { AccessToken: "minutes", IdToken: "minutes", RefreshToken: "days" },
    },
  };
  const userPoolId = fnIf("CreateUserPool", ref("UserPool"), ref("ExistingUserPoolId"));
  const userPoolClientId = fnIf("CreateUserPool", ref("UserPoolClient"), ref("ExistingUserPoolClientId"));
  resources[ids.httpApi] = {
    Type: "AWS::ApiGatewayV2::Api",
    Properties: {
      Name: sub("${AWS::StackName}-api"),
      Description: "orderflow HTTP API",
      ProtocolType: "HTTP",
      DisableExecuteApiEndpoint: false,
    },
  };
  resources.ApiAuthorizer = {
    Type: "AWS::ApiGatewayV2::Authorizer",
    Properties: {
      ApiId: ref(ids.httpApi),
      Name: "cognito",
      AuthorizerType: "JWT",
      IdentitySource: ["$request.header.Authorization"],
      JwtConfiguration: {
        Audience: [userPoolClientId],
        Issuer: sub("https://cognito-idp.${AWS::Region}.amazonaws.com/${PoolId}", { PoolId: userPoolId }),
      },
    },
  };
  resources.ApiIntegration = {
    Type: "AWS::ApiGatewayV2::Integration",
    Properties: {
      ApiId: ref(ids.httpApi),
      IntegrationType: "AWS_PROXY",
      IntegrationUri: getAtt(ids.function("api"), "Arn"),
      PayloadFormatVersion: "2.0",
      TimeoutInMillis: (specOf("api").timeoutSeconds + 1) * 1000,
    },
  };
  for (const route of API_ROUTES) {
    resources[ids.route(route.routeKey)] = {
      Type: "AWS::ApiGatewayV2::Route",
      Properties: {
        ApiId: ref(ids.httpApi),
        RouteKey: route.routeKey,
        Target: sub("integrations/${ApiIntegration}"),
        ...(route.authorized
          ? { AuthorizationType: "JWT", AuthorizerId: ref("ApiAuthorizer") }
          : { AuthorizationType: "NONE" }),
      },
    };
  }
  resources.ApiAccessLogGroup = {
    Type: "AWS::Logs::LogGroup",
    Properties: {
      LogGroupName: sub("/orderflow/${AWS::StackName}/api-access"),
      RetentionInDays: ref("LogRetentionDays"),
    },
  };
  resources.ApiStage = {
    Type: "AWS::ApiGatewayV2::Stage",
    Properties: {
      ApiId: ref(ids.httpApi),
      StageName: "$default",
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingBurstLimit: ref("ApiBurstLimit"),
        ThrottlingRateLimit: ref("ApiRateLimit"),
      },
      AccessLogSettings: {
        DestinationArn: getAtt("ApiAccessLogGroup", "Arn"),
        Format: JSON.stringify({
          requestId: "$context.requestId",
          ip: "$context.identity.sourceIp",
          sub: "$context.authorizer.claims.sub",
          routeKey: "$context.routeKey",
          status: "$context.status",
          latencyMs: "$context.responseLatency",
          integrationError: "$context.integrationErrorMessage",
          authorizerError: "$context.authorizer.error",
        }),
      },
    },
  };
  resources.ApiInvokePermission = {
    Type: "AWS::Lambda::Permission",
    Properties: {
      FunctionName: getAtt(ids.function("api"), "Arn"),
      Action: "lambda:InvokeFunction",
      Principal: "apigateway.amazonaws.com",
      SourceArn: sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*"),
    },
  };
  resources.Api5xxAlarm = alarm(
    "api: the HTTP API answered 5xx (see the api log group and the access log)",
    {
      Namespace: "AWS/ApiGateway",
      MetricName: "5xx",
      Dimensions: [
        { Name: "ApiId", Value: ref(ids.httpApi) },
        { Name: "Stage", Value: "$default" },
      ],
      Statistic: "Sum",
      Period: 300,
    },
    5,
  );

  resources.Dashboard = {
    Type: "AWS::CloudWatch::Dashboard",
    Properties: { DashboardName: sub("${AWS::StackName}-pipeline"), DashboardBody: dashboardBody() },
  };

  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description:
      "orderflow: event-driven order processing and customer notifications (HTTP API, SQS, EventBridge, DynamoDB, S3, SNS). Generated by `npm run deploy:template`; do not edit.",
    Metadata: {
      "AWS::CloudFormation::Interface": {
        ParameterGroups: [
          { Label: { default: "Users" }, Parameters: ["ExistingUserPoolId", "ExistingUserPoolClientId"] },
          { Label: { default: "Alerts" }, Parameters: ["AlertEmail"] },
          {
            Label: { default: "Notifications" },
            Parameters: ["NotificationChannel", ...Object.keys(capacityParameters())],
          },
          {
            Label: { default: "Operation" },
            Parameters: [
              "Orchestration",
              "PaymentMode",
              "LogLevel",
              "LogRetentionDays",
              "EventArchiveRetentionDays",
              "ProcessedFileRetentionDays",
              "RejectedFileRetentionDays",
              "ApiRateLimit",
              "ApiBurstLimit",
            ],
          },
        ],
      },
    },
    Parameters: {
      ExistingUserPoolId: {
        Type: "String",
        Default: "",
        AllowedPattern: "^([\\w-]+_[0-9a-zA-Z]+)?$",
        Description: "A Cognito user pool to authorize API calls with; empty: the stack creates one",
      },
      ExistingUserPoolClientId: {
        Type: "String",
        Default: "",
        AllowedPattern: "^[\\w+]*$",
        Description: "The app client of ExistingUserPoolId whose tokens the API accepts (needed with it)",
      },
      AlertEmail: {
        Type: "String",
        Default: "",
        AllowedPattern: "^([^@\\s]+@[^@\\s]+\\.[^@\\s]+)?$",
        Description:
          "An email address subscribed to the alert topic (confirm the email AWS sends); empty: none",
      },
      Orchestration: {
        Type: "String",
        Default: "workflow",
        AllowedValues: [...ORCHESTRATIONS],
        Description:
          "Who pays, confirms and awaits the fulfilment of validated orders: the order workflow (a Step Functions state machine) or the process-order queue consumer",
      },
      PaymentMode: {
        Type: "String",
        Default: PAYMENT_MODES[0],
        AllowedValues: [...PAYMENT_MODES],
        Description: "How the demo payment gateway answers, until a real gateway replaces it",
      },
      LogLevel: {
        Type: "String",
        Default: "info",
        AllowedValues: LOG_LEVELS.filter((level) => level !== "silent"),
        Description: "Lowest level the functions log",
      },
      LogRetentionDays: {
        Type: "Number",
        Default: 30,
        AllowedValues: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653],
        Description: "Days the function and access logs are kept",
      },
      EventArchiveRetentionDays: {
        Type: "Number",
        Default: 30,
        MinValue: 1,
        Description: "Days the bus archive keeps events for replay",
      },
      ProcessedFileRetentionDays: {
        Type: "Number",
        Default: 90,
        MinValue: 31,
        Description: "Days a processed batch file is kept (moved to STANDARD_IA after 30)",
      },
      RejectedFileRetentionDays: {
        Type: "Number",
        Default: 180,
        MinValue: 1,
        Description: "Days a rejected batch file is kept",
      },
      ApiRateLimit: {
        Type: "Number",
        Default: 100,
        MinValue: 1,
        Description: "Steady requests per second the API accepts",
      },
      ApiBurstLimit: {
        Type: "Number",
        Default: 200,
        MinValue: 1,
        Description: "Burst of requests the API accepts",
      },
      NotificationChannel: {
        Type: "String",
        Default: NOTIFICATION_CHANNELS[0],
        AllowedValues: [...NOTIFICATION_CHANNELS],
        Description:
          "How notifications reach their users: log (one structured log line each) or email (an SNS e-mail topic the stack creates)",
      },
      ...capacityParameters(),
    },
    Rules: {
      ExistingUserPoolNeedsClient: {
        RuleCondition: { "Fn::Not": [{ "Fn::Equals": [ref("ExistingUserPoolId"), ""] }] },
        Assertions: [
          {
            Assert: { "Fn::Not": [{ "Fn::Equals": [ref("ExistingUserPoolClientId"), ""] }] },
            AssertDescription: "ExistingUserPoolClientId is required with ExistingUserPoolId",
          },
        ],
      },
    },
    Conditions: {
      CreateUserPool: { "Fn::Equals": [ref("ExistingUserPoolId"), ""] },
      HasAlertEmail: { "Fn::Not": [{ "Fn::Equals": [ref("AlertEmail"), ""] }] },
      ...Object.fromEntries(
        ORCHESTRATIONS.map((orchestration) => [
          orchestrationCondition(orchestration),
          { "Fn::Equals": [ref("Orchestration"), orchestration] },
        ]),
      ),
      [CONDITIONAL_RESOURCES["email-topic"]!]: { "Fn::Equals": [ref("NotificationChannel"), "email"] },
      ...Object.fromEntries(
        SCALABLE_TABLES.map((table) => [
          capacityOf(table).provisioned,
          { "Fn::Equals": [ref(capacityOf(table).mode), "provisioned"] },
        ]),
      ),
    },
    Resources: resources,
    Outputs: {
      ApiUrl: { Description: "Base URL of the HTTP API", Value: getAtt(ids.httpApi, "ApiEndpoint") },
      UserPoolId: { Description: "Cognito user pool of API callers", Value: userPoolId },
      UserPoolClientId: { Description: "App client whose tokens the API accepts", Value: userPoolClientId },
      FilesBucketName: {
        Description: `Drop batch order files under ${INCOMING_PREFIX} in this bucket`,
        Value: ref(ids.filesBucket),
      },
      EventBusName: { Description: "The orderflow event bus", Value: ref(ids.eventBus) },
      StateMachineArn: {
        Description: "The order workflow (an execution per order, named by its order id)",
        Value: ref(ids.stateMachine),
      },
      AlertTopicArn: {
        Description: "Operator alerts (alarms and rejected files)",
        Value: ref(ids.alertTopic),
      },
      ProductsTableName: {
        Description: "The product catalog (seed it before placing orders)",
        Value: ref(ids.table("products")),
      },
      NotificationTopicArn: {
        Description: "Customer notifications (message attribute priority: high, medium or low)",
        Value: ref(ids.notificationTopic),
      },
      EmailTopicArn: {
        Description: "E-mail notifications (subscribe users' addresses here)",
        Condition: CONDITIONAL_RESOURCES["email-topic"],
        Value: ref(ids.emailTopic),
      },
      DashboardUrl: {
        Description: "The pipeline dashboard",
        Value: sub(
          "https://${AWS::Region}.console.aws.amazon.com/cloudwatch/home?region=${AWS::Region}#dashboards:name=${AWS::StackName}-pipeline",
        ),
      },
      ...Object.fromEntries(
        (Object.keys(QUEUES) as QueueName[]).map((queue) => [
          `${pascal(queue)}DeadLetterQueueArn`,
          {
            Description: `Dead-letter queue of ${queue} (redrive source)`,
            Value: getAtt(ids.deadLetterQueue(queue), "Arn"),
          },
        ]),
      ),
      ...Object.fromEntries(
        (Object.keys(EVENT_ROUTES) as EventRouteName[]).map((route) => [
          `${pascal(routeRuleName(route))}DeadLetterQueueArn`,
          {
            Description: `Dead-letter queue of the ${route} bus rule (what it could not deliver to the ${route} queue)`,
            Value: getAtt(ids.deadLetterQueue(routeRuleName(route)), "Arn"),
          },
        ]),
      ),
    },
  };
}

type Widget = (
  title: string,
  metrics: unknown[][],
  y: number,
  x: number,
  width?: number,
  extra?: Record<string, unknown>,
) => unknown;

/**
 * The notifications rows: the priority queues (depth and age: high should
 * stay near zero while low may build up), the topic (published, delivered,
 * failed, filtered out for a missing or bad priority), the two consumers, and
 * the notifications table.
 */
function notificationWidgets(widget: Widget, y: number): unknown[] {
  const perQueue = (metric: string) =>
    TOPIC_FED_QUEUES.map((queue) => [
      "AWS/SQS",
      metric,
      "QueueName",
      `\${${ids.queue(queue)}.QueueName}`,
      { stat: "Maximum", label: priorityOfQueue(queue) },
    ]);
  const topic = (metric: string, label: string) => [
    "AWS/SNS",
    metric,
    "TopicName",
    `\${${ids.notificationTopic}.TopicName}`,
    { stat: "Sum", label },
  ];
  const consumers = NOTIFICATION_CONSUMERS.flatMap((handler) =>
    [
      ["Invocations", "Sum", "invocations"],
      ["Errors", "Sum", "errors"],
      ["Throttles", "Sum", "throttles"],
    ].map(([metric, stat, label]) => [
      "AWS/Lambda",
      metric,
      "FunctionName",
      `\${${ids.function(handler)}}`,
      { stat, label: `${handler} ${label}` },
    ]),
  );
  const table = (metric: string, label: string) => [
    "AWS/DynamoDB",
    metric,
    "TableName",
    `\${${ids.table("notifications")}}`,
    { stat: "Sum", label },
  ];
  return [
    widget("Notification queues: visible messages", perQueue("ApproximateNumberOfMessagesVisible"), y, 0),
    widget("Notification queues: oldest message age (s)", perQueue("ApproximateAgeOfOldestMessage"), y, 8),
    widget(
      "Notifications topic",
      [
        topic("NumberOfMessagesPublished", "published"),
        topic("NumberOfNotificationsDelivered", "delivered"),
        topic("NumberOfNotificationsFailed", "failed"),
        topic("NumberOfNotificationsFilteredOut-InvalidAttributes", "filtered out (bad priority)"),
        topic("NumberOfNotificationsFilteredOut-NoMessageAttributes", "filtered out (no priority)"),
      ],
      y,
      16,
    ),
    widget("Notification consumers", consumers, y + 6, 0, 12),
    widget(
      "Notifications table: consumed capacity and throttles",
      [
        table("ConsumedWriteCapacityUnits", "writes"),
        table("ConsumedReadCapacityUnits", "reads"),
        table("ConditionalCheckFailedRequests", "duplicates refused"),
        table("ThrottledRequests", "throttled"),
      ],
      y + 6,
      12,
      12,
    ),
  ];
}

/**
 * The business metrics the record-metrics consumer writes as EMF lines: orders
 * by outcome, and revenue per currency (a SEARCH, since currencies are data),
 * hourly sums; and the metrics table's capacity (its writes grow with the
 * events a bucket item holds, see DynamoDbMetricsStore).
 */
function businessMetricWidgets(widget: Widget, y: number): Value[] {
  const hourly = { period: 3600 };
  return [
    widget(
      "Orders by outcome (per hour)",
      ORDER_OUTCOMES.map((outcome) => [
        BUSINESS_METRICS_NAMESPACE,
        outcomeMetricName(outcome),
        "Service",
        BUSINESS_METRICS_SERVICE,
        { stat: "Sum", label: outcome },
      ]),
      y,
      0,
      8,
      hourly,
    ),
    widget(
      "Revenue per currency (minor units, per hour)",
      [
        [
          {
            expression: `SEARCH('{${BUSINESS_METRICS_NAMESPACE},Service,Currency} MetricName="${REVENUE_METRIC}"', 'Sum', 3600)`,
            id: "revenue",
            label: "",
          },
        ],
      ],
      y,
      8,
      8,
      hourly,
    ),
    widget(
      "Metrics table: consumed capacity and duplicates",
      [
        ["ConsumedWriteCapacityUnits", "writes"],
        ["ConsumedReadCapacityUnits", "reads"],
        ["ConditionalCheckFailedRequests", "duplicates refused"],
        ["ThrottledRequests", "throttled"],
      ].map(([metric, label]) => [
        "AWS/DynamoDB",
        metric,
        "TableName",
        `\${${ids.table("metrics")}}`,
        { stat: "Sum", label },
      ]),
      y,
      16,
    ),
  ];
}

/**
 * The order workflow's row: its executions by outcome (started, succeeded,
 * failed, timed out), the task function's invocations and errors, and the
 * workflow's alarms.
 */
function workflowWidgets(widget: Widget, y: number): Value[] {
  const executions = (metric: string, label: string) => [
    "AWS/States",
    metric,
    "StateMachineArn",
    `\${${ids.stateMachine}}`,
    { stat: "Sum", label },
  ];
  const taskFunction = (metric: string, label: string) => [
    "AWS/Lambda",
    metric,
    "FunctionName",
    `\${${ids.function(WORKFLOW_TASK_HANDLER)}}`,
    { stat: "Sum", label: `${WORKFLOW_TASK_HANDLER} ${label}` },
  ];
  return [
    widget(
      "Order workflow: executions",
      [
        executions("ExecutionsStarted", "started"),
        executions("ExecutionsSucceeded", "succeeded"),
        executions("ExecutionsFailed", "failed"),
        executions("ExecutionsTimedOut", "timed out"),
        executions("ExecutionsAborted", "aborted"),
      ],
      y,
      0,
    ),
    widget(
      "Order workflow: task function",
      [
        taskFunction("Invocations", "invocations"),
        taskFunction("Errors", "errors"),
        taskFunction("Throttles", "throttles"),
      ],
      y,
      8,
    ),
    {
      type: "alarm",
      x: 16,
      y,
      width: 8,
      height: 6,
      properties: {
        title: "Order workflow alarms",
        alarms: Object.keys(WORKFLOW_ALARMS).map((metric) => `\${${ids.workflowAlarm(metric)}.Arn}`),
      },
    },
  ];
}

/** The handlers of the notification flows, whose metrics the dashboard groups. */
const NOTIFICATION_CONSUMERS = [
  "deliver-notification",
  "notify-order",
] as const satisfies readonly HandlerName[];

/** The dashboard: the pipeline from the API to the tables, one row per stage. */
function dashboardBody(): Value {
  const region = "${AWS::Region}";
  const queueNames = Object.keys(QUEUES) as QueueName[];
  const ruleNames = (Object.keys(EVENT_ROUTES) as EventRouteName[]).map(routeRuleName);
  const handlers = [...DEPLOYED_HANDLERS];
  const widget: Widget = (title, metrics, y, x, width = 8, extra = {}) => ({
    type: "metric",
    x,
    y,
    width,
    height: 6,
    properties: { title, region, view: "timeSeries", stacked: false, period: 60, metrics, ...extra },
  });
  const perFunction = (metric: string, stat: string, suffix = "") =>
    handlers.map((handler) => [
      "AWS/Lambda",
      metric,
      "FunctionName",
      `\${${ids.function(handler)}}`,
      { stat, label: suffix ? `${handler} ${suffix}` : handler },
    ]);
  const widgets = [
    {
      type: "text",
      x: 0,
      y: 0,
      width: 24,
      height: 2,
      properties: {
        markdown:
          "## orderflow pipeline\nAPI → intake (FIFO) → validate-order → bus → processing / cancel / modify → tables. Workflow (Orchestration=workflow): processing → start-workflow → order workflow (state machine) → workflow-task; fulfilments → release-fulfilment ends its wait. Files: S3 incoming/ → file-intake → validate-file → file-extraction → extract-orders → intake. Notifications: API and order outcomes (bus → order-notifications → notify-order) → notifications topic → high / medium / low queues → deliver-notification. Metrics: order outcomes (bus → metrics → record-metrics) → metrics table and EMF. Any dead-letter message or alarm goes to the alert topic.",
      },
    },
    widget(
      "API requests and errors",
      [
        [
          "AWS/ApiGateway",
          "Count",
          "ApiId",
          `\${${ids.httpApi}}`,
          "Stage",
          "$default",
          { stat: "Sum", label: "requests" },
        ],
        [
          "AWS/ApiGateway",
          "4xx",
          "ApiId",
          `\${${ids.httpApi}}`,
          "Stage",
          "$default",
          { stat: "Sum", label: "4xx" },
        ],
        [
          "AWS/ApiGateway",
          "5xx",
          "ApiId",
          `\${${ids.httpApi}}`,
          "Stage",
          "$default",
          { stat: "Sum", label: "5xx" },
        ],
      ],
      2,
      0,
    ),
    widget(
      "API latency (p99)",
      [
        [
          "AWS/ApiGateway",
          "Latency",
          "ApiId",
          `\${${ids.httpApi}}`,
          "Stage",
          "$default",
          { stat: "p99", label: "latency" },
        ],
        [
          "AWS/ApiGateway",
          "IntegrationLatency",
          "ApiId",
          `\${${ids.httpApi}}`,
          "Stage",
          "$default",
          { stat: "p99", label: "integration" },
        ],
      ],
      2,
      8,
    ),
    widget(
      "Bus rules: matched and failed deliveries",
      (Object.keys(EVENT_ROUTES) as string[]).flatMap((route) => [
        [
          "AWS/Events",
          "TriggeredRules",
          "EventBusName",
          `\${${ids.eventBus}}`,
          "RuleName",
          `\${AWS::StackName}-${route}`,
          { stat: "Sum", label: `${route} matched` },
        ],
        [
          "AWS/Events",
          "FailedInvocations",
          "EventBusName",
          `\${${ids.eventBus}}`,
          "RuleName",
          `\${AWS::StackName}-${route}`,
          { stat: "Sum", label: `${route} failed` },
        ],
      ]),
      2,
      16,
    ),
    widget(
      "Queue depth (visible messages)",
      queueNames.map((queue) => [
        "AWS/SQS",
        "ApproximateNumberOfMessagesVisible",
        "QueueName",
        `\${${ids.queue(queue)}.QueueName}`,
        { stat: "Maximum", label: queue },
      ]),
      8,
      0,
    ),
    widget(
      "Oldest message age (s)",
      queueNames.map((queue) => [
        "AWS/SQS",
        "ApproximateAgeOfOldestMessage",
        "QueueName",
        `\${${ids.queue(queue)}.QueueName}`,
        { stat: "Maximum", label: queue },
      ]),
      8,
      8,
    ),
    widget(
      "Dead-letter queues (must stay at 0)",
      [
        ...queueNames.map((queue) => [
          "AWS/SQS",
          "ApproximateNumberOfMessagesVisible",
          "QueueName",
          `\${${ids.deadLetterQueue(queue)}.QueueName}`,
          { stat: "Maximum", label: `${queue} DLQ` },
        ]),
        ...ruleNames.map((rule) => [
          "AWS/SQS",
          "ApproximateNumberOfMessagesVisible",
          "QueueName",
          `\${${ids.deadLetterQueue(rule)}.QueueName}`,
          { stat: "Maximum", label: `${rule} DLQ` },
        ]),
      ],
      8,
      16,
    ),
    widget("Function invocations", perFunction("Invocations", "Sum"), 14, 0),
    widget(
      "Function errors and throttles",
      [...perFunction("Errors", "Sum", "errors"), ...perFunction("Throttles", "Sum", "throttles")],
      14,
      8,
    ),
    widget("Function duration (p99, ms)", perFunction("Duration", "p99"), 14, 16),
    widget(
      "Orders table: consumed capacity and throttles",
      [
        [
          "AWS/DynamoDB",
          "ConsumedWriteCapacityUnits",
          "TableName",
          `\${${ids.table("orders")}}`,
          { stat: "Sum", label: "writes" },
        ],
        [
          "AWS/DynamoDB",
          "ConsumedReadCapacityUnits",
          "TableName",
          `\${${ids.table("orders")}}`,
          { stat: "Sum", label: "reads" },
        ],
        [
          "AWS/DynamoDB",
          "ConditionalCheckFailedRequests",
          "TableName",
          `\${${ids.table("orders")}}`,
          { stat: "Sum", label: "version conflicts" },
        ],
        [
          "AWS/DynamoDB",
          "ThrottledRequests",
          "TableName",
          `\${${ids.table("orders")}}`,
          { stat: "Sum", label: "throttled" },
        ],
      ],
      20,
      0,
      12,
    ),
    {
      type: "alarm",
      x: 12,
      y: 20,
      width: 12,
      height: 6,
      properties: {
        title: "Dead-letter alarms",
        alarms: [
          ...queueNames.map((queue) => `\${${ids.deadLetterAlarm(queue)}.Arn}`),
          ...ruleNames.map((rule) => `\${${ids.deadLetterAlarm(rule)}.Arn}`),
          `\${${ids.deadLetterAlarm(SUBSCRIPTIONS_DEAD_LETTERS)}.Arn}`,
        ],
      },
    },
    ...notificationWidgets(widget, 26),
    ...businessMetricWidgets(widget, 38),
    ...workflowWidgets(widget, 44),
  ];
  return sub(JSON.stringify({ widgets }));
}
