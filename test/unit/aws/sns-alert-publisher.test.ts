import {
  AuthorizationErrorException,
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
import { SnsAlertPublisher, sanitizeSubject } from "../../../src/adapters/aws/sns-alert-publisher.js";
import type { Alert, AlertSeverity } from "../../../src/ports/alert-publisher.js";
import { describeAlertPublisherContract } from "../../../src/ports/contracts/alert-publisher.contract.js";
import { DeliveryError } from "../../../src/ports/errors.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:orderflow-alerts";
const noWait = { sleep: async () => {}, random: () => 0 };

interface SentMessage {
  readonly Message?: string | undefined;
  readonly Subject?: string | undefined;
  readonly MessageAttributes?: PublishBatchRequestEntry["MessageAttributes"];
}

/** What a subscriber reads back: kind and severity from the attributes, subject as delivered, the rest from the body. */
function alertOf(sent: SentMessage): Alert {
  const body = JSON.parse(sent.Message ?? "{}") as Alert;
  return {
    kind: sent.MessageAttributes?.kind?.StringValue ?? "",
    severity: (sent.MessageAttributes?.severity?.StringValue ?? "") as AlertSeverity,
    subject: sent.Subject ?? "",
    message: body.message,
    attributes: body.attributes ?? {},
  };
}

/** An SNS double: PublishBatch fails the entries `failureOf(alert, call)` names (calls count from 1). */
function snsDouble(
  failureOf: (alert: Alert, call: number) => { code: string; senderFault: boolean } | undefined = () =>
    undefined,
) {
  const client = new SNSClient({ region: "us-east-1" });
  const mock = mockClient(client);
  let call = 0;
  mock.on(PublishCommand).resolves({ MessageId: "m-1" });
  mock.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput): PublishBatchCommandOutput => {
    call++;
    const entries = input.PublishBatchRequestEntries ?? [];
    const failed = entries.flatMap((e) => {
      const failure = failureOf(alertOf(e), call);
      return failure
        ? [{ Id: e.Id, Code: failure.code, SenderFault: failure.senderFault, Message: "failed" }]
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
  const single = (): SentMessage[] => mock.commandCalls(PublishCommand).map((c) => c.args[0].input);
  const batches = (): PublishBatchRequestEntry[][] =>
    mock.commandCalls(PublishBatchCommand).map((c) => c.args[0].input.PublishBatchRequestEntries ?? []);
  /** Alerts the topic accepted. */
  const accepted = async (): Promise<Alert[]> => {
    const out = single().map(alertOf);
    for (const c of mock.commandCalls(PublishBatchCommand)) {
      const output = (await c.returnValue) as PublishBatchCommandOutput;
      const ok = new Set((output.Successful ?? []).map((s) => s.Id));
      for (const e of c.args[0].input.PublishBatchRequestEntries ?? [])
        if (ok.has(e.Id)) out.push(alertOf(e));
    }
    return out;
  };
  return { client, mock, single, batches, accepted };
}

const alerts = (n: number): Alert[] =>
  Array.from({ length: n }, (_, i) => ({
    kind: "FILE_REJECTED",
    severity: "ERROR",
    subject: `s${i}`,
    message: `m${i}`,
  }));

async function deliveryErrorOf(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describeAlertPublisherContract("SnsAlertPublisher (aws-sdk-client-mock)", () => {
  const sns = snsDouble();
  return {
    publisher: new SnsAlertPublisher({ client: sns.client, topicArn: TOPIC }),
    published: sns.accepted,
  };
});

describe("sanitizeSubject", () => {
  it("turns line breaks and control characters into single spaces and trims", () => {
    expect(sanitizeSubject("  File rejected\r\n\tline 3:\u0007 bad\u2028end  ")).toBe(
      "File rejected line 3: bad end",
    );
  });

  it("cuts to 99 characters: SNS wants fewer than 100", () => {
    const subject = sanitizeSubject(`${"a".repeat(98)}bcd`);
    expect(subject).toBe(`${"a".repeat(98)}b`);
  });

  it("keeps only printable ASCII: accents dropped, other characters become '?'", () => {
    expect(sanitizeSubject("Pedido rejeitado: São Paulo, Ação Nº 5 — ok 😀 東京")).toBe(
      "Pedido rejeitado: Sao Paulo, Acao No 5 ? ok ? ??",
    );
    const subject = sanitizeSubject(`${"é".repeat(60)}${"😀".repeat(60)}`);
    expect(subject).toBe(`${"e".repeat(60)}${"?".repeat(39)}`);
    expect(subject).toMatch(/^[\x20-\x7E]{1,99}$/);
  });
});

describe("SnsAlertPublisher", () => {
  it("publishes a single alert with Publish: JSON body, sanitised subject, kind, severity and attributes", async () => {
    const sns = snsDouble();
    const alert: Alert = {
      kind: "FILE_REJECTED",
      severity: "ERROR",
      subject: `File incoming/orders.jsonl rejected\nline 3: ${"x".repeat(200)}`,
      message: "line 3: not JSON",
      attributes: { fileKey: "incoming/orders.jsonl" },
    };

    await new SnsAlertPublisher({ client: sns.client, topicArn: TOPIC }).publish([alert]);

    expect(sns.mock).toHaveReceivedCommandTimes(PublishBatchCommand, 0);
    expect(sns.single()).toHaveLength(1);
    const sent = sns.mock.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(sent.TopicArn).toBe(TOPIC);
    expect(JSON.parse(sent.Message!)).toEqual(alert);
    expect(sent.Subject).toHaveLength(99);
    expect(sent.Subject).not.toMatch(/[\r\n]/);
    expect(sent.Subject!.startsWith("File incoming/orders.jsonl rejected line 3: xxx")).toBe(true);
    expect(sent.MessageAttributes).toEqual({
      kind: { DataType: "String", StringValue: "FILE_REJECTED" },
      severity: { DataType: "String", StringValue: "ERROR" },
      fileKey: { DataType: "String", StringValue: "incoming/orders.jsonl" },
    });
  });

  it("sends at most 10 message attributes; the body keeps every attribute", async () => {
    const sns = snsDouble();
    const attributes = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`a${i}`, `v${i}`]));
    const alert: Alert = {
      kind: "K",
      severity: "INFO",
      subject: "s",
      message: "m",
      attributes: { ...attributes, empty: "" },
    };

    await new SnsAlertPublisher({ client: sns.client, topicArn: TOPIC }).publish([alert]);

    const sent = sns.single()[0]!;
    expect(Object.keys(sent.MessageAttributes ?? {})).toEqual([
      "kind",
      "severity",
      "a0",
      "a1",
      "a2",
      "a3",
      "a4",
      "a5",
      "a6",
      "a7",
    ]);
    expect((JSON.parse(sent.Message!) as Alert).attributes).toEqual({ ...attributes, empty: "" });
  });

  it("publishes 12 alerts with PublishBatch in calls of 10 and 2", async () => {
    const sns = snsDouble();

    await new SnsAlertPublisher({ client: sns.client, topicArn: TOPIC }).publish(alerts(12));

    expect(sns.mock).toHaveReceivedCommandTimes(PublishCommand, 0);
    expect(sns.batches().map((b) => b.length)).toEqual([10, 2]);
    for (const entry of sns.batches().flat()) expect(entry.Id).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
  });

  it("splits PublishBatch calls at 256 KiB", async () => {
    const sns = snsDouble();
    const big = alerts(5).map((a) => ({ ...a, message: "x".repeat(100 * 1024) }));

    await new SnsAlertPublisher({ client: sns.client, topicArn: TOPIC }).publish(big);

    expect(sns.batches().map((b) => b.length)).toEqual([2, 2, 1]);
  });

  it("re-sends only the failed entries of a batch", async () => {
    const sns = snsDouble((alert, call) =>
      call === 1 && (alert.subject === "s1" || alert.subject === "s3")
        ? { code: "InternalError", senderFault: false }
        : undefined,
    );

    await new SnsAlertPublisher({ client: sns.client, topicArn: TOPIC, retry: noWait }).publish(alerts(4));

    expect(sns.batches()[1]!.map((e) => e.Subject)).toEqual(["s1", "s3"]);
    expect((await sns.accepted()).map((a) => a.subject).sort()).toEqual(["s0", "s1", "s2", "s3"]);
  });

  it("names the alerts still failing once the attempts are spent", async () => {
    const sns = snsDouble((alert) =>
      alert.subject === "s2" ? { code: "Throttled", senderFault: true } : undefined,
    );

    const error = await deliveryErrorOf(
      new SnsAlertPublisher({
        client: sns.client,
        topicArn: TOPIC,
        retry: { ...noWait, attempts: 3 },
      }).publish(alerts(3)),
    );

    expect(error.failures).toEqual([{ id: "2:FILE_REJECTED", reason: "Throttled: failed", retryable: true }]);
    expect(sns.batches().map((b) => b.length)).toEqual([3, 1, 1]);
  });

  it("re-sends an entry PublishBatch reported neither as Successful nor as Failed", async () => {
    const sns = snsDouble();
    let call = 0;
    sns.mock
      .on(PublishBatchCommand)
      .callsFake((input: PublishBatchCommandInput): PublishBatchCommandOutput => {
        call++;
        const entries = input.PublishBatchRequestEntries ?? [];
        // The first answer forgets the second entry altogether.
        const reported = call === 1 ? entries.filter((_, i) => i !== 1) : entries;
        return {
          Successful: reported.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
          Failed: [],
          $metadata: {},
        };
      });

    await new SnsAlertPublisher({ client: sns.client, topicArn: TOPIC, retry: noWait }).publish(alerts(3));

    expect((await sns.accepted()).map((a) => a.subject).sort()).toEqual(["s0", "s1", "s2"]);
  });

  it("names an entry PublishBatch never reports once the attempts are spent", async () => {
    const sns = snsDouble();
    sns.mock
      .on(PublishBatchCommand)
      .callsFake((input: PublishBatchCommandInput): PublishBatchCommandOutput => {
        const entries = (input.PublishBatchRequestEntries ?? []).filter((e) => e.Subject !== "s1");
        return {
          Successful: entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
          Failed: [],
          $metadata: {},
        };
      });

    const error = await deliveryErrorOf(
      new SnsAlertPublisher({
        client: sns.client,
        topicArn: TOPIC,
        retry: { ...noWait, attempts: 3 },
      }).publish(alerts(2)),
    );

    expect(error.failures.map((f) => f.id)).toEqual(["1:FILE_REJECTED"]);
    expect(error.failures[0]!.reason).toMatch(/^MissingEntryResult/);
  });

  it("retries a throttled Publish", async () => {
    const sns = snsDouble();
    sns.mock
      .on(PublishCommand)
      .rejectsOnce(new ThrottledException({ message: "Rate exceeded", $metadata: {} }))
      .resolves({ MessageId: "m-1" });

    await new SnsAlertPublisher({ client: sns.client, topicArn: TOPIC, retry: noWait }).publish(alerts(1));

    expect(sns.single()).toHaveLength(2);
  });

  it("names the alert when Publish is refused for good", async () => {
    const sns = snsDouble();
    const denied = new AuthorizationErrorException({ message: "not allowed", $metadata: {} });
    sns.mock.on(PublishCommand).rejects(denied);

    const error = await deliveryErrorOf(
      new SnsAlertPublisher({ client: sns.client, topicArn: TOPIC, retry: noWait }).publish(alerts(1)),
    );

    expect(error.failures).toEqual([
      { id: "0:FILE_REJECTED", reason: "AuthorizationErrorException: not allowed", retryable: false },
    ]);
    expect(error.retryable).toBe(false);
    expect(error.cause).toBe(denied);
    expect(sns.single()).toHaveLength(1);
  });
});
