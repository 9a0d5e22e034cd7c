import { SnsNotificationPublisher } from "../../../adapters/aws/sns-notification-publisher.js";
import { createSnsClient } from "../../../adapters/aws/sns-publishing.js";
import { NOTIFICATION_PUBLISHER } from "../../../ports/notification-publisher.js";
import { awsAdapter, awsService } from "./aws-service.js";

/**
 * SNS: the notifications topic (`NOTIFICATION_TOPIC_ARN`), loaded with the
 * handler. notify-order publishes on every invocation: loading this SNS code on
 * demand cost its cold start 17 M instructions for the 5 M it spared the api's.
 * (The e-mail channel: `snsEmailService`; the alert topic: `snsAlertsService`.)
 */
export const snsService = awsService("SNS", createSnsClient, [
  awsAdapter(
    NOTIFICATION_PUBLISHER,
    "NOTIFICATION_TOPIC_ARN",
    (client, topicArn) => new SnsNotificationPublisher({ client, topicArn }),
  ),
]);
