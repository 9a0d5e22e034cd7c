/**
 * Batch-file throughput and memory: a generated file of 1,000,000 orders in
 * each format, stored in s3rver and streamed back from it through
 * validate-file and extract-orders, against `JSON.parse` of the same bytes
 * (decoding included, file already in memory) in the same run. SendMessageBatch
 * calls are counted at the CommandQueue port (one `send` of ≤ 10 messages is
 * one SendMessageBatch for SqsCommandQueue). With BENCH_BIG=1 a file over 1 GiB
 * is processed in a child process limited to a 128 MiB heap, and its peak RSS
 * reported.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { S3ObjectStore } from "../src/adapters/aws/s3-object-store.js";
import { startS3 } from "../test/support/s3rver.js";
import { type FileJobResult, runFileJob } from "./file-job.js";

type Format = "json" | "jsonl";

export interface FileBenchRow {
  readonly format: Format;
  readonly orders: number;
  readonly megabytes: number;
  readonly jsonParseMBps: number;
  readonly validateMBps: number;
  readonly extractMBps: number;
  readonly validateRatio: number;
  readonly extractRatio: number;
  readonly sendCalls: number;
  readonly expectedCalls: number;
}

export interface FileBenchResult {
  readonly rows: readonly FileBenchRow[];
  readonly big?: (FileJobResult & { readonly maxRssMiB: number }) | undefined;
}

/** A PlaceOrder line; one in a thousand is invalid (quantity 0), none carries an orderId. */
function orderLine(i: number): string {
  const quantity = i % 1000 === 999 ? 0 : 1 + (i % 3);
  return `{"customerId":"customer-${i % 9973}","currency":"BRL","items":[{"sku":"SKU-1","quantity":${quantity},"unitPrice":1250},{"sku":"SKU-2","quantity":1,"unitPrice":990}],"shippingAddress":{"line1":"Rua Augusta, ${i % 5000}","city":"São Paulo","postalCode":"01305-000","country":"BR"}}`;
}

/** Streams a file of orders to disk: `count` orders, or as many as it takes to pass `minBytes`. */
export async function generate(
  path: string,
  format: Format,
  limit: { count?: number; minBytes?: number },
): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  let written = 0;
  const done = () => (limit.count !== undefined ? written >= limit.count : bytes >= (limit.minBytes ?? 0));
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, "drain");
  };
  if (format === "json") await write('{"orders": [\n');
  while (!done()) {
    const lines: string[] = [];
    const batch = limit.count !== undefined ? Math.min(1000, limit.count - written) : 1000;
    for (let k = 0; k < batch; k++) lines.push(orderLine(written + k));
    const separator = format === "json" ? ",\n" : "\n";
    const lead = format === "json" && written > 0 ? separator : "";
    await write(`${lead}${lines.join(separator)}${format === "jsonl" ? "\n" : ""}`);
    written += lines.length;
  }
  if (format === "json") await write("\n]}\n");
  out.end();
  await once(out, "finish");
  return written;
}

/** `JSON.parse` of the file's bytes (decoding included), as orders per second; JSON Lines parsed line by line. */
function jsonParseSeconds(bytes: Buffer, format: Format): number {
  const started = performance.now();
  const text = bytes.toString("utf8");
  let count: number;
  if (format === "json") count = (JSON.parse(text) as { orders: unknown[] }).orders.length;
  else {
    count = 0;
    for (const line of text.split("\n")) if (line.length > 0 && JSON.parse(line)) count++;
  }
  const seconds = (performance.now() - started) / 1000;
  if (count === 0) throw new Error("nothing parsed");
  return seconds;
}

const MiB = 1024 * 1024;

