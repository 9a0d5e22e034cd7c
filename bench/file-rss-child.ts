/**
 * Child process of the file benchmark: validates and extracts one object of
 * s3rver under a small heap (`--max-old-space-size`), then prints its result
 * and peak RSS as one JSON line. Arguments: endpoint, bucket, key.
 */
import { readFile } from "node:fs/promises";
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
process.stdout.write(`${JSON.stringify({ ...result, maxRssMiB: await peakRssMiB() })}\n`);

/**
 * This process's peak resident memory. On Linux, VmHWM of /proc/self/status:
 * `getrusage`'s maxRSS would also count the parent's pages this process had
 * when it was forked, before it exec'd node.
 */
async function peakRssMiB(): Promise<number> {
  try {
    const status = await readFile("/proc/self/status", "utf8");
    const kib = status.match(/^VmHWM:\s+(\d+)\s+kB/m)?.[1];
    if (kib) return Number(kib) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}
