import { createHash, type Hash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { link, realpath, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import type { FileRecord } from "../../ports/file-history.js";
import { fileOrderIds } from "../consumers/file-messages.js";
import { IGNORED_IN_INBOX, INBOX_FOLDERS } from "../local/inbox-watcher.js";
import { CliError } from "./backends.js";
import { HttpOperatorBackend } from "./http-backend.js";

/** File statuses after which nothing more happens to the file (VALID and PARTIALLY_VALID lead to extraction). */
const FILE_DONE: ReadonlySet<string> = new Set(["REJECTED", "EXTRACTED"]);

/** Order statuses where an order stays until someone acts (or for good); `NOT_FOUND`: no such order. */
const ORDER_SETTLED: ReadonlySet<string> = new Set([
  "CONFIRMED",
  "FULFILLED",
  "REJECTED",
  "PAYMENT_FAILED",
  "CANCELLED",
  "NOT_FOUND",
]);

/** The orders' statuses are looked up (one GET each) for files of at most this many valid orders. */
const MAX_ORDERS_FOLLOWED = 100;
/** How long the orders are given to settle once the file is extracted. */
const ORDERS_WAIT_MS = 30_000;
/** How long the runner may leave the polls unanswered before ingest gives up. */
const UNANSWERED_MS = 15_000;
/** Files from this size on get extraction progress lines. */
const BIG_FILE_BYTES = 4 * 1024 * 1024;

/** What `orderflow ingest` reports of a file, in memory or through a runner. */
export interface IngestReport {
  readonly record: FileRecord | undefined;
  /** Orders of the file by final status in the pipeline. */
  readonly orders: Readonly<Record<string, number>>;
  /** `--endpoint`, a file of up to 100 valid orders: each order's status, by id. */
  readonly orderStatuses?: Readonly<Record<string, string>> | undefined;
  /** `--endpoint`: where the copy dropped in the runner's inbox went (its `processed/` or `rejected/` folder). */
  readonly inboxFile?: string | undefined;
  /** `--endpoint`: the runner had ingested these very bytes under this name before, and did not run them again. */
  readonly repeat?: boolean | undefined;
}

export interface RunnerIngestIo {
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal (extraction progress redraws in place). */
  readonly progressInPlace?: boolean | undefined;
  readonly fetch?: typeof fetch | undefined;
}

/**
 * `orderflow ingest <file> --endpoint <url>`: copies the file into the
 * running local runner's inbox (a dot-named temporary file, then linked or
 * renamed to its name, so the runner's watcher never sees half a file), then
 * follows the file's history record (`GET /_local/files`) until it is
 * `EXTRACTED` or `REJECTED`, printing each status on stderr, and, for a file
 * of at most {@link MAX_ORDERS_FOLLOWED} valid orders, looks up the orders'
 * statuses (`GET /orders/{id}`, the ids as extraction gives them).
 *
 * The record is the one of this file's key whose version is the copy's MD5
 * (what the runner's object stores use as version), or which started after
 * the copy: a copy of bytes the runner ingested under this name before is a
 * repeat, which it does not run again; the earlier record is the answer then.
 * @throws CliError (with its exit code) when the file cannot be sent or followed.
 */
export async function ingestThroughRunner(
  path: string,
  options: { readonly endpoint: string; readonly timeoutMs: number; readonly io: RunnerIngestIo },
): Promise<IngestReport> {
  const { io, timeoutMs } = options;
  const deadline = Date.now() + timeoutMs;
  const name = basename(path);
  if (IGNORED_IN_INBOX.test(name)) {
    throw new CliError(
      `the runner's inbox passes over a file named ${name} (a leading dot, a trailing ~, .tmp, .part, ` +
        ".crdownload or .swp: names of files still being written); copy it under another name",
      2,
    );
  }
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error("not a file");
    size = info.size;
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  const runner = new HttpOperatorBackend(options.endpoint, io.fetch ?? fetch);
  const inbox = await runner.inbox();
  if (!(await isDirectory(inbox))) {
    throw new CliError(
      `the runner's inbox, ${inbox}, is not a folder on this machine: the runner runs on another machine ` +
        "(or in a container); copy the file into its inbox there",
    );
  }
  if (await samePlace(dirname(path), inbox)) {
    throw new CliError(`${path} is in the runner's inbox already: the runner takes it by itself`, 2);
  }

  const dropped = join(inbox, name);
  const { version, copiedAt } = await drop(path, inbox, name);
  io.stderr(`${name}: copied into the runner's inbox (${inbox})\n`);
  const progress = progressLines(io);
  const key = `incoming/${name}`;
  const ours = (record: FileRecord) =>
    record.fileKey === key && (record.fileVersion === version || Date.parse(record.startedAt) >= copiedAt);

  let record: FileRecord | undefined;
  let shown: string | undefined;
  let shownOffset = 0;
  let shownAt = 0;
  for (;;) {
    const latest = await patiently(() => runner.files(20), deadline);
    record =
      latest.find(ours) ??
      (latest.length < 20 ? undefined : (await patiently(() => runner.files(100), deadline)).find(ours));
    if (record && record.status !== shown) {
      progress.line(
        `${name}: ${record.status}${FILE_DONE.has(record.status) || record.status.endsWith("VALID") ? counted(record) : ""}`,
      );
      shown = record.status;
    } else if (record?.status === "EXTRACTING" && size >= BIG_FILE_BYTES && record.checkpoint) {
      const { byteOffset, sent } = record.checkpoint;
      if (byteOffset !== shownOffset && Date.now() - shownAt >= 1_000) {
        progress.transient(
          `${name}: extracting: ${mb(byteOffset)} / ${mb(size)} MB (${Math.floor((100 * byteOffset) / size)}%), ${sent.toLocaleString("en-US")} orders sent`,
        );
        shownOffset = byteOffset;
        shownAt = Date.now();
      }
    }
    // A repeat's record was done before the copy: the copy leaving the inbox says the runner took it.
    if (record && FILE_DONE.has(record.status)) {
      if (Date.parse(record.startedAt) >= copiedAt || !(await exists(dropped))) break;
    }
    if (Date.now() >= deadline) {
      progress.done();
      throw new CliError(
        `${name}: ${record ? `still ${record.status}` : "not taken by the runner yet"} after ${seconds(timeoutMs)}; ` +
          "it may still be working on it: see GET /_local/files and the runner's log",
      );
    }
    await sleep(Date.now() - copiedAt < 30_000 ? 250 : 1_000);
  }
  progress.done();
  const repeat = Date.parse(record.startedAt) < copiedAt;
  if (repeat)
    io.stderr(
      `${name}: the runner had ingested these very bytes under this name before (${record.startedAt}); ` +
        "it took the copy as a repeat and did not run it again\n",
    );

  // The runner moves the file once its validation is recorded, usually before the extraction ends.
  const movedBy = Math.min(deadline, Date.now() + 5_000);
  while ((await exists(dropped)) && Date.now() < movedBy) await sleep(100);
  const moved = join(
    inbox,
    record.status === "REJECTED" ? INBOX_FOLDERS.rejected : INBOX_FOLDERS.processed,
    name,
  );
  const inboxFile = !(await exists(dropped)) && (await exists(moved)) ? moved : undefined;

  const until = Math.min(deadline, Date.now() + ORDERS_WAIT_MS);
  const orderStatuses = await followOrders(runner, path, record, until, io);
  const orders: Record<string, number> = {};
  for (const status of Object.values(orderStatuses ?? {})) orders[status] = (orders[status] ?? 0) + 1;
  return {
    record,
    orders,
    ...(orderStatuses ? { orderStatuses } : {}),
    ...(inboxFile ? { inboxFile } : {}),
    ...(repeat ? { repeat: true } : {}),
  };
}

/**
 * Copies the file into the inbox under a dot-named temporary name (which the watcher passes over,
 * and short, whatever the file's name), then gives it its name: a hard link, which fails rather than
 * replace a file of that name still waiting there (or, where links are not supported, a rename
 * after checking there is none). The copy has a fresh modification time, so that the watcher
 * takes it even when the same bytes under the same name were just taken.
 * @returns the MD5 of the bytes copied (the version the runner records) and when the copy got its name.
 */
async function drop(
  path: string,
  inbox: string,
  name: string,
): Promise<{ version: string; copiedAt: number }> {
  const temp = join(inbox, `.orderflow-ingest-${randomBytes(6).toString("hex")}.part`);
  const target = join(inbox, name);
  const hash = createHash("md5");
  const taken = () =>
    new CliError(
      `a file named ${name} is in the runner's inbox already, not taken yet: wait until it has moved to ` +
        `${INBOX_FOLDERS.processed}/ or ${INBOX_FOLDERS.rejected}/, or copy yours under another name`,
    );
  try {
    try {
      await pipeline(hashed(createReadStream(path), hash), createWriteStream(temp, { flags: "wx" }));
    } catch (error) {
      throw new CliError(`cannot copy ${path} into the runner's inbox ${inbox}: ${(error as Error).message}`);
    }
    const copiedAt = Date.now();
    try {
      await link(temp, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST" || (await exists(target))) throw taken();
      try {
        await rename(temp, target);
      } catch (renameError) {
        throw new CliError(
          `cannot name ${name} in the runner's inbox ${inbox}: ${(renameError as Error).message}`,
        );
      }
    }
    return { version: hash.digest("hex"), copiedAt };
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * The status of each order of the file by id, once they have settled (or after `until`); undefined
 * when not looked up: nothing extracted, too many orders, or the local file changed since the copy.
 */
async function followOrders(
  runner: HttpOperatorBackend,
  path: string,
  record: FileRecord,
  until: number,
  io: RunnerIngestIo,
): Promise<Record<string, string> | undefined> {
  const name = basename(path);
  if (record.status !== "EXTRACTED" || record.counts.valid === 0) return undefined;
  if (record.counts.valid > MAX_ORDERS_FOLLOWED) {
    io.stderr(
      `${name}: ${record.counts.valid} orders placed (their statuses are looked up for files of at most ` +
        `${MAX_ORDERS_FOLLOWED}; see orderflow order <id>)\n`,
    );
    return undefined;
  }
  const ids = await orderIdsOf(path, record);
  if (!ids) return undefined;
  const statuses = new Map<string, string>();
  let announced = false;
  for (;;) {
    const open = ids.filter((id) => !ORDER_SETTLED.has(statuses.get(id) ?? ""));
    await Promise.all(
      open.map(async (id) => {
        try {
          statuses.set(id, (await patiently(() => runner.getOrder(id), until)).status);
        } catch (error) {
          if (error instanceof CliError && error.code === "ORDER_NOT_FOUND") statuses.set(id, "NOT_FOUND");
          else throw error;
        }
      }),
    );
    const moving = ids.filter((id) => !ORDER_SETTLED.has(statuses.get(id)!)).length;
    if (moving === 0) break;
    if (Date.now() >= until) {
      io.stderr(
        `${name}: ${moving} of its orders still on their way (follow one with orderflow order <id>)\n`,
      );
      break;
    }
    if (!announced) io.stderr(`${name}: waiting for its ${ids.length} orders to settle…\n`);
    announced = true;
    await sleep(250);
  }
  return Object.fromEntries(ids.map((id) => [id, statuses.get(id)!]));
}

/**
 * The ids extraction gave the file's valid orders: read from the local file with the runner's own
 * reader and check (an order's `orderId`, or the one derived from the file key, version and index),
 * leaving out the orders the record names as invalid. Undefined if the file changed since the copy.
 */
async function orderIdsOf(path: string, record: FileRecord): Promise<string[] | undefined> {
  const hash = createHash("md5");
  try {
    const ids = await fileOrderIds(hashed(createReadStream(path), hash), record);
    return hash.digest("hex") === record.fileVersion ? ids : undefined;
  } catch {
    return undefined;
  }
}

/** Status lines on stderr, and a progress line redrawn in place on a terminal (one line a step otherwise). */
function progressLines(io: RunnerIngestIo) {
  let drawn = false;
  const clear = () => {
    if (drawn) io.stderr("\r\u001b[2K");
    drawn = false;
  };
  return {
    line(text: string) {
      clear();
      io.stderr(`${text}\n`);
    },
    transient(text: string) {
      if (io.progressInPlace) {
        io.stderr(`\r\u001b[2K${text}`);
        drawn = true;
      } else io.stderr(`${text}\n`);
    },
    done: clear,
  };
}

/**
 * `call`, tried again while the runner does not answer (busy, or restarting), for up to
 * {@link UNANSWERED_MS} from the first failure, and not past `deadline`.
 */
async function patiently<T>(call: () => Promise<T>, deadline: number): Promise<T> {
  let giveUpAt: number | undefined;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof CliError && error.code === "UNREACHABLE")) throw error;
      giveUpAt ??= Math.min(deadline, Date.now() + UNANSWERED_MS);
      if (Date.now() >= giveUpAt) throw error;
      await sleep(500);
    }
  }
}

/** The chunks of `stream`, each added to `hash` on the way. */
async function* hashed(stream: AsyncIterable<Buffer>, hash: Hash): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    hash.update(chunk);
    yield chunk;
  }
}

/** `, 3 orders (2 valid, 1 invalid)` once the file's orders are counted; nothing for a file rejected as a whole. */
function counted(record: FileRecord): string {
  const { total, valid, invalid } = record.counts;
  return total === 0 ? "" : `, ${total} orders (${valid} valid, ${invalid} invalid)`;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function samePlace(a: string, b: string): Promise<boolean> {
  try {
    return (await realpath(a)) === (await realpath(b));
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

function seconds(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`;
}
