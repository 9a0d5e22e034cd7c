import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { describe, expect, it } from "vitest";
import { LogNotificationChannel } from "../../../src/adapters/system/log-notification-channel.js";
import {
  ConfigError,
  environmentVariables,
  HANDLER_NAMES,
  type HandlerName,
  handlerEnvironment,
  loadConfig,
} from "../../../src/entrypoints/config.js";
import { dynamoDbService } from "../../../src/entrypoints/container/aws/dynamodb-service.js";
import { eventBridgeService } from "../../../src/entrypoints/container/aws/eventbridge-service.js";
import { snsAlertsService } from "../../../src/entrypoints/container/aws/sns-alerts-service.js";
import { snsEmailService } from "../../../src/entrypoints/container/aws/sns-email-service.js";
import { resolveAsync } from "../../../src/entrypoints/container/create-container.js";
import { NOTIFICATION_FLOWS } from "../../../src/entrypoints/container/notification-flows-module.js";
import { ORDER_FLOWS } from "../../../src/entrypoints/container/order-flows-module.js";
import { consumerToken, PLACE_ORDER, PROCESS_ORDER } from "../../../src/entrypoints/container/tokens.js";
import { HANDLERS } from "../../../src/entrypoints/handlers.js";
import { createApiLambdaHandler } from "../../../src/entrypoints/lambda/api.js";
import { composeHandler, type SqsHandlerName } from "../../../src/entrypoints/lambda/handler-root.js";
import { createValidateOrderHandler } from "../../../src/entrypoints/lambda/validate-order.js";
import { aNotification } from "../../../src/ports/contracts/notification-mother.js";
import { NOTIFICATION_CHANNEL } from "../../../src/ports/notification-channel.js";
import { fixture, SQS_HANDLER_FACTORIES } from "./lambda/lambda-test-kit.js";

const SQS_HANDLER_NAMES = HANDLER_NAMES.filter(
  (name): name is SqsHandlerName => HANDLERS[name].trigger.kind === "queue",
);

/** A complete AWS environment: every variable any handler reads, with valid values. */
const AWS_ENV = {
  AWS_REGION: "us-east-1",
  LOG_LEVEL: "silent",
  ORDERS_TABLE: "orderflow-orders",
  IDEMPOTENCY_TABLE: "orderflow-idempotency",
  PRODUCTS_TABLE: "orderflow-products",
  EVENT_BUS_NAME: "orderflow",
  INTAKE_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/orderflow-intake.fifo",
  ALERT_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:orderflow-alerts",
  PAYMENT_MODE: "always-succeed",
  FILE_HISTORY_TABLE: "orderflow-file-history",
  FILES_BUCKET: "orderflow-files",
  FILE_EXTRACTION_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/orderflow-file-extraction",
  NOTIFICATIONS_TABLE: "orderflow-notifications",
  NOTIFICATION_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:orderflow-notifications",
  SETTINGS_TABLE: "orderflow-settings",
  METRICS_TABLE: "orderflow-metrics",
  TASK_TOKENS_TABLE: "orderflow-task-tokens",
  STATE_MACHINE_ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:orderflow-order-workflow",
};

/** Only the variables `handler` declares. */
const envOf = (handler: HandlerName) =>
  Object.fromEntries(Object.entries(AWS_ENV).filter(([name]) => name in handlerEnvironment(handler).shape));

