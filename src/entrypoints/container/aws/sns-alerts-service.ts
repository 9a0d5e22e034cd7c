import { ALERT_PUBLISHER, type AlertPublisher } from "../../../ports/alert-publisher.js";
import { requireVariable } from "../../config.js";
import { type AwsService, madeAtFirstPublish } from "./aws-service.js";
import { loadSnsClient } from "./sns-client.js";

/**
 * SNS, for the operators' alert topic only. Most invocations send no alert,
 * so the publisher and its SDK client are loaded and made when the first
 * alert is sent ({@link loadSnsClient}).
 */
export const snsAlertsService: AwsService = {
  name: "SNS alerts",
  bind(bind, config, client) {
    bind(ALERT_PUBLISHER).toDynamicValue((): AlertPublisher => {
      const topicArn = requireVariable(config, "ALERT_TOPIC_ARN", "AlertPublisher");
      return madeAtFirstPublish(async () => {
        const { SnsAlertPublisher } = await import("../../../adapters/aws/sns-alert-publisher.js");
        return new SnsAlertPublisher({ client: await loadSnsClient(client), topicArn });
      });
    });
  },
};
