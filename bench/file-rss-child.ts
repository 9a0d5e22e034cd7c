/**
 * Child process of the file benchmark: validates and extracts one object of
 * s3rver under a small heap (`--max-old-space-size`), then prints its result
 * and peak RSS as one JSON line. Arguments: endpoint, bucket, key.
 */
import { createS3Client, S3ObjectStore } from "../src/adapters/aws/s3-object-store.js";
import { runFileJob } from "./file-job.js";

const [endpoint, bucket, key] = process.argv.slice(2);
if (!endpoint || !bucket || !key) throw new Error("usage: file-rss-child <endpoint> <bucket> <key>");
const client = createS3Client({
  endpoint,
  region: "us-east-1",
  forcePathStyle: true,
  credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
});
const result = await runFileJob(new S3ObjectStore({ client, bucket }), key);
client.destroy();
// maxRSS is in KiB.
process.stdout.write(`${JSON.stringify({ ...result, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`);
