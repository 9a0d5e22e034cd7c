import { SFNClient } from "@aws-sdk/client-sfn";
import { type AwsClientOptions, baseClientConfig } from "./client-options.js";

/**
 * A Step Functions client for {@link StepFunctionsOrderWorkflows}. Create one
 * per process (at cold start, in a composition root), never at import time.
 */
export function createStepFunctionsClient(options: AwsClientOptions = {}): SFNClient {
  return new SFNClient(baseClientConfig(options));
}
