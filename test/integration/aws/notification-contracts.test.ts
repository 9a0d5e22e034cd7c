import {
  PublishBatchCommand,
  type PublishBatchCommandInput,
  type PublishBatchCommandOutput,
  PublishCommand,
  SNSClient,
} from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll } from "vitest";
import { DynamoDbNotificationStore } from "../../../src/adapters/aws/dynamodb-notification-store.js";
import { createTables } from "../../../src/adapters/aws/dynamodb-tables.js";
import { SnsEmailNotificationChannel } from "../../../src/adapters/aws/sns-email-notification-channel.js";
import { SnsNotificationPublisher } from "../../../src/adapters/aws/sns-notification-publisher.js";
import { describeNotificationChannelContract } from "../../../src/ports/contracts/notification-channel.contract.js";
import {
  describeNotificationPublisherContract,
  type PublishedNotification,
} from "../../../src/ports/contracts/notification-publisher.contract.js";
import { describeNotificationStoreContract } from "../../../src/ports/contracts/notification-store.contract.js";
import type { AcceptedNotification } from "../../../src/ports/notification-publisher.js";
import type { DynaliteHandle } from "../../support/dynalite.js";
import { startDynalite } from "../../support/dynalite.js";

// The store runs on dynalite; SNS has no usable emulator, so the publisher and
// the channel run against aws-sdk-client-mock, and what the topic received is
// read back from the calls the mock answered.

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

let dynalite: DynaliteHandle;
const tableName = "notifications";

beforeAll(async () => {
  dynalite = await startDynalite();
  await createTables(dynalite.client, { notifications: tableName });
});
afterAll(async () => {
  await dynalite?.stop();
});

describeNotificationStoreContract("DynamoDbNotificationStore on dynalite", () => ({
  store: new DynamoDbNotificationStore({ client: dynalite.client, tableName }),
}));

describeNotificationPublisherContract("SnsNotificationPublisher (SNS mocked)", () => {
  const client = new SNSClient({ region: "us-east-1" });
  const sns = mockClient(client);
  sns.on(PublishBatchCommand).callsFake(
    (input: PublishBatchCommandInput): PublishBatchCommandOutput => ({
      Successful: (input.PublishBatchRequestEntries ?? []).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
      Failed: [],
      $metadata: {},
    }),
  );
  return {
    publisher: new SnsNotificationPublisher({
      client,
      topicArn: "arn:aws:sns:us-east-1:123456789012:notifications",
    }),
    async published(): Promise<PublishedNotification[]> {
      return sns.commandCalls(PublishBatchCommand).flatMap((call) =>
        (call.args[0].input.PublishBatchRequestEntries ?? []).map((entry) => ({
          notification: JSON.parse(entry.Message ?? "null") as AcceptedNotification,
          priority: entry.MessageAttributes?.priority?.StringValue ?? "",
        })),
      );
    },
    teardown: async () => sns.restore(),
  };
});

describeNotificationChannelContract("SnsEmailNotificationChannel (SNS mocked)", () => {
  const client = new SNSClient({ region: "us-east-1" });
  const sns = mockClient(client);
  sns.on(PublishCommand).resolves({ MessageId: "m-1" });
  return {
    channel: new SnsEmailNotificationChannel({
      client,
      topicArn: "arn:aws:sns:us-east-1:123456789012:notification-emails",
    }),
    // What the recipient reads: the notification id line of each e-mail's body.
    delivered: async () =>
      sns
        .commandCalls(PublishCommand)
        .map((call) => /^Notification: (.+)$/m.exec(call.args[0].input.Message ?? "")?.[1] ?? ""),
    teardown: async () => sns.restore(),
  };
});
