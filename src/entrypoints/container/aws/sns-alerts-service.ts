import { ALERT_PUBLISHER, type AlertPublisher } from "../../../ports/alert-publisher.js";
import { requireVariable } from "../../config.js";
import { type AwsService, madeAtFirstPublish } from "./aws-service.js";

/**
 * SNS, for the operators' alert topic only. Most invocations send no alert,
 * so the publisher, its SDK client and their code are loaded when the first
 * alert is sent: a handler's bundle keeps them in a chunk of their own
 * (`dist/lambda/<name>/`), which a cold start without alerts never reads.
 */
export const snsAlertsService: AwsService = {
  name: "SNS alerts",
  bind(bind, config, client) {
    bind(ALERT_PUBLISHER).toDynamicValue((): AlertPublisher => {
      const topicArn = requireVariable(config, "ALERT_TOPIC_ARN", "AlertPublisher");
      return madeAtFirstPublish(async () => {
        const { createSnsClient, SnsAlertPublisher } = await import(
          "../../../adapters/aws/sns-alert-publisher.js"
        );
        return new SnsAlertPublisher({ client: createSnsClient(client), topicArn });
      });
    });
  },
};