describe("handler environments", () => {
  it("lists, for each handler, exactly the variables of the ports it uses", () => {
    const required = (handler: HandlerName) =>
      environmentVariables(handler)
        .filter((variable) => variable.required && !variable.runtime)
        .map((variable) => variable.name)
        .sort();
    expect(required("api")).toEqual([
      "EVENT_BUS_NAME",
      "IDEMPOTENCY_TABLE",
      "INTAKE_QUEUE_URL",
      "METRICS_TABLE",
      "NOTIFICATIONS_TABLE",
      "NOTIFICATION_TOPIC_ARN",
      "ORDERS_TABLE",
      "PRODUCTS_TABLE",
      "SETTINGS_TABLE",
    ]);
    expect(required("deliver-notification")).toEqual(["ALERT_TOPIC_ARN", "NOTIFICATIONS_TABLE"]);
    expect(required("notify-order")).toEqual(["ALERT_TOPIC_ARN", "NOTIFICATION_TOPIC_ARN", "ORDERS_TABLE"]);
    expect(required("record-metrics")).toEqual(["ALERT_TOPIC_ARN", "METRICS_TABLE", "ORDERS_TABLE"]);
    expect(required("validate-order")).toEqual([
      "ALERT_TOPIC_ARN",
      "EVENT_BUS_NAME",
      "ORDERS_TABLE",
      "PRODUCTS_TABLE",
    ]);
    expect(required("process-order")).toEqual([
      "ALERT_TOPIC_ARN",
      "EVENT_BUS_NAME",
      "ORDERS_TABLE",
      "PAYMENT_MODE",
    ]);
    expect(required("cancel-order")).toEqual(["ALERT_TOPIC_ARN", "EVENT_BUS_NAME", "ORDERS_TABLE"]);
    expect(required("modify-order")).toEqual([
      "ALERT_TOPIC_ARN",
      "EVENT_BUS_NAME",
      "ORDERS_TABLE",
      "PRODUCTS_TABLE",
    ]);
    for (const handler of HANDLER_NAMES) {
      const variables = environmentVariables(handler);
      expect(variables.find((v) => v.name === "AWS_REGION")).toMatchObject({ required: true, runtime: true });
      expect(
        variables
          .filter((v) => !v.required)
          .map((v) => v.name)
          .sort(),
      ).toEqual(
        HANDLERS[handler].ports.some((port) => port === "notificationChannel")
          ? ["AWS_ENDPOINT_URL", "EMAIL_TOPIC_ARN", "LOG_LEVEL", "NOTIFICATION_CHANNEL", "ORDERFLOW_ADAPTERS"]
          : ["AWS_ENDPOINT_URL", "LOG_LEVEL", "ORDERFLOW_ADAPTERS"],
      );
      expect(variables.every((v) => v.description.length > 0)).toBe(true);
    }
  });

  it("parses a complete environment, with defaults", () => {
    const config = loadConfig("process-order", { ...envOf("process-order"), LOG_LEVEL: "DEBUG" });
    expect(config).toMatchObject({
      ORDERS_TABLE: "orderflow-orders",
      PAYMENT_MODE: "always-succeed",
      LOG_LEVEL: "debug",
      ORDERFLOW_ADAPTERS: "aws",
    });
    expect(config).not.toHaveProperty("INTAKE_QUEUE_URL");
  });

  it("names every missing variable in one error", () => {
    const error = captureError(() => loadConfig("validate-order", {}));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.issues.map((issue) => issue.variable).sort()).toEqual([
      "ALERT_TOPIC_ARN",
      "AWS_REGION",
      "EVENT_BUS_NAME",
      "ORDERS_TABLE",
      "PRODUCTS_TABLE",
    ]);
    for (const variable of [
      "ALERT_TOPIC_ARN",
      "AWS_REGION",
      "EVENT_BUS_NAME",
      "ORDERS_TABLE",
      "PRODUCTS_TABLE",
    ]) {
      expect(error.message).toContain(`${variable} is missing`);
    }
  });

  it("names every bad value, with what was given; empty values count as missing", () => {
    const error = captureError(() =>
      loadConfig("api", {
        ...envOf("api"),
        INTAKE_QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/orderflow-intake",
        LOG_LEVEL: "loud",
        AWS_ENDPOINT_URL: "localhost:4566",
        ORDERS_TABLE: "  ",
        AWS_REGION: "Virginia",
      }),
    );
    expect(error.issues.map((issue) => issue.variable).sort()).toEqual([
      "AWS_ENDPOINT_URL",
      "AWS_REGION",
      "INTAKE_QUEUE_URL",
      "LOG_LEVEL",
      "ORDERS_TABLE",
    ]);
    expect(error.message).toMatch(
      /INTAKE_QUEUE_URL must be the URL of an SQS FIFO queue .*\(got "https:\/\/sqs/,
    );
    expect(error.message).toContain("ORDERS_TABLE is missing");
    expect(error.message).toContain('(got "loud")');
  });

  it("on in-memory adapters needs no AWS variable, but still checks those given", () => {
    expect(loadConfig("process-order", { ORDERFLOW_ADAPTERS: "memory" })).toMatchObject({
      ORDERFLOW_ADAPTERS: "memory",
    });
    expect(() => loadConfig("process-order", { ORDERFLOW_ADAPTERS: "memory", PAYMENT_MODE: "free" })).toThrow(
      /PAYMENT_MODE/,
    );
  });

  it("a handler with a bad environment throws on every invocation, naming every variable", async () => {
    const handler = createValidateOrderHandler({ env: { ORDERS_TABLE: "orderflow-orders" } });
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await handler(fixture("intake-fifo-event")).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).message).toMatch(/AWS_REGION.*EVENT_BUS_NAME|EVENT_BUS_NAME.*AWS_REGION/);
      expect((error as ConfigError).message).toContain("ALERT_TOPIC_ARN is missing");
      expect((error as ConfigError).message).toContain("PRODUCTS_TABLE is missing");
    }
  });
});

