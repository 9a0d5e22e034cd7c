import { createSnsClient, SnsAlertPublisher } from "../../../adapters/aws/sns-alert-publisher.js";
import { ALERT_PUBLISHER, type AlertPublisher } from "../../../ports/alert-publisher.js";
import { requireVariable } from "../../config.js";
import { type AwsService, madeAtFirstPublish } from "./aws-service.js";

/**
 * SNS, for the operators' alert topic only. Most invocations send no alert,
 * so the publisher and its SDK client are made when the first alert is sent:
 * until then a handler whose only SNS port is the alerts builds nothing of
 * SNS. (Loading the adapter on demand with `import()` measured no faster: the
 * bundler then wraps every module the SDK shares for lazy start-up.)
 */
export const snsAlertsService: AwsService = {
  name: "SNS alerts",
  bind(bind, config, client) {
    bind(ALERT_PUBLISHER).toDynamicValue((): AlertPublisher => {
      const topicArn = requireVariable(config, "ALERT_TOPIC_ARN", "AlertPublisher");
      return madeAtFirstPublish(() => new SnsAlertPublisher({ client: createSnsClient(client), topicArn }));
    });
  },
};
