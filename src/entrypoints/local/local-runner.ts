import type { Stats } from "node:fs";
import { createReadStream } from "node:fs";
import { mkdir, rename, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { describeError } from "../../domain/errors.js";
import type { FileRecord } from "../../ports/file-history.js";
import type { Logger } from "../../ports/logger.js";
import { answerRequest, DEFAULT_MAX_BODY_BYTES } from "../http/http-core.js";
import { type HttpServer, startHttpServer } from "../http/node-http-server.js";
import { DEFAULT_CONSOLE_DIR, loadConsoleAssets } from "./console-assets.js";
import { ConsoleLogger } from "./console-logger.js";
import { INBOX_FOLDERS, InboxWatcher } from "./inbox-watcher.js";
import type { LocalBackend } from "./local-backend.js";
import { MemoryBackend } from "./memory-backend.js";
import {
  handleOperatorRequest,
  isOperatorRequest,
  MAX_UPLOAD_BYTES,
  OPERATOR_PREFIX,
} from "./operator-routes.js";
import { guardRefusal, type RequestGuardOptions } from "./request-guard.js";

/** The live feed of the events the flows publish, as server-sent events (event name `orderflow`). */
export const EVENTS_PATH = `${OPERATOR_PREFIX}events`;

export interface LocalRunnerOptions<B extends LocalBackend = LocalBackend> {
  /** Default 3000; 0 picks a free port (see {@link LocalRunner.url}). */
  readonly port?: number;
  /** Default `127.0.0.1`: the runner has no authentication, so it stays off the network unless told. */
  readonly host?: string;
  /** The folder watched for batch files, created if missing (default `./inbox`, from the working directory). */
  readonly inbox?: string;
  /** Default: a {@link ConsoleLogger} on stdout (readable on a terminal, JSON lines when piped). */
  readonly logger?: Logger;
  /**
   * What it runs on (default: a {@link MemoryBackend} over this logger, drained
   * every `pollIntervalMs`); it is started here and stopped with the runner.
   */
  readonly backend?: B;
  /** With the default backend: how often the pipeline is drained when nothing kicks it (default 200 ms). */
  readonly pollIntervalMs?: number;
  /**
   * Handles a file dropped in the inbox instead of the runner (default: the
   * file goes through the batch-file flows, then moves to `processed/` or
   * `rejected/` in the inbox).
   */
  readonly onFile?: (path: string) => Promise<void>;
  /** Host names answered besides the loopback ones, and the operator token (see {@link guardRefusal}). */
  readonly guard?: RequestGuardOptions;
  /** Default {@link DEFAULT_MAX_BODY_BYTES}; a longer body is not read past it, and answered 413. */
  readonly maxBodyBytes?: number;
  /** How often new alerts and dead-lettered messages are looked for and logged (default 1 s). */
  readonly watchIntervalMs?: number;
  /** The built web console served at `/` (default {@link DEFAULT_CONSOLE_DIR}, what `npm run build:console` writes). */
  readonly consoleDir?: string;
}

export interface LocalRunner<B extends LocalBackend = LocalBackend> {
  /** e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly port: number;
  /** Absolute path of the inbox folder. */
  readonly inbox: string;
  readonly backend: B;
  /** Works the queues now and resolves when they are idle again. */
  settle(): Promise<void>;
  /** Closes the server, stops the backend and the inbox watcher. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Runs the whole of orderflow in this process, as ARCHITECTURE.md's "Local
 * runner" describes: the public HTTP API (plus operator routes under
 * `/_local/`), answered only to loopback host names and refused to other
 * origins when it would change something (`request-guard.ts`), over a
 * {@link LocalBackend} worked in the background, and an inbox folder watched
 * for batch files: each goes to the file flows, as an upload to the bucket
 * would, and once validated moves to `processed/` (valid, or partly) or
 * `rejected/`, so a restart does not take it again.
 */
export async function startLocalRunner<B extends LocalBackend = MemoryBackend>(
  options: LocalRunnerOptions<B> = {},
): Promise<LocalRunner<B>> {
  const host = options.host ?? "127.0.0.1";
  const logger = options.logger ?? new ConsoleLogger();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const inbox = resolve(options.inbox ?? "./inbox");
  const backend =
    options.backend ??
    (MemoryBackend.create({
      logger: logger.child({ component: "pipeline" }),
      pollIntervalMs: options.pollIntervalMs,
    }) as LocalBackend as B);
  let stopped = false;
  const inboxLogger = logger.child({ component: "inbox" });
  // Files wait for their validation apart from the watcher, which hands over the next file meanwhile.
  const moves = new Set<Promise<void>>();
  const ingest = async (path: string) => {
    const { moved } = await ingestInboxFile(backend, path, {
      inbox,
      logger: inboxLogger,
      stopped: () => stopped,
    });
    const tracked = moved.finally(() => moves.delete(tracked));
    moves.add(tracked);
  };
  const watcher = new InboxWatcher({ dir: inbox, logger: inboxLogger, onFile: options.onFile ?? ingest });
  const httpLogger = logger.child({ component: "http" });
  const consoleAsset = await loadConsoleAssets(options.consoleDir);

  let server: HttpServer;
  try {
    await watcher.start();
    backend.start();
    server = await startHttpServer(backend.http, {
      port: options.port,
      host,
      maxBodyBytes,
      maxBodyBytesOf: (method, path) =>
        method === "POST" && path === `${OPERATOR_PREFIX}files` ? MAX_UPLOAD_BYTES : undefined,
      logger: httpLogger,
      eventStream: (request) =>
        request.method === "GET" && request.path === EVENTS_PATH && !guardRefusal(request, options.guard)
          ? {
              subscribe: (send) =>
                backend.events.subscribe((event) => send("orderflow", JSON.stringify(event))),
            }
          : undefined,
      route: (request) => {
        const refusal = guardRefusal(request, options.guard);
        if (refusal)
          return answerRequest(request, { logger: httpLogger }, async () => {
            throw refusal;
          });
        const asset = consoleAsset(request);
        if (asset) return Promise.resolve(asset);
        return isOperatorRequest(request)
          ? answerRequest(request, { logger: httpLogger }, () =>
              handleOperatorRequest(backend, request, { maxBodyBytes, inbox }),
            )
          : undefined;
      },
      // Whatever a successful write sent is picked up at once rather than at the next tick.
      answered: (request, response) => {
        if (request.method !== "GET" && response.statusCode < 300) backend.kick();
      },
    });
  } catch (error) {
    await watcher.stop();
    await backend.stop();
    throw error;
  }
  const watch = watchForOperators(
    backend,
    logger.child({ component: "operator" }),
    options.watchIntervalMs ?? 1_000,
  );
  const { url, port } = server;
  logger.info("local runner started", { url, inbox, state: backend.description });

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    inbox,
    backend,
    settle: () => backend.settle(),
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearInterval(watch);
        await server.close();
        await watcher.stop();
        await Promise.all(moves);
        await backend.stop();
        logger.info("local runner stopped");
      })();
      return stopping;
    },
  };
}

