import * as z from "zod/mini";
import { PAYMENT_MODES } from "../adapters/demo/demo-payment-gateway.js";
import { OrderflowError } from "../domain/errors.js";
import { ENGLISH_MESSAGES } from "../domain/zod-locale.js";
import { HANDLER_NAMES, HANDLERS, type HandlerName } from "./handlers.js";
import { LOG_LEVELS } from "./logging.js";

/**
 * The environment of each Lambda handler, as data: one zod object per handler
 * listing every variable it reads. The composition roots validate it at cold
 * start, and a deployment template can be checked against it.
 */

export { HANDLER_NAMES, type HandlerName } from "./handlers.js";

/**
 * Variables the Lambda runtime sets itself. They are reserved: a template must
 * not set them (CloudFormation refuses `AWS_REGION`), yet handlers read them.
 */
export const RUNTIME_VARIABLES: readonly string[] = ["AWS_REGION"];

export { PAYMENT_MODES, type PaymentMode } from "../adapters/demo/demo-payment-gateway.js";

/** Which family of adapters a handler runs on. `memory` needs no AWS resource (tests, demos). */
export const ADAPTER_FAMILIES = ["aws", "memory"] as const;
export type AdapterFamily = (typeof ADAPTER_FAMILIES)[number];

const tableName = (what: string) =>
  z
    .string()
    .check(
      z.regex(/^[A-Za-z0-9_.-]{3,255}$/, "must be a DynamoDB table name (3-255 of A-Z a-z 0-9 _ . -)"),
      z.describe(`name of the DynamoDB table of ${what}`),
    );

const queueUrl = (what: string, fifo: boolean) =>
  z
    .string()
    .check(
      z.regex(
        fifo ? /^https?:\/\/[^\s/]+\/.*[^/]\.fifo$/ : /^https?:\/\/[^\s/]+\/.*[^/]$/,
        fifo ? "must be the URL of an SQS FIFO queue (ending in .fifo)" : "must be the URL of an SQS queue",
      ),
      z.describe(`URL of the SQS queue ${what}`),
    );

const topicArnSchema = () =>
  z
    .string()
    .check(
      z.regex(
        /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/,
        "must be an SNS topic ARN",
      ),
    );

const topicArn = (what: string) => topicArnSchema().check(z.describe(`ARN of the SNS topic ${what}`));

/** The channels a notification consumer can deliver through. */
export const NOTIFICATION_CHANNELS = ["log", "email"] as const;
export type NotificationChannelName = (typeof NOTIFICATION_CHANNELS)[number];

/** Variables every handler reads. */
const COMMON = {
  AWS_REGION: z
    .string()
    .check(
      z.regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, "must be an AWS region such as us-east-1"),
      z.describe("region of every AWS client (set by the Lambda runtime)"),
    ),
  LOG_LEVEL: z
    ._default(
      z.pipe(
        z.transform((value: unknown) => (typeof value === "string" ? value.toLowerCase() : value)),
        z.enum(LOG_LEVELS),
      ),
      "info",
    )
    .check(z.describe("lowest level written to the logs")),
  AWS_ENDPOINT_URL: z
    .optional(z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }))
    .check(z.describe("one endpoint for every AWS client (LocalStack, emulators); AWS itself when absent")),
  ORDERFLOW_ADAPTERS: z
    ._default(z.enum(ADAPTER_FAMILIES), "aws")
    .check(z.describe("`memory` runs the handler on in-memory adapters, without any AWS resource")),
};

/**
 * The variables each resource port needs on AWS, one builder per port: a
 * handler's environment builds the schemas of its own ports only, so a cold
 * start does not pay for the other handlers' variables.
 */
