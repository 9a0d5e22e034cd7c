import { resolve } from "node:path";
import { RandomIdGenerator } from "../../adapters/system/random-id-generator.js";
import { SystemClock } from "../../adapters/system/system-clock.js";
import type { Logger } from "../../ports/logger.js";
import { answerRequest, DEFAULT_MAX_BODY_BYTES } from "../http/http-core.js";
import { type HttpServer, startHttpServer } from "../http/node-http-server.js";
import { InMemoryOrderflow, type InMemoryOrderflowOptions } from "../in-memory/in-memory-orderflow.js";
import { ConsoleLogger } from "./console-logger.js";
import { InboxWatcher } from "./inbox-watcher.js";
import { handleOperatorRequest, isOperatorRequest } from "./operator-routes.js";
import { PipelineDriver } from "./pipeline-driver.js";
import { guardRefusal, type RequestGuardOptions } from "./request-guard.js";

export interface LocalRunnerOptions {
  /** Default 3000; 0 picks a free port (see {@link LocalRunner.url}). */
  readonly port?: number;
  /** Default `127.0.0.1`: the runner has no authentication, so it stays off the network unless told. */
  readonly host?: string;
  /** The folder watched for batch files, created if missing (default `./inbox`, from the working directory). */
  readonly inbox?: string;
  /** Default: a {@link ConsoleLogger} on stdout (readable on a terminal, JSON lines when piped). */
  readonly logger?: Logger;
  /** How often the pipeline is drained when nothing kicks it (default 200 ms). */
  readonly pollIntervalMs?: number;
  /** Handles a file dropped in the inbox (default: the file is only logged). */
  readonly onFile?: (path: string) => Promise<void>;
  /** Host names answered besides the loopback ones, and the operator token (see {@link guardRefusal}). */
  readonly guard?: RequestGuardOptions;
  /** Default {@link DEFAULT_MAX_BODY_BYTES}; a longer body is not read past it, and answered 413. */
  readonly maxBodyBytes?: number;
  /**
   * Options of the in-memory pipeline (catalog, scripted payments, …). Its clock
   * and ids default to the system clock and random UUIDs here, not to the
   * deterministic ones tests use.
   */
  readonly pipeline?: InMemoryOrderflowOptions;
}

export interface LocalRunner {
  /** e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly port: number;
  /** Absolute path of the inbox folder. */
  readonly inbox: string;
  readonly flow: InMemoryOrderflow;
  /** Drains the pipeline now and resolves when it is idle again. */
  settle(): Promise<void>;
  /** Closes the server, stops the drain loop and the inbox watcher. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Runs the whole of orderflow in this process, as ARCHITECTURE.md's "Local
 * runner" describes: the public HTTP API (plus operator routes under
 * `/_local/`), answered only to loopback host names and refused to other
 * origins when it would change something (`request-guard.ts`), over the in-memory pipeline, drained continuously in real time,
 * and an inbox folder watched for batch files.
 */
export async function startLocalRunner(options: LocalRunnerOptions = {}): Promise<LocalRunner> {
  const host = options.host ?? "127.0.0.1";
  const logger = options.logger ?? new ConsoleLogger();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const inbox = resolve(options.inbox ?? "./inbox");
  const flow = new InMemoryOrderflow({
    clock: new SystemClock(),
    ids: new RandomIdGenerator(),
    ...options.pipeline,
    logger: options.pipeline?.logger ?? logger.child({ component: "pipeline" }),
  });
  const driver = new PipelineDriver(
    flow,
    logger.child({ component: "pipeline" }),
    options.pollIntervalMs ?? 200,
  );
  const watcher = new InboxWatcher({
    dir: inbox,
    logger: logger.child({ component: "inbox" }),
    onFile: options.onFile,
  });
  const httpLogger = logger.child({ component: "http" });

  await watcher.start();
  let server: HttpServer;
  try {
    server = await startHttpServer(flow.http, {
      port: options.port,
      host,
      maxBodyBytes,
      logger: httpLogger,
      route: (request) => {
        const refusal = guardRefusal(request, options.guard);
        if (refusal)
          return answerRequest(request, { logger: httpLogger }, async () => {
            throw refusal;
          });
        return isOperatorRequest(request)
          ? answerRequest(request, { logger: httpLogger }, () =>
              handleOperatorRequest(flow, request, { maxBodyBytes, onRedrive: () => void driver.kick() }),
            )
          : undefined;
      },
      // Whatever a successful write sent is picked up at once rather than at the next tick.
      answered: (request, response) => {
        if (request.method !== "GET" && response.statusCode < 300) void driver.kick();
      },
    });
  } catch (error) {
    await watcher.stop();
    throw error;
  }
  driver.start();
  const { url, port } = server;
  logger.info("local runner started", { url, inbox });

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    inbox,
    flow,
    settle: () => driver.kick(),
    stop() {
      stopping ??= (async () => {
        await server.close();
        await driver.stop();
        await watcher.stop();
        logger.info("local runner stopped");
      })();
      return stopping;
    },
  };
}
