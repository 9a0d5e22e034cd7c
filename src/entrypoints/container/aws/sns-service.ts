import type { SNSClient } from "@aws-sdk/client-sns";
import { ALERT_PUBLISHER } from "../../../ports/alert-publisher.js";
import { token } from "../../../ports/token.js";
import { requireVariable } from "../../config.js";
import { loadSnsAdapters } from "./adapter-loaders.js";
import type { AwsService } from "./aws-service.js";

export const SNS_CLIENT = token<SNSClient>("aws.SNSClient");

/** SNS: the topic of operator alerts. */
export const snsService: AwsService = {
  name: "SNS",
  bind(bind, config, client) {
    bind(SNS_CLIENT).toDynamicValue(async () => {
      const { createSnsClient } = await loadSnsAdapters();
      return createSnsClient(client);
    });
    bind(ALERT_PUBLISHER).toResolvedValue(
      async (sns: SNSClient) => {
        const topicArn = requireVariable(config, "ALERT_TOPIC_ARN", "AlertPublisher");
        const { SnsAlertPublisher } = await loadSnsAdapters();
        return new SnsAlertPublisher({ client: sns, topicArn });
      },
      [SNS_CLIENT],
    );
  },
};
