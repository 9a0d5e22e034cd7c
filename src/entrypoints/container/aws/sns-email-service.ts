import type { AwsClientOptions } from "../../../adapters/aws/client-options.js";
import { LogNotificationChannel } from "../../../adapters/system/log-notification-channel.js";
import { LOGGER, type Logger } from "../../../ports/logger.js";
import { NOTIFICATION_CHANNEL, type NotificationChannel } from "../../../ports/notification-channel.js";
import { requireVariable } from "../../config.js";
import { once } from "../../once.js";
import type { AwsService } from "./aws-service.js";
import { loadSnsClient } from "./sns-client.js";

/**
 * The e-mail channel (`EMAIL_TOPIC_ARN`), loaded and made at its first
 * delivery. Its name is the one `NOTIFICATION_CHANNEL` gives it, known before
 * its code is loaded.
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
 * The channel `NOTIFICATION_CHANNEL` names: `email` publishes to the e-mail
 * topic on SNS; `log`, the default, writes one line through the logger and
 * calls nothing, so a handler on it never reads SNS's code.
 */
export const snsEmailService: AwsService = {
  name: "SNS e-mail",
  bind(bind, config, client) {
    bind(NOTIFICATION_CHANNEL).toResolvedValue(
      (logger: Logger): NotificationChannel =>
        config.NOTIFICATION_CHANNEL === "email"
          ? emailChannel(requireVariable(config, "EMAIL_TOPIC_ARN", "NotificationChannel"), client)
          : new LogNotificationChannel(logger),
      [LOGGER],
    );
  },
};
