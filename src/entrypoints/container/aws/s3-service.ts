import type { S3Client } from "@aws-sdk/client-s3";
import { OBJECT_STORE } from "../../../ports/object-store.js";
import { token } from "../../../ports/token.js";
import { requireVariable } from "../../config.js";
import { loadS3Adapters } from "./adapter-loaders.js";
import type { AwsService } from "./aws-service.js";

export const S3_CLIENT = token<S3Client>("aws.S3Client");

/** S3: the bucket of batch order files. */
export const s3Service: AwsService = {
  name: "S3",
  bind(bind, config, client) {
    bind(S3_CLIENT).toDynamicValue(async () => {
      const { createS3Client } = await loadS3Adapters();
      // Emulators and LocalStack address buckets by path.
      return createS3Client({ ...client, ...(client.endpoint ? { forcePathStyle: true } : {}) });
    });
    bind(OBJECT_STORE).toResolvedValue(
      async (s3: S3Client) => {
        const bucket = requireVariable(config, "FILES_BUCKET", "ObjectStore");
        const { S3ObjectStore } = await loadS3Adapters();
        return new S3ObjectStore({ client: s3, bucket });
      },
      [S3_CLIENT],
    );
  },
};