export const PORT_VARIABLES = {
  orders: () => ({ ORDERS_TABLE: tableName("orders (state and outbox)") }),
  idempotency: () => ({ IDEMPOTENCY_TABLE: tableName("idempotency keys") }),
  catalog: () => ({ PRODUCTS_TABLE: tableName("the product catalog") }),
  bus: () => ({
    EVENT_BUS_NAME: z
      .string()
      .check(
        z.regex(
          /^(arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/)?[A-Za-z0-9._\-/]{1,256}$/,
          "must be an EventBridge bus name or ARN",
        ),
        z.describe("name or ARN of the EventBridge bus orderflow publishes to"),
      ),
  }),
  intakeQueue: () => ({
    INTAKE_QUEUE_URL: queueUrl("of ValidateOrder commands (FIFO, feeds validate-order)", true),
  }),
  alerts: () => ({ ALERT_TOPIC_ARN: topicArn("of operator alerts") }),
  payments: () => ({
    PAYMENT_MODE: z
      .enum(PAYMENT_MODES)
      .check(z.describe("how the demo payment gateway answers charges, until a real gateway replaces it")),
  }),
  fileHistory: () => ({ FILE_HISTORY_TABLE: tableName("the history of batch files") }),
  objectStore: () => ({
    FILES_BUCKET: z
      .string()
      .check(
        z.regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name"),
        z.describe("S3 bucket of batch order files"),
      ),
  }),
  fileExtractionQueue: () => ({
    FILE_EXTRACTION_QUEUE_URL: queueUrl("of validated files (feeds extract-orders)", false),
  }),
  storeSettings: () => ({ SETTINGS_TABLE: tableName("operators' settings (the store: open, capacity)") }),
  notifications: () => ({
    NOTIFICATIONS_TABLE: tableName("customer notifications (by id, by user, by priority)"),
  }),
  notificationPublisher: () => ({
    NOTIFICATION_TOPIC_ARN: topicArn("of customer notifications (one subscribed queue per priority)"),
  }),
  notificationChannel: () => ({
    NOTIFICATION_CHANNEL: z
      ._default(z.enum(NOTIFICATION_CHANNELS), "log")
      .check(
        z.describe("how notifications reach their users: `log` (a structured log line) or `email` (SNS)"),
      ),
    EMAIL_TOPIC_ARN: z
      .optional(topicArnSchema())
      .check(z.describe("ARN of the SNS topic of e-mail notifications (NOTIFICATION_CHANNEL=email)")),
  }),
  metrics: () => ({ METRICS_TABLE: tableName("business metrics per hour and per day") }),
  taskTokens: () => ({ TASK_TOKENS_TABLE: tableName("the task token of each order's fulfilment wait") }),
  workflows: () => ({
    STATE_MACHINE_ARN: z
      .string()
      .check(
        z.regex(
          /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/,
          "must be a Step Functions state machine ARN",
        ),
        z.describe("ARN of the order workflow's state machine (Standard)"),
      ),
  }),
} as const;

/** A port that needs AWS resources. */
export type ResourcePort = keyof typeof PORT_VARIABLES;

/**
 * The resource ports each handler uses ({@link HANDLERS}): its environment
 * lists only their variables, and its container binds only their adapters.
 */
export const HANDLER_PORTS: Readonly<Record<HandlerName, readonly ResourcePort[]>> = Object.fromEntries(
  // Typed per handler, so a port declared without variables here is a compile error.
  HANDLER_NAMES.map((handler): [HandlerName, readonly ResourcePort[]] => [handler, HANDLERS[handler].ports]),
) as Record<HandlerName, readonly ResourcePort[]>;

function environmentOf(ports: readonly ResourcePort[]) {
  return z.object(
    Object.assign({}, COMMON, ...ports.map((port) => PORT_VARIABLES[port]())) as typeof COMMON &
      AllResourceVariables,
  );
}

type AllResourceVariables = {
  [P in ResourcePort]: ReturnType<(typeof PORT_VARIABLES)[P]>;
}[ResourcePort] extends infer U
  ? (U extends unknown ? (k: U) => void : never) extends (k: infer I) => void
    ? { [K in keyof I]: I[K] }
    : never
  : never;

const environments = new Map<HandlerName, z.ZodMiniObject>();

