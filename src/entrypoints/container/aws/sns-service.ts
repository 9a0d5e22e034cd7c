import { createSnsClient, SnsAlertPublisher } from "../../../adapters/aws/sns-alert-publisher.js";
import { ALERT_PUBLISHER } from "../../../ports/alert-publisher.js";
import { awsAdapter, awsService } from "./aws-service.js";

/** SNS: the topic of operator alerts. */
export const snsService = awsService("SNS", createSnsClient, [
  awsAdapter(
    ALERT_PUBLISHER,
    "ALERT_TOPIC_ARN",
    (client, topicArn) => new SnsAlertPublisher({ client, topicArn }),
  ),
]);