describe("AWS composition roots", () => {
  for (const handler of SQS_HANDLER_NAMES) {
    it(`${handler}: its environment and AWS services are enough to wire it (no request sent)`, async () => {
      const invoke = SQS_HANDLER_FACTORIES[handler]({ env: envOf(handler) });
      // An empty batch builds the whole composition root (every port of the handler, its SDK clients) and sends nothing.
      expect(await invoke({ Records: [] })).toEqual({ batchItemFailures: [] });
    });
  }

  it("api: its environment and AWS services are enough to wire it (no request sent)", async () => {
    const invoke = createApiLambdaHandler({ env: envOf("api") });
    const response = await invoke(healthEvent());
    expect(response.statusCode).toBe(200);
  });

  it("api with a bad environment answers the contract's JSON 500", async () => {
    const invoke = createApiLambdaHandler({ env: {} });
    const response = await invoke(healthEvent());
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body ?? "{}")).toMatchObject({ error: { code: "INTERNAL_ERROR" } });
  });

  it("deliver-notification refuses a channel it does not know", () => {
    expect(() =>
      loadConfig("deliver-notification", {
        ...envOf("deliver-notification"),
        NOTIFICATION_CHANNEL: "pigeon",
      }),
    ).toThrow(/NOTIFICATION_CHANNEL .*\(got "pigeon"\)/);
  });

  it("deliver-notification delivers through the log channel by default, through SNS e-mail when told, and names a missing topic", async () => {
    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
    const channelOf = (env: Record<string, string>) =>
      resolveAsync(
        composeHandler("deliver-notification", [dynamoDbService, snsEmailService], NOTIFICATION_FLOWS, {
          env,
        }),
        NOTIFICATION_CHANNEL,
      );
    const env = envOf("deliver-notification");

    try {
      expect(await channelOf(env)).toBeInstanceOf(LogNotificationChannel);
      // The e-mail channel and its client are made at its first delivery: it is known by what it sends.
      const email = await channelOf({
        ...env,
        NOTIFICATION_CHANNEL: "email",
        EMAIL_TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:orderflow-email",
      });
      expect(email.name).toBe("email");
      expect(sns.calls()).toHaveLength(0);
      await email.deliver(aNotification({ userId: "u-1" }));
      expect(sns.commandCalls(PublishCommand).map((call) => call.args[0].input.TopicArn)).toEqual([
        "arn:aws:sns:us-east-1:123456789012:orderflow-email",
      ]);
      await expect(channelOf({ ...env, NOTIFICATION_CHANNEL: "email" })).rejects.toThrow(
        /EMAIL_TOPIC_ARN is missing/,
      );
    } finally {
      sns.restore();
    }
  });

  it("a handler makes only its consumer's use case and ports; another needs ports it does not declare", async () => {
    const container = composeHandler(
      "cancel-order",
      [dynamoDbService, eventBridgeService, snsAlertsService],
      ORDER_FLOWS,
      { env: envOf("cancel-order") },
    );
    await expect(resolveAsync(container, consumerToken("cancelOrder"))).resolves.toBeTypeOf("function");
    await expect(resolveAsync(container, PROCESS_ORDER)).rejects.toThrow(/PAYMENT_MODE/);
    await expect(resolveAsync(container, PLACE_ORDER)).rejects.toThrow(/IntakeQueue/);
  });
});

function healthEvent() {
  return {
    version: "2.0" as const,
    routeKey: "$default",
    rawPath: "/health",
    rawQueryString: "",
    headers: {},
    requestContext: { http: { method: "GET", path: "/health" }, requestId: "r-1", stage: "$default" },
    isBase64Encoded: false,
  };
}

function captureError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error("expected an error");
}