/**
 * The environment of `handler`: its zod object lists each variable it reads
 * (`.shape`), with whether it is optional and a description. Built on first
 * use and kept, so that a cold start builds its own handler's schema only.
 */
export function handlerEnvironment(handler: HandlerName): z.ZodMiniObject {
  let schema = environments.get(handler);
  if (!schema) {
    schema = environmentOf(HANDLER_PORTS[handler]);
    environments.set(handler, schema);
  }
  return schema;
}

/** Every variable any handler may read, parsed. Those of ports a handler does not use are absent. */
export type OrderflowConfig = z.output<z.ZodMiniObject<typeof COMMON>> &
  Partial<z.output<z.ZodMiniObject<AllResourceVariables>>>;

/** One variable of a handler's environment, described for humans and templates. */
export interface EnvironmentVariable {
  readonly name: string;
  readonly required: boolean;
  /** Set by the Lambda runtime, not by the template ({@link RUNTIME_VARIABLES}). */
  readonly runtime: boolean;
  readonly description: string;
}

/** A variable may be absent when its schema accepts `undefined` (optional, or with a default). */
function acceptsUndefined(schema: z.core.$ZodType): boolean {
  return z.safeParse(schema, undefined).success;
}

/** The variables of a handler's environment, in declaration order. */
export function environmentVariables(handler: HandlerName): EnvironmentVariable[] {
  return Object.entries(handlerEnvironment(handler).shape).map(([name, schema]) => ({
    name,
    required: !acceptsUndefined(schema),
    runtime: RUNTIME_VARIABLES.includes(name),
    description: z.globalRegistry.get(schema)?.description ?? "",
  }));
}

/** One problem with one environment variable. */
export interface ConfigIssue {
  readonly variable: string;
  readonly message: string;
}

/** The environment of a handler is incomplete or wrong; the message names every bad variable. */
export class ConfigError extends OrderflowError {
  readonly code = "CONFIG_INVALID";

  constructor(
    readonly handler: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(
      `${handler}: invalid environment: ${issues.map((issue) => `${issue.variable} ${issue.message}`).join("; ")}`,
      { details: { handler, issues } },
    );
  }
}

/** The variables of an environment (`process.env` or a test's object). */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads and validates the environment of `handler`. Empty values count as
 * missing. With `ORDERFLOW_ADAPTERS=memory` the AWS resources are not needed
 * (values that are present are still checked).
 * @throws ConfigError naming every missing or bad variable at once.
 */
export function loadConfig(handler: HandlerName, env: Environment = process.env): OrderflowConfig {
  const schema = handlerEnvironment(handler);
  const values: Record<string, string> = {};
  for (const name of Object.keys(schema.shape)) {
    const value = env[name]?.trim();
    if (value) values[name] = value;
  }
  const memory = values.ORDERFLOW_ADAPTERS === "memory";
  // Parsed once per cold start: compiling zod's fast path for it would cost more than it saves.
  const result = (memory ? z.partial(schema) : schema).safeParse(values, {
    ...ENGLISH_MESSAGES,
    jitless: true,
  });
  if (!result.success) {
    throw new ConfigError(
      handler,
      result.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? "(environment)");
        const given = values[variable];
        return {
          variable,
          message:
            given === undefined
              ? "is missing"
              : `${issue.message.replace(/^Invalid input: /, "")} (got "${given.length > 80 ? `${given.slice(0, 80)}…` : given}")`,
        };
      }),
    );
  }
  return result.data as OrderflowConfig;
}

/**
 * A resource variable a binding needs. Raised when a handler reaches a port its
 * environment does not list: a wiring error, named as precisely as a bad value.
 * @throws ConfigError
 */
export function requireVariable<K extends keyof OrderflowConfig>(
  config: OrderflowConfig,
  name: K,
  port: string,
): NonNullable<OrderflowConfig[K]> {
  const value = config[name];
  if (value === undefined || value === null || value === "") {
    throw new ConfigError(port, [
      { variable: String(name), message: `is missing (needed by the ${port} port)` },
    ]);
  }
  return value as NonNullable<OrderflowConfig[K]>;
}
