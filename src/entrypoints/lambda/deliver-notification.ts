import { dynamoDb, dynamoDbNotifications } from "../container/aws/dynamodb-service.js";
import { snsAlertsService } from "../container/aws/sns-alerts-service.js";
import { snsEmailService } from "../container/aws/sns-email-service.js";
import { DELIVER_NOTIFICATION_FLOWS } from "../container/notification-flows-module.js";
import { createSqsHandler, type HandlerOptions, type SqsHandler } from "./handler-root.js";

/** The deliver-notification handler: consumes the high, medium and low queues; stores and delivers each notification. */
export function createDeliverNotificationHandler(options: HandlerOptions = {}): SqsHandler {
  // Its ports (notifications, the channel, alerts) live on these services; only their SDK clients are bundled.
  return createSqsHandler(
    "deliver-notification",
    [dynamoDb(dynamoDbNotifications), snsEmailService, snsAlertsService],
    DELIVER_NOTIFICATION_FLOWS,
    options,
  );
}

/** The Lambda entry point (`deliver-notification/index.handler`); builds its composition root on the first invocation. */
export const handler: SqsHandler = createDeliverNotificationHandler();
