import type { AwsClientOptions } from "../../../adapters/aws/client-options.js";
import { LogNotificationChannel } from "../../../adapters/system/log-notification-channel.js";
import { LOGGER, type Logger } from "../../../ports/logger.js";
import { NOTIFICATION_CHANNEL, type NotificationChannel } from "../../../ports/notification-channel.js";
import { NOTIFICATION_PUBLISHER, type NotificationPublisher } from "../../../ports/notification-publisher.js";
import { requireVariable } from "../../config.js";
import { once } from "../../once.js";
import { type AwsService, madeAtFirstPublish } from "./aws-service.js";
import { loadSnsClient } from "./sns-client.js";

/**
 * The e-mail channel (`EMAIL_TOPIC_ARN`), made at its first delivery. Its name
 * is the one `NOTIFICATION_CHANNEL` gives it, known before its code is loaded.
 */
function emailChannel(topicArn: string, client: AwsClientOptions): NotificationChannel {
  const channel = once(async () => {
    const { SnsEmailNotificationChannel } = await import(
      "../../../adapters/aws/sns-email-notification-channel.js"
    );
    return new SnsEmailNotificationChannel({ client: await loadSnsClient(client), topicArn });
  });
  return { name: "email", deliver: async (notification) => (await channel()).deliver(notification) };
}

/**
 * SNS: the notifications topic (`NOTIFICATION_TOPIC_ARN`), made at the first
 * publish, and the channel `NOTIFICATION_CHANNEL` names: `email` publishes to
 * the e-mail topic; `log`, the default, writes one line through the logger and
 * calls nothing. (The alert topic: `snsAlertsService`.)
 */
export const snsService: AwsService = {
  name: "SNS",
  bind(bind, config, client) {
    bind(NOTIFICATION_PUBLISHER).toDynamicValue((): NotificationPublisher => {
      const topicArn = requireVariable(config, "NOTIFICATION_TOPIC_ARN", "NotificationPublisher");
      return madeAtFirstPublish(async () => {
        const { SnsNotificationPublisher } = await import(
          "../../../adapters/aws/sns-notification-publisher.js"
        );
        return new SnsNotificationPublisher({ client: await loadSnsClient(client), topicArn });
      });
    });
    bind(NOTIFICATION_CHANNEL).toResolvedValue(
      (logger: Logger): NotificationChannel =>
        config.NOTIFICATION_CHANNEL === "email"
          ? emailChannel(requireVariable(config, "EMAIL_TOPIC_ARN", "NotificationChannel"), client)
          : new LogNotificationChannel(logger),
      [LOGGER],
    );
  },
};