export async function runFileBench(
  options: { orders?: number; big?: boolean } = {},
): Promise<FileBenchResult> {
  const orders = options.orders ?? Number(process.env.BENCH_FILE_ORDERS ?? 1_000_000);
  const big = options.big ?? process.env.BENCH_BIG === "1";
  const dir = await mkdtemp(join(tmpdir(), "orderflow-bench-files-"));
  const s3 = await startS3("orderflow-bench");
  const objects = new S3ObjectStore({ client: s3.client, bucket: s3.bucket, partSizeBytes: 16 * MiB });
  const rows: FileBenchRow[] = [];
  let bigResult: FileBenchResult["big"];
  try {
    // Every job first, then the JSON.parse baselines: a job must not run amid
    // the garbage of a million orders parsed at once.
    const formats = ["jsonl", "json"] as const;
    const jobs = new Map<Format, FileJobResult>();
    for (const format of formats) {
      const path = join(dir, `orders.${format}`);
      await generate(path, format, { count: orders });
      await objects.put(`incoming/orders.${format}`, createReadStream(path));
      jobs.set(format, await runFileJob(objects, `incoming/orders.${format}`));
      await objects.delete(`processed/orders.${format}`);
    }

    if (big) {
      const path = join(dir, "big.jsonl");
      await generate(path, "jsonl", { minBytes: 1.05 * 1024 * MiB });
      const key = "incoming/big.jsonl";
      await objects.put(key, createReadStream(path));
      await rm(path);
      bigResult = await runChild(dir, s3.endpoint, s3.bucket, key);
      await objects.delete("processed/big.jsonl");
    }

    for (const format of formats) {
      const job = jobs.get(format)!;
      const path = join(dir, `orders.${format}`);
      const bytes = await readFile(path);
      // The baseline is the side that moves most with the machine's load: the median of three.
      const parseSeconds = [0, 1, 2].map(() => jsonParseSeconds(bytes, format)).sort((a, b) => a - b)[1]!;
      const megabytes = bytes.length / MiB;
      rows.push({
        format,
        orders: job.orders,
        megabytes,
        jsonParseMBps: megabytes / parseSeconds,
        validateMBps: megabytes / job.validateSeconds,
        extractMBps: megabytes / job.extractSeconds,
        validateRatio: parseSeconds / job.validateSeconds,
        extractRatio: parseSeconds / job.extractSeconds,
        sendCalls: job.sendCalls,
        expectedCalls: Math.ceil(job.valid / 10),
      });
      await rm(path);
    }
  } finally {
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  }
  print({ rows, big: bigResult });
  return { rows, big: bigResult };
}

/**
 * Runs the job in a child process bundled like a Lambda handler (esbuild, SDK
 * included): a TypeScript loader alone would add some 50 MiB of RSS that a
 * deployed handler does not have.
 */
async function runChild(
  dir: string,
  endpoint: string,
  bucket: string,
  key: string,
): Promise<FileBenchResult["big"]> {
  const { build } = await import("esbuild");
  const bundle = join(dir, "file-rss-child.mjs");
  await build({
    entryPoints: [join(import.meta.dirname, "file-rss-child.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: bundle,
    banner: { js: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);" },
    logLevel: "error",
  });
  const child = spawn(process.execPath, ["--max-old-space-size=128", bundle, endpoint, bucket, key], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  let output = "";
  child.stdout.on("data", (data: Buffer) => {
    output += data.toString();
  });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`the bounded-memory child failed (exit ${code}): ${output}`);
  return JSON.parse(output.trim().split("\n").pop()!) as FileBenchResult["big"];
}

function print(result: FileBenchResult): void {
  console.log(
    "\n## Batch files from s3rver: validate-file and extract-orders vs JSON.parse of the same bytes",
  );
  console.table(
    result.rows.map((row) => ({
      format: row.format,
      orders: row.orders,
      MiB: Number(row.megabytes.toFixed(1)),
      "JSON.parse MiB/s": Number(row.jsonParseMBps.toFixed(1)),
      "validate MiB/s": Number(row.validateMBps.toFixed(1)),
      "validate ×": Number(row.validateRatio.toFixed(2)),
      "extract MiB/s": Number(row.extractMBps.toFixed(1)),
      "extract ×": Number(row.extractRatio.toFixed(2)),
      "SendMessageBatch calls": row.sendCalls,
      "⌈valid/10⌉": row.expectedCalls,
    })),
  );
  console.log(
    "targets: validate × and extract × ≥ 0.5; SendMessageBatch calls = ⌈valid/10⌉ (counted at the CommandQueue port)",
  );
  if (result.big) {
    const b = result.big;
    console.log(
      `big file: ${(b.bytes / 1024 / MiB).toFixed(2)} GiB, ${b.orders} orders, validate ${(b.bytes / MiB / b.validateSeconds).toFixed(1)} MiB/s, ` +
        `extract ${(b.bytes / MiB / b.extractSeconds).toFixed(1)} MiB/s, ${b.sendCalls} SendMessageBatch calls for ${b.valid} valid orders, ` +
        `peak RSS ${b.maxRssMiB.toFixed(1)} MiB (bundled, --max-old-space-size=128; target ≤ 160 MiB)`,
    );
  } else {
    console.log(
      "peak RSS for a file over 1 GiB: skipped (takes a few minutes); run it with BENCH_BIG=1 npm run bench",
    );
  }
}

// Run directly: `npx tsx bench/files.ts`.
if (process.argv[1] && import.meta.filename === (await import("node:fs")).realpathSync(process.argv[1])) {
  await runFileBench();
}
