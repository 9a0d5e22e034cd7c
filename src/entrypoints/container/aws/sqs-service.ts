import { createSqsClient, SqsCommandQueue } from "../../../adapters/aws/sqs-command-queue.js";
import { FILE_EXTRACTION_QUEUE, INTAKE_QUEUE } from "../../../ports/command-queue.js";
import { awsAdapter, awsService } from "./aws-service.js";

/** SQS: the queues orderflow sends commands to (the intake FIFO queue, the file-extraction queue). */
export const sqsService = awsService("SQS", createSqsClient, [
  awsAdapter(
    INTAKE_QUEUE,
    "INTAKE_QUEUE_URL",
    (client, queueUrl) => new SqsCommandQueue({ client, queueUrl }),
  ),
  awsAdapter(
    FILE_EXTRACTION_QUEUE,
    "FILE_EXTRACTION_QUEUE_URL",
    (client, queueUrl) => new SqsCommandQueue({ client, queueUrl }),
  ),
]);
