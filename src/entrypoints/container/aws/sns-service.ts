import type { SNSClient } from "@aws-sdk/client-sns";
import { createSnsClient } from "../../../adapters/aws/sns-alert-publisher.js";
import { SnsEmailNotificationChannel } from "../../../adapters/aws/sns-email-notification-channel.js";
import { SnsNotificationPublisher } from "../../../adapters/aws/sns-notification-publisher.js";
import { LogNotificationChannel } from "../../../adapters/system/log-notification-channel.js";
import { LOGGER, type Logger } from "../../../ports/logger.js";
import { NOTIFICATION_CHANNEL } from "../../../ports/notification-channel.js";
import { NOTIFICATION_PUBLISHER } from "../../../ports/notification-publisher.js";
import { requireVariable } from "../../config.js";
import { type AwsAdapterBinding, awsAdapter, awsService } from "./aws-service.js";

/**
 * The channel `NOTIFICATION_CHANNEL` names: `email` publishes to the e-mail
 * topic (`EMAIL_TOPIC_ARN`); `log`, the default, writes one line through the
 * logger and calls nothing.
 */
const notificationChannel: AwsAdapterBinding<SNSClient> = {
  bind(bind, config, clientToken) {
    bind(NOTIFICATION_CHANNEL).toResolvedValue(
      (client: SNSClient, logger: Logger) =>
        config.NOTIFICATION_CHANNEL === "email"
          ? new SnsEmailNotificationChannel({
              client,
              topicArn: requireVariable(config, "EMAIL_TOPIC_ARN", "NotificationChannel"),
            })
          : new LogNotificationChannel(logger),
      [clientToken, LOGGER],
    );
  },
};

/** SNS: the notifications topic and the e-mail channel's topic (the alert topic: `snsAlertsService`). */
export const snsService = awsService("SNS", createSnsClient, [
  awsAdapter(
    NOTIFICATION_PUBLISHER,
    "NOTIFICATION_TOPIC_ARN",
    (client, topicArn) => new SnsNotificationPublisher({ client, topicArn }),
  ),
  notificationChannel,
]);
