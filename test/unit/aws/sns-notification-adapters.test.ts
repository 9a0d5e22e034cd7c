import {
  AuthorizationErrorException,
  InternalErrorException,
  InvalidParameterException,
  NotFoundException,
  PublishBatchCommand,
  type PublishBatchCommandInput,
  type PublishBatchCommandOutput,
  type PublishBatchRequestEntry,
  PublishCommand,
  SNSClient,
  ThrottledException,
} from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-vitest/extend";
import { describe, expect, it } from "vitest";
import {
  emailBody,
  emailSubject,
  SnsEmailNotificationChannel,
} from "../../../src/adapters/aws/sns-email-notification-channel.js";
import { SnsNotificationPublisher } from "../../../src/adapters/aws/sns-notification-publisher.js";
import type { AcceptedNotification } from "../../../src/domain/notification.js";
import { aNotification, anAcceptedNotification } from "../../../src/ports/contracts/notification-mother.js";
import { DeliveryError, ServiceUnavailableError } from "../../../src/ports/errors.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:notifications";
const EMAIL_TOPIC = "arn:aws:sns:us-east-1:123456789012:notification-emails";
const noWait = { sleep: async () => {}, random: () => 0 };

type EntryFailure = { code: string; senderFault: boolean } | undefined;

/** An SNS double whose PublishBatch fails the entries `failureOf(notification, call)` names (calls count from 1). */
function snsDouble(failureOf: (n: AcceptedNotification, call: number) => EntryFailure = () => undefined) {
  const client = new SNSClient({ region: "us-east-1" });
  const mock = mockClient(client);
  let call = 0;
  mock.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput): PublishBatchCommandOutput => {
    call++;
    const entries = input.PublishBatchRequestEntries ?? [];
    const failed = entries.flatMap((e) => {
      const failure = failureOf(notificationOf(e), call);
      return failure
        ? [{ Id: e.Id, Code: failure.code, SenderFault: failure.senderFault, Message: "no" }]
        : [];
    });
    const failedIds = new Set(failed.map((f) => f.Id));
    return {
      Successful: entries
        .filter((e) => !failedIds.has(e.Id))
        .map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
      Failed: failed,
      $metadata: {},
    };
  });
  const batches = (): PublishBatchRequestEntry[][] =>
    mock.commandCalls(PublishBatchCommand).map((c) => c.args[0].input.PublishBatchRequestEntries ?? []);
  return { client, mock, batches };
}

function notificationOf(entry: PublishBatchRequestEntry): AcceptedNotification {
  return JSON.parse(entry.Message ?? "null") as AcceptedNotification;
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("expected a rejection"),
    (e: unknown) => e,
  );
}

