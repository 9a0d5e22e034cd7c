import { SnsNotificationPublisher } from "../../../adapters/aws/sns-notification-publisher.js";
import { createSnsClient } from "../../../adapters/aws/sns-publishing.js";
import { NOTIFICATION_PUBLISHER } from "../../../ports/notification-publisher.js";
import { awsAdapter, awsService } from "./aws-service.js";

/**
 * SNS: the notifications topic (`NOTIFICATION_TOPIC_ARN`). Loaded with the
 * handler: notify-order publishes on every invocation, and an SNS client
 * loaded on demand measured slower there (+17 M instructions) than the cold
 * start it spares the api. (The e-mail channel: `snsEmailService`; the alert
 * topic: `snsAlertsService`.)
 */
export const snsService = awsService("SNS", createSnsClient, [
  awsAdapter(
    NOTIFICATION_PUBLISHER,
    "NOTIFICATION_TOPIC_ARN",
    (client, topicArn) => new SnsNotificationPublisher({ client, topicArn }),
  ),
]);
