import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { InMemoryLogger } from "../../adapters/memory/in-memory-logger.js";
import { RandomIdGenerator } from "../../adapters/system/random-id-generator.js";
import { SystemClock } from "../../adapters/system/system-clock.js";
import type { FileProgress } from "../../domain/use-cases/file-flow.js";
import type { ObjectStore } from "../../ports/object-store.js";
import { addFileFlows } from "../in-memory/in-memory-file-flows.js";
import { InMemoryOrderflow } from "../in-memory/in-memory-orderflow.js";
import { CliError } from "./backends.js";
import { type IngestReport, ingestThroughRunner } from "./ingest-endpoint.js";

export const INGEST_USAGE = `Usage: orderflow ingest <file> [--bucket <name>] [--region <region>] [--json]
       orderflow ingest <file> --endpoint <url> [--timeout <duration>] [--json]

Runs a batch order file (JSON { "orders": [...] } or bare array, or JSON Lines) through the batch-file
flows, the same way as a file dropped in the bucket: validate-file (history record, alert), then
extract-orders into the in-memory order pipeline, which takes each order to its final status.
  --bucket <name>   store the file in this S3 bucket under incoming/ and stream it from there
                    (endpoint from $AWS_ENDPOINT_URL when set, e.g. s3rver); in memory otherwise
  --region <region> AWS region of the bucket (default: the SDK's)
  --endpoint <url>  send the file to the local runner at <url> instead: it is copied into the runner's
                    inbox folder (GET /_local/inbox; it must be a folder on this machine), then followed
                    in the runner's file history until EXTRACTED or REJECTED; the statuses of its orders
                    are looked up when it has at most 100 valid ones. Only this option sends it:
                    $ORDERFLOW_ENDPOINT does not (without --endpoint, ingest runs a pipeline of its own)
  --timeout <duration>  with --endpoint: how long to wait for the runner, e.g. 90s, 10m, 1h, or seconds
                    (default 10m)
  --json            print the file's history record and the order outcomes as JSON
Exit codes: 0 the file was accepted (maybe partially), 1 rejected or failed, 2 bad usage.
`;

/** How long `--endpoint` waits for the runner by default. */
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

export interface IngestIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal (progress lines redraw in place). */
  readonly progressInPlace?: boolean | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The bucket store for `--bucket` (default: S3 through the SDK, loaded on demand). */
  readonly objectStore?: ((bucket: string, region: string | undefined) => Promise<ObjectStore>) | undefined;
  /** For `--endpoint`. */
  readonly fetch?: typeof fetch | undefined;
}

/**
 * `orderflow ingest <file>`: arguments after `ingest`.
 * @returns the exit code; never throws.
 */
export async function runIngestCommand(args: readonly string[], io: Partial<IngestIo> = {}): Promise<number> {
  const out = io.stdout ?? ((text: string) => void process.stdout.write(text));
  const err = io.stderr ?? ((text: string) => void process.stderr.write(text));
  let parsed: ReturnType<typeof parseIngestArgs>;
  try {
    parsed = parseIngestArgs(args);
  } catch (error) {
    err(`orderflow: ${(error as Error).message}\n${INGEST_USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    out(INGEST_USAGE);
    return 0;
  }
  const [file, ...extra] = parsed.positionals;
  if (!file || extra.length > 0) {
    err(INGEST_USAGE);
    return 2;
  }
  const { endpoint, bucket, region } = parsed.values;
  if (endpoint !== undefined && (bucket !== undefined || region !== undefined)) {
    err(
      `orderflow: ${bucket !== undefined ? "--bucket" : "--region"} and --endpoint do not go together: ` +
        "--endpoint sends the file to the local runner's inbox, --bucket runs it through a pipeline of its own from S3\n",
    );
    return 2;
  }
  if (endpoint === undefined && parsed.values.timeout !== undefined) {
    err("orderflow: --timeout goes with --endpoint (how long to wait for the runner)\n");
    return 2;
  }
  if (endpoint !== undefined) {
    let timeoutMs = DEFAULT_TIMEOUT_MS;
    if (parsed.values.timeout !== undefined) {
      const parsedTimeout = durationMs(parsed.values.timeout);
      if (parsedTimeout === undefined) {
        err(`orderflow: --timeout must be a duration such as 90s, 10m or 1h, got ${parsed.values.timeout}\n`);
        return 2;
      }
      timeoutMs = parsedTimeout;
    }
    try {
      const report = await ingestThroughRunner(file, {
        endpoint,
        timeoutMs,
        io: { stderr: err, progressInPlace: io.progressInPlace ?? process.stderr.isTTY, fetch: io.fetch },
      });
      if (parsed.values.json) out(`${JSON.stringify(report, null, 2)}\n`);
      else out(describe(file, report));
      return report.record && report.record.status !== "REJECTED" ? 0 : 1;
    } catch (error) {
      if (error instanceof CliError) {
        err(`orderflow: ${error.message}\n${error.details.map((d) => `  ${d}\n`).join("")}`);
        return error.exitCode;
      }
      err(`orderflow: ingest ${file} failed: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
  }
  const env = io.env ?? process.env;
  if (env.ORDERFLOW_ENDPOINT) {
    err(
      "orderflow: ingest runs the file through a pipeline of its own ($ORDERFLOW_ENDPOINT is not used here); " +
        `to send it to the runner: --endpoint ${env.ORDERFLOW_ENDPOINT}\n`,
    );
  }
  try {
    const report = await ingestFile(file, {
      bucket: parsed.values.bucket,
      region: parsed.values.region,
      io: {
        stdout: out,
        stderr: err,
        env,
        progressInPlace: io.progressInPlace ?? process.stderr.isTTY,
        objectStore: io.objectStore,
      },
    });
    if (parsed.values.json) out(`${JSON.stringify(report, null, 2)}\n`);
    else out(describe(file, report));
    return report.record && report.record.status !== "REJECTED" ? 0 : 1;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The SDK's own words name no option: say which one gives the bucket's region.
    if (parsed.values.bucket && /region is missing/i.test(message)) {
      err("orderflow: --bucket needs the bucket's region: pass --region <region> or set AWS_REGION\n");
      return 2;
    }
    err(`orderflow: ingest ${file} failed: ${message}\n`);
    return 1;
  }
}

/** Runs one local file through the file flows and the in-memory order pipeline. */
export async function ingestFile(
  path: string,
  options: { bucket?: string | undefined; region?: string | undefined; io: IngestIo },
): Promise<IngestReport> {
  const { io } = options;
  const size = (await stat(path)).size;
  const flow = new InMemoryOrderflow({
    clock: new SystemClock(),
    ids: new RandomIdGenerator(),
    logger: new InMemoryLogger(),
  });
  const objects = options.bucket
    ? await (io.objectStore ?? s3ObjectStore)(options.bucket, options.region ?? io.env.AWS_REGION)
    : undefined;
  const progress = progressLine(io, size);
  const files = addFileFlows(flow, {
    ...(objects ? { objects, bucket: options.bucket } : {}),
    onProgress: progress.update,
    progressEveryBytes: 4 * 1024 * 1024,
  });
  const name = basename(path);
  await files.upload(name, createReadStream(path));
  await flow.drain({ only: [files.intake.queue.name, files.extraction.queue.name] });
  progress.done();
  if (size > 4 * 1024 * 1024) io.stderr("processing the orders…\n");
  await flow.drain();

  const record = (await files.history.list({ limit: 1 })).items[0];
  const final: Record<string, number> = {};
  for (const status of [
    "CONFIRMED",
    "REJECTED",
    "PAYMENT_PENDING",
    "VALIDATED",
    "RECEIVED",
    "CANCELLED",
    "PAID",
  ] as const) {
    let nextToken: string | undefined;
    let count = 0;
    do {
      const page = await flow.orders.listByStatus(status, { limit: 1000, nextToken });
      count += page.items.length;
      nextToken = page.nextToken;
    } while (nextToken);
    if (count > 0) final[status] = count;
  }
  return { record, orders: final };
}

/** `90s`, `10m`, `1h`, or a number of seconds; undefined unless a positive duration. */
function durationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text);
  if (!match) return undefined;
  const ms = Number(match[1]) * { s: 1_000, m: 60_000, h: 3_600_000 }[(match[2] ?? "s") as "s" | "m" | "h"];
  return ms >= 1 ? Math.round(ms) : undefined;
}