describe("SnsNotificationPublisher", () => {
  it("publishes 25 notifications in 3 PublishBatch calls (10, 10, 5), each with its priority attribute", async () => {
    const sns = snsDouble();
    const notifications = Array.from({ length: 25 }, (_, i) =>
      anAcceptedNotification({ priority: (["high", "medium", "low"] as const)[i % 3] }),
    );

    await new SnsNotificationPublisher({ client: sns.client, topicArn: TOPIC }).publish(notifications);

    expect(sns.mock).toHaveReceivedCommandTimes(PublishBatchCommand, 3);
    expect(sns.mock).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(sns.batches().map((b) => b.length)).toEqual([10, 10, 5]);
    const entries = sns.batches().flat();
    expect(entries.map(notificationOf)).toEqual(notifications);
    for (const [i, entry] of entries.entries()) {
      expect(entry.MessageAttributes).toEqual({
        priority: { DataType: "String", StringValue: notifications[i]!.priority },
      });
      expect(entry.Id).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    }
    expect(sns.mock.commandCalls(PublishBatchCommand)[0]!.args[0].input.TopicArn).toBe(TOPIC);
  });

  it("retries only the entries that failed, until they are published", async () => {
    const notifications = Array.from({ length: 6 }, () => anAcceptedNotification());
    const flaky = new Set([notifications[1]!.notificationId, notifications[4]!.notificationId]);
    const sns = snsDouble((n, call) =>
      call === 1 && flaky.has(n.notificationId) ? { code: "Throttled", senderFault: false } : undefined,
    );

    await new SnsNotificationPublisher({ client: sns.client, topicArn: TOPIC, retry: noWait }).publish(
      notifications,
    );

    expect(sns.batches().map((b) => b.map((e) => notificationOf(e).notificationId))).toEqual([
      notifications.map((n) => n.notificationId),
      [notifications[1]!.notificationId, notifications[4]!.notificationId],
    ]);
  });

  it("names a permanently refused entry by its index, not retryable, and publishes the others", async () => {
    const notifications = Array.from({ length: 4 }, () => anAcceptedNotification());
    const refused = notifications[2]!.notificationId;
    const sns = snsDouble((n) =>
      n.notificationId === refused ? { code: "InvalidParameter", senderFault: true } : undefined,
    );

    const error = await rejectionOf(
      new SnsNotificationPublisher({ client: sns.client, topicArn: TOPIC, retry: noWait }).publish(
        notifications,
      ),
    );

    expect(error).toBeInstanceOf(DeliveryError);
    const delivery = error as DeliveryError;
    expect(delivery.retryable).toBe(false);
    expect(delivery.failures).toEqual([{ id: "2", reason: "InvalidParameter: no", retryable: false }]);
    // Sent once: a refusal for what the entry holds is not retried.
    expect(sns.batches()).toHaveLength(1);
  });

  it("throws a retryable DeliveryError naming the entries still failing after the last attempt", async () => {
    const notifications = Array.from({ length: 3 }, () => anAcceptedNotification());
    const sns = snsDouble((n) =>
      n.notificationId === notifications[0]!.notificationId
        ? { code: "InternalError", senderFault: false }
        : undefined,
    );

    const error = (await rejectionOf(
      new SnsNotificationPublisher({
        client: sns.client,
        topicArn: TOPIC,
        retry: { ...noWait, attempts: 3 },
      }).publish(notifications),
    )) as DeliveryError;

    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.retryable).toBe(true);
    expect(error.failures.map((f) => f.id)).toEqual(["0"]);
    expect(sns.batches().map((b) => b.length)).toEqual([3, 1, 1]);
  });

  it("retries a throttled call whole, then names every entry when the topic does not exist", async () => {
    const throttled = snsDouble();
    throttled.mock
      .on(PublishBatchCommand)
      .rejectsOnce(new ThrottledException({ message: "slow down", $metadata: {} }))
      .resolves({ Successful: [{ Id: "0-x", MessageId: "m" }], Failed: [], $metadata: {} });
    const one = anAcceptedNotification({ notificationId: "x" });
    await new SnsNotificationPublisher({ client: throttled.client, topicArn: TOPIC, retry: noWait }).publish([
      one,
    ]);
    expect(throttled.mock).toHaveReceivedCommandTimes(PublishBatchCommand, 2);

    const missing = snsDouble();
    missing.mock
      .on(PublishBatchCommand)
      .rejects(new NotFoundException({ message: "Topic does not exist", $metadata: {} }));
    const error = (await rejectionOf(
      new SnsNotificationPublisher({ client: missing.client, topicArn: TOPIC, retry: noWait }).publish(
        Array.from({ length: 12 }, () => anAcceptedNotification()),
      ),
    )) as DeliveryError;
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.failures.map((f) => f.id)).toEqual(Array.from({ length: 12 }, (_, i) => String(i)));
    expect(error.retryable).toBe(false);
    expect(missing.mock).toHaveReceivedCommandTimes(PublishBatchCommand, 1);
  });

  it("publishes nothing for an empty list", async () => {
    const sns = snsDouble();
    await new SnsNotificationPublisher({ client: sns.client, topicArn: TOPIC }).publish([]);
    expect(sns.mock).toHaveReceivedCommandTimes(PublishBatchCommand, 0);
  });
});

