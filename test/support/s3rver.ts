import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";

export interface S3Emulator {
  readonly endpoint: string;
  readonly client: S3Client;
  /** A bucket created for this emulator. */
  readonly bucket: string;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * Starts s3rver on a free port of 127.0.0.1 with an empty bucket, in a child
 * process. It runs apart because s3rver encrypts ListObjectsV2 continuation
 * tokens with DES, which OpenSSL 3 (Node 17+) only offers with
 * `--openssl-legacy-provider`: without the flag every paged listing fails with
 * `error:0308010C:digital envelope routines::unsupported`, and vitest's workers
 * cannot be given the flag from a test file.
 */
export async function startS3(bucket = "orderflow-test"): Promise<S3Emulator> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const directory = await mkdtemp(join(tmpdir(), "orderflow-s3rver-"));
  const bin = join(
    dirname(createRequire(import.meta.url).resolve("s3rver/package.json")),
    "bin",
    "s3rver.js",
  );
  const child = spawn(
    process.execPath,
    ["--openssl-legacy-provider", bin, "-d", directory, "-a", "127.0.0.1", "-p", "0", "-s"],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_OPTIONS: "" } },
  );
  let port: number;
  try {
    port = await listeningPort(child);
  } catch (err) {
    child.kill();
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return {
    endpoint,
    client,
    bucket,
    async stop() {
      client.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** Waits for s3rver's `S3rver listening on 127.0.0.1:PORT` line. */
function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => fail(new Error(`s3rver did not start within 20 s:\n${output}`)), 20_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = output.match(/listening on [^\s:]+:(\d+)/);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        // Keep draining so a chatty child never blocks on a full pipe.
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(Number(match[1]));
      }
    };
    const fail = (err: Error) => {
      clearTimeout(timer);
      reject(err);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (data: Buffer) => {
      output += data.toString();
    });
    child.once("exit", (code) => fail(new Error(`s3rver exited with ${code}:\n${output}`)));
    child.once("error", fail);
  });
}