function parseIngestArgs(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: {
      bucket: { type: "string" },
      region: { type: "string" },
      endpoint: { type: "string" },
      timeout: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
}

async function s3ObjectStore(bucket: string, region: string | undefined): Promise<ObjectStore> {
  // Loaded on demand: ingesting in memory needs no AWS SDK.
  const { createS3Client, S3ObjectStore } = await import("../../adapters/aws/s3-object-store.js");
  const endpoint = process.env.AWS_ENDPOINT_URL;
  const client = createS3Client({
    ...(region ? { region } : {}),
    ...(endpoint ? { endpoint, forcePathStyle: true } : {}),
  });
  return new S3ObjectStore({ client, bucket });
}

/** A progress line on stderr for files over a few MiB: redrawn in place on a terminal, one line per step otherwise. */
function progressLine(io: IngestIo, size: number) {
  let shown = false;
  return {
    update(progress: FileProgress) {
      if (size < 4 * 1024 * 1024) return;
      const percent =
        progress.totalBytes > 0 ? Math.floor((100 * progress.bytes) / progress.totalBytes) : 100;
      const what = progress.phase === "validate" ? "validating" : "extracting";
      const line = `${what} ${basename(progress.fileKey)}: ${mb(progress.bytes)} / ${mb(progress.totalBytes)} MB (${percent}%), ${progress.orders.toLocaleString("en-US")} orders`;
      io.stderr(io.progressInPlace ? `\r\u001b[2K${line}` : `${line}\n`);
      shown = true;
    },
    done() {
      if (shown && io.progressInPlace) io.stderr("\n");
    },
  };
}

function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

function describe(path: string, report: IngestReport): string {
  const record = report.record;
  if (!record) return `${path}: no record (was the notification lost?)\n`;
  const lines = [
    `${basename(path)}: ${record.status} (${record.format ?? "unknown format"}, ${record.size ?? 0} bytes)`,
    `  orders: ${record.counts.total} total, ${record.counts.valid} valid, ${record.counts.invalid} invalid`,
  ];
  if (record.location) lines.push(`  object: ${record.location}`);
  if (report.inboxFile) lines.push(`  moved to: ${report.inboxFile}`);
  if (report.repeat) lines.push(`  a repeat of the file ingested at ${record.startedAt}: not run again`);
  if (record.errors.length > 0) {
    lines.push("  errors:");
    for (const error of record.errors.slice(0, 10)) {
      lines.push(
        `    ${error.index === undefined ? "file" : `order ${error.index}`}${error.path ? ` ${error.path}` : ""}: ${error.message}`,
      );
    }
    if (record.errors.length > 10 || record.counts.invalid > record.errors.length) lines.push("    …");
  }
  const outcomes = Object.entries(report.orders);
  if (outcomes.length > 0)
    lines.push(`  in the pipeline: ${outcomes.map(([status, n]) => `${n} ${status}`).join(", ")}`);
  return `${lines.join("\n")}\n`;
}
