import type { SNSClient } from "@aws-sdk/client-sns";
import type { AwsClientOptions } from "../../../adapters/aws/client-options.js";

/**
 * An SNS client, its SDK code loaded on demand. Every SNS adapter is made with
 * one at its first use, from a module imported then: a handler's bundle keeps
 * SNS in chunks of its own (`dist/lambda/<name>/`), which a cold start that
 * publishes nothing there never reads (the api placing or reading orders, the
 * log channel, every handler sending no alert).
 */
export async function loadSnsClient(options: AwsClientOptions): Promise<SNSClient> {
  const { createSnsClient } = await import("../../../adapters/aws/sns-publishing.js");
  return createSnsClient(options);
}