/**
 * An inbox file through the file flows: stored under `incoming/` (the
 * notification queued with it). What follows (`moved`) the caller need not
 * wait for: once its validation is recorded, the file moves to `processed/`
 * or `rejected/`, unless what lies under its name changed meanwhile (another
 * file dropped under it, handed over on its own). A runner stopped in between
 * finds the file in the inbox again and stores the same bytes again: the same
 * version of the same key, which the file flows take as the repeated
 * notification it is.
 */
async function ingestInboxFile(
  backend: LocalBackend,
  path: string,
  context: { readonly inbox: string; readonly logger: Logger; readonly stopped: () => boolean },
): Promise<{ readonly moved: Promise<void> }> {
  const name = basename(path);
  const log = context.logger.child({ file: name });
  const dropped = identity(await stat(path));
  const { key, fileVersion } = await backend.upload(name, createReadStream(path));
  log.debug("file stored", { key, fileVersion });
  backend.kick();
  const moved = (async () => {
    let record: FileRecord | undefined;
    for (;;) {
      record = await backend.fileHistory.get(key, fileVersion);
      if ((record && record.status !== "VALIDATING") || context.stopped()) break;
      await new Promise((done) => setTimeout(done, 100));
    }
    if (!record || record.status === "VALIDATING") return; // stopping: the next start takes it again
    const now = await stat(path).catch(() => undefined);
    if (!now || identity(now) !== dropped)
      return log.debug("file replaced meanwhile: left to its own hand-over");
    const folder = record.status === "REJECTED" ? INBOX_FOLDERS.rejected : INBOX_FOLDERS.processed;
    await mkdir(join(context.inbox, folder), { recursive: true });
    await rename(path, join(context.inbox, folder, name));
    log.debug(`file moved to ${folder}/`, { status: record.status });
  })().catch((error: unknown) =>
    log.error("file could not be moved out of the inbox", { error: describeError(error) }),
  );
  return { moved };
}

function identity(info: Stats): string {
  return `${info.ino}:${info.size}:${info.mtimeMs}`;
}

/**
 * What an operator on AWS would be told by mail and by alarm, logged at warn:
 * each alert raised after the start (`alert: <subject>`), and each message
 * that reached a dead-letter queue. Looked for every `intervalMs`.
 */
function watchForOperators(backend: LocalBackend, logger: Logger, intervalMs: number): NodeJS.Timeout {
  let seenAlert: string | undefined;
  let deadLettered: Record<string, number> | undefined;
  let looking = false;
  const look = async () => {
    if (looking) return;
    looking = true;
    try {
      const recent = await backend.alerts(20);
      const fresh = seenAlert === undefined ? [] : recent.filter((alert) => alert.raisedAt > seenAlert!);
      for (const alert of fresh.reverse())
        logger.warn(`alert: ${alert.subject}`, { kind: alert.kind, severity: alert.severity });
      seenAlert = recent[0]?.raisedAt ?? seenAlert ?? "";

      const counts = Object.fromEntries(
        (await backend.deadLetterQueues()).map((dlq) => [dlq.name, dlq.messages] as const),
      );
      for (const [queue, waiting] of Object.entries(counts)) {
        const before = deadLettered?.[queue] ?? 0;
        if (deadLettered === undefined && waiting > 0)
          logger.warn("dead-letter queue holds messages; inspect them with `orderflow dlq peek`", {
            queue,
            waiting,
          });
        else if (waiting > before)
          logger.warn("message dead-lettered; inspect it with `orderflow dlq peek`", {
            queue,
            added: waiting - before,
            waiting,
          });
      }
      deadLettered = counts;
    } catch (error) {
      logger.debug("alerts and dead-letter queues could not be read", { error: describeError(error) });
    } finally {
      looking = false;
    }
  };
  void look();
  const timer = setInterval(() => void look(), intervalMs);
  timer.unref();
  return timer;
}
