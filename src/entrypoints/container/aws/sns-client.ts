import type { SNSClient } from "@aws-sdk/client-sns";
import type { AwsClientOptions } from "../../../adapters/aws/client-options.js";

/**
 * An SNS client, its SDK code loaded on demand, for the SNS adapters most
 * invocations never call (the alerts, the e-mail channel): each is made at its
 * first use from a module imported then, so a handler's bundle keeps them in
 * chunks of their own (`dist/lambda/<name>/`) that a cold start never reads.
 */
export async function loadSnsClient(options: AwsClientOptions): Promise<SNSClient> {
  const { createSnsClient } = await import("../../../adapters/aws/sns-publishing.js");
  return createSnsClient(options);
}
