import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { RandomIdGenerator } from "../../adapters/system/random-id-generator.js";
import { SystemClock } from "../../adapters/system/system-clock.js";
import { describeError } from "../../domain/errors.js";
import type { Logger } from "../../ports/logger.js";
import { DEFAULT_MAX_BODY_BYTES, handleHttpRequest } from "../http/http-core.js";
import { errorResponse } from "../http/http-errors.js";
import type { HttpRequest, HttpResponse } from "../http/http-types.js";
import { InMemoryOrderflow, type InMemoryOrderflowOptions } from "../in-memory/in-memory-orderflow.js";
import { ConsoleLogger } from "./console-logger.js";
import { InboxWatcher } from "./inbox-watcher.js";
import { handleOperatorRequest } from "./operator-routes.js";
import { PipelineDriver } from "./pipeline-driver.js";

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
  /** Default {@link DEFAULT_MAX_BODY_BYTES}. */
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

/** Requests above this size are cut off without being read: far above any limit a route accepts. */
const HARD_BODY_LIMIT_BYTES = 1024 * 1024;

/**
 * Runs the whole of orderflow in this process, as ARCHITECTURE.md's "Local
 * runner" describes: the public HTTP API (plus operator routes under
 * `/_local/`) over the in-memory pipeline, drained continuously in real time,
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

  const answer = async (request: HttpRequest): Promise<HttpResponse> => {
    const operator = await handleOperatorRequest(flow, request, {
      maxBodyBytes,
      onRedrive: () => void driver.kick(),
    });
    if (operator) return operator;
    const response = await handleHttpRequest(flow.api, request, { logger: httpLogger, maxBodyBytes });
    // Whatever a successful write sent is picked up at once rather than at the next tick.
    if (request.method !== "GET" && response.statusCode < 300) void driver.kick();
    return response;
  };

  const server = createServer((req, res) => {
    serve(req, res, answer).catch((error: unknown) => {
      httpLogger.error("request could not be answered", { error: describeError(error) });
      if (!res.headersSent)
        send(res, errorResponse(500, "INTERNAL_ERROR", "the request could not be completed"));
      else res.destroy();
    });
  });

  await watcher.start();
  try {
    await listen(server, options.port ?? 3000, host);
  } catch (error) {
    await watcher.stop();
    throw error;
  }
  driver.start();
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
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
        const closed = new Promise<void>((done) => server.close(() => done()));
        server.closeAllConnections();
        await closed;
        await driver.stop();
        await watcher.stop();
        logger.info("local runner stopped");
      })();
      return stopping;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolvePromise();
    });
  });
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  answer: (request: HttpRequest) => Promise<HttpResponse>,
): Promise<void> {
  const body = await readBody(req);
  if (body === undefined) {
    res.setHeader("Connection", "close");
    send(
      res,
      errorResponse(413, "PAYLOAD_TOO_LARGE", `the request body exceeds ${HARD_BODY_LIMIT_BYTES} bytes`),
    );
    return;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  const response = await answer({
    method: req.method ?? "",
    path: pathOf(req.url ?? "/"),
    headers,
    // Handed over as bytes so the core checks the encoding instead of node replacing bad UTF-8 silently.
    body: body.length > 0 ? body.toString("base64") : undefined,
    isBase64Encoded: body.length > 0,
  });
  send(res, response);
}

/** The whole body, or undefined past {@link HARD_BODY_LIMIT_BYTES} (the rest is not read). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolvePromise, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > HARD_BODY_LIMIT_BYTES) {
        req.removeAllListeners("data");
        req.pause();
        resolvePromise(undefined);
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolvePromise(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function pathOf(url: string): string {
  if (url.startsWith("/")) return url.split("?", 1)[0] ?? "/";
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function send(res: ServerResponse, response: HttpResponse): void {
  res.writeHead(response.statusCode, response.headers);
  res.end(response.body);
}
