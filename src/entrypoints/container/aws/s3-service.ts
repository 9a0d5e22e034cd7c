import type { AwsClientOptions } from "../../../adapters/aws/client-options.js";
import { createS3Client, S3ObjectStore } from "../../../adapters/aws/s3-object-store.js";
import { OBJECT_STORE } from "../../../ports/object-store.js";
import { awsAdapter, awsService } from "./aws-service.js";

// Emulators and LocalStack address buckets by path.
const createClient = (client: AwsClientOptions) =>
  createS3Client({ ...client, ...(client.endpoint ? { forcePathStyle: true } : {}) });

/** S3: the bucket of batch order files. */
export const s3Service = awsService("S3", createClient, [
  awsAdapter(OBJECT_STORE, "FILES_BUCKET", (client, bucket) => new S3ObjectStore({ client, bucket })),
]);