describe("SnsEmailNotificationChannel", () => {
  function channelWith(outcome: (mock: ReturnType<typeof mockClient>) => void) {
    const client = new SNSClient({ region: "us-east-1" });
    const mock = mockClient(client);
    outcome(mock);
    return { channel: new SnsEmailNotificationChannel({ client, topicArn: EMAIL_TOPIC }), mock };
  }

  it("publishes one e-mail per notification: subject, readable body, and the userId its subscription filters on", async () => {
    const { channel, mock } = channelWith((m) => m.on(PublishCommand).resolves({ MessageId: "m-1" }));
    const notification = aNotification({
      userId: "u-42",
      priority: "high",
      orderId: "o-7",
      message: "Pedido confirmado ✅ — São Paulo\nobrigado",
    });

    await channel.deliver(notification);

    expect(channel.name).toBe("email");
    expect(mock).toHaveReceivedCommandTimes(PublishCommand, 1);
    const input = mock.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TopicArn).toBe(EMAIL_TOPIC);
    expect(input.MessageAttributes).toEqual({ userId: { DataType: "String", StringValue: "u-42" } });
    expect(input.Subject).toBe("Urgent: Order o-7: Pedido confirmado ? ? Sao Paulo obrigado");
    expect(input.Message).toBe(
      [
        "Pedido confirmado ✅ — São Paulo\nobrigado",
        "",
        "Priority: high",
        "Order: o-7",
        `Notification: ${notification.notificationId}`,
        `Sent: ${notification.createdAt}`,
      ].join("\n"),
    );
  });

  it("keeps every subject within SNS's rules: printable ASCII, fewer than 100 characters, never empty", () => {
    const long = emailSubject(aNotification({ priority: "low", message: `${"é".repeat(300)}` }));
    expect(long).toMatch(/^[\x20-\x7E]{1,99}$/);
    expect(emailSubject(aNotification({ priority: "medium", message: "\n\t " }))).toBe("Notification");
    expect(emailBody(aNotification({ message: "hi" }))).not.toContain("Order:");
  });

  it.each([
    ["AuthorizationErrorException", new AuthorizationErrorException({ message: "denied", $metadata: {} })],
    ["NotFoundException", new NotFoundException({ message: "no topic", $metadata: {} })],
    ["InvalidParameterException", new InvalidParameterException({ message: "bad", $metadata: {} })],
  ])("refuses for good (%s): a DeliveryError with retryable false", async (_name, refusal) => {
    const { channel } = channelWith((m) => m.on(PublishCommand).rejects(refusal));
    const notification = aNotification();

    const error = (await rejectionOf(channel.deliver(notification))) as DeliveryError;

    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.code).toBe("DELIVERY_FAILED");
    expect(error.retryable).toBe(false);
    expect(error.failures.map((f) => [f.id, f.retryable])).toEqual([[notification.notificationId, false]]);
    expect(error.cause).toBe(refusal);
  });

  it.each([
    [
      "ThrottledException",
      new ThrottledException({ message: "slow down", $metadata: { httpStatusCode: 429 } }),
    ],
    [
      "InternalErrorException",
      new InternalErrorException({ message: "oops", $metadata: { httpStatusCode: 500 } }),
    ],
  ])(
    "fails transiently (%s): a retryable ServiceUnavailableError, so the queue delivers again",
    async (_name, failure) => {
      const { channel } = channelWith((m) => m.on(PublishCommand).rejects(failure));

      const error = (await rejectionOf(channel.deliver(aNotification()))) as ServiceUnavailableError;

      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.retryable).toBe(true);
      expect(error.cause).toBe(failure);
    },
  );
});
