import type { SQSClient } from "@aws-sdk/client-sqs";
import { FILE_EXTRACTION_QUEUE, INTAKE_QUEUE } from "../../../ports/command-queue.js";
import { token } from "../../../ports/token.js";
import { requireVariable } from "../../config.js";
import { loadSqsAdapters } from "./adapter-loaders.js";
import type { AwsService } from "./aws-service.js";

export const SQS_CLIENT = token<SQSClient>("aws.SQSClient");

/** SQS: the queues orderflow sends commands to (the intake FIFO queue, the file-extraction queue). */
export const sqsService: AwsService = {
  name: "SQS",
  bind(bind, config, client) {
    bind(SQS_CLIENT).toDynamicValue(async () => {
      const { createSqsClient } = await loadSqsAdapters();
      return createSqsClient(client);
    });
    bind(INTAKE_QUEUE).toResolvedValue(
      async (sqs: SQSClient) => {
        const queueUrl = requireVariable(config, "INTAKE_QUEUE_URL", "IntakeQueue");
        const { SqsCommandQueue } = await loadSqsAdapters();
        return new SqsCommandQueue({ client: sqs, queueUrl });
      },
      [SQS_CLIENT],
    );
    bind(FILE_EXTRACTION_QUEUE).toResolvedValue(
      async (sqs: SQSClient) => {
        const queueUrl = requireVariable(config, "FILE_EXTRACTION_QUEUE_URL", "FileExtractionQueue");
        const { SqsCommandQueue } = await loadSqsAdapters();
        return new SqsCommandQueue({ client: sqs, queueUrl });
      },
      [SQS_CLIENT],
    );
  },
};
