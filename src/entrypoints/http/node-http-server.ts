import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { describeError } from "../../domain/errors.js";
import type { Logger } from "../../ports/logger.js";
import {
  answerRequest,
  CORRELATION_ID_HEADER,
  correlationIdOf,
  DEFAULT_MAX_BODY_BYTES,
  type HttpApi,
  handleHttpRequest,
  normalizeHeaders,
  payloadTooLarge,
  printablePath,
} from "./http-core.js";
import { errorResponse } from "./http-errors.js";
import type { HttpRequest, HttpResponse } from "./http-types.js";

/**
 * The HTTP API on node's own server: a request's bytes become the
 * framework-free {@link HttpRequest} the core answers (as an API Gateway
 * event does on AWS), with the body read up to a limit (413 past it, the
 * rest never read), a client that leaves mid-body logged, and what node's
 * parser cannot read answered with the contract's error JSON. Used by the
 * local runner and by orderflow on PostgreSQL.
 */

export interface HttpServerOptions {
  /** Default 3000; 0 picks a free port. */
  readonly port?: number | undefined;
  /** Default `127.0.0.1`. */
  readonly host?: string | undefined;
  /** Default {@link DEFAULT_MAX_BODY_BYTES}. */
  readonly maxBodyBytes?: number | undefined;
  /** A different limit for some requests (the local runner's file uploads); undefined: `maxBodyBytes`. */
  readonly maxBodyBytesOf?: ((method: string, path: string) => number | undefined) | undefined;
  readonly logger: Logger;
  /**
   * Answers a request the core does not (the local runner's operator routes),
   * or undefined to let {@link handleHttpRequest} answer it.
   */
  readonly route?: ((request: HttpRequest) => Promise<HttpResponse> | undefined) | undefined;
  /** Called after each answer (the local runner kicks its pipeline after a write). */
  readonly answered?: ((request: HttpRequest, response: HttpResponse) => void) | undefined;
  /**
   * The server-sent events to stream in answer to a request (the local
   * runner's `GET /_local/events`), or undefined to answer it as usual.
   */
  readonly eventStream?: ((request: HttpRequest) => EventStream | undefined) | undefined;
}

/** Events a client follows over one long `text/event-stream` answer. */
export interface EventStream {
  /** Starts sending: `send` writes one event (a name and its data, one line); returns how to stop. */
  subscribe(send: (event: string, data: string) => void): () => void;
}

/** A comment line on an idle event stream, so that proxies and the client see it alive. */
const EVENT_STREAM_HEARTBEAT_MS = 15_000;

export interface HttpServer {
  /** e.g. `http://127.0.0.1:3000`. */
  readonly url: string;
  readonly port: number;
  /** Stops accepting, closes every connection. */
  close(): Promise<void>;
}

/** Serves `api` until {@link HttpServer.close}. */
export async function startHttpServer(api: HttpApi, options: HttpServerOptions): Promise<HttpServer> {
  const host = options.host ?? "127.0.0.1";
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const logger = options.logger;
  const answer = async (request: HttpRequest, body: ReadBody): Promise<HttpResponse> => {
    if (body.kind === "tooLarge") {
      return answerRequest(request, { logger }, async () => {
        throw payloadTooLarge(body.limit);
      });
    }
    const response =
      (await options.route?.(request)) ?? (await handleHttpRequest(api, request, { logger, maxBodyBytes }));
    options.answered?.(request, response);
    return response;
  };
  const server = createServer((req, res) => {
    const limit = options.maxBodyBytesOf?.(req.method ?? "", pathOf(req.url ?? "/")) ?? maxBodyBytes;
    serve(req, res, { maxBodyBytes: limit, answer, logger, eventStream: options.eventStream }).catch(
      (error: unknown) => {
        const correlationId = correlationIdOf(normalizeHeaders(req.headers as HttpRequest["headers"]));
        logger.error("request could not be answered", { correlationId, error: describeError(error) });
        if (!res.headersSent) {
          const failed = errorResponse(500, "INTERNAL_ERROR", "the request could not be completed");
          send(res, { ...failed, headers: { ...failed.headers, [CORRELATION_ID_HEADER]: correlationId } });
        } else res.destroy();
      },
    );
  });
  server.on("clientError", (error, socket) => refuseUnreadableRequest(error, socket, logger));
  await listen(server, options.port ?? 3000, host);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    close() {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      return closed;
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

/** What came of reading a request's body. */
type ReadBody =
  | { readonly kind: "complete"; readonly bytes: Buffer }
  /** Past the limit: the rest was not read. */
  | { readonly kind: "tooLarge"; readonly limit: number }
  /** The client closed the connection before the body ended. */
  | { readonly kind: "aborted"; readonly receivedBytes: number };

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  options: {
    readonly maxBodyBytes: number;
    readonly answer: (request: HttpRequest, body: ReadBody) => Promise<HttpResponse>;
    readonly logger: Logger;
    readonly eventStream: HttpServerOptions["eventStream"];
  },
): Promise<void> {
  const { answer, logger } = options;
  const body = await readBody(req, options.maxBodyBytes);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  const method = req.method ?? "";
  const path = pathOf(req.url ?? "/");
  if (body.kind === "aborted") {
    // Nobody is left to answer: a client's doing, not the service's, so a warning rather than an error.
    logger.warn(`${method} ${printablePath(path)} → client disconnected before the body ended`, {
      correlationId: correlationIdOf(normalizeHeaders(headers)),
      method,
      path: printablePath(path),
      receivedBytes: body.receivedBytes,
    });
    res.destroy();
    return;
  }
  const bytes = body.kind === "complete" ? body.bytes : Buffer.alloc(0);
  const request: HttpRequest = {
    method,
    path,
    headers,
    // Handed over as bytes so the core checks the encoding instead of node replacing bad UTF-8 silently.
    body: bytes.length > 0 ? bytes.toString("base64") : undefined,
    isBase64Encoded: bytes.length > 0,
    query: queryOf(req.url ?? "/"),
  };
  const stream = body.kind === "complete" ? options.eventStream?.(request) : undefined;
  if (stream) return streamEvents(res, stream);
  const response = await answer(request, body);
  // The unread rest of an oversized body would otherwise be taken for the next request.
  if (body.kind === "tooLarge") res.setHeader("Connection", "close");
  send(res, response);
}

/** Holds the answer open and writes each event as it comes, until the client leaves or the server closes. */
function streamEvents(res: ServerResponse, stream: EventStream): void {
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
  });
  // The first line opens the stream at once in every client; `retry` is how long a dropped client waits.
  res.write("retry: 2000\n: connected\n\n");
  const stop = stream.subscribe((event, data) => {
    res.write(`event: ${event}\ndata: ${data.replace(/\n/g, "\ndata: ")}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(": alive\n\n"), EVENT_STREAM_HEARTBEAT_MS);
  heartbeat.unref();
  res.on("close", () => {
    clearInterval(heartbeat);
    stop();
  });
}

/** The whole body, or where reading it stopped: past `maxBodyBytes` (the rest is not read) or at a disconnect. */
function readBody(req: IncomingMessage, maxBodyBytes: number): Promise<ReadBody> {
  return new Promise((resolvePromise) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        req.off("data", onData);
        req.pause();
        resolvePromise({ kind: "tooLarge", limit: maxBodyBytes });
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => resolvePromise({ kind: "complete", bytes: Buffer.concat(chunks) }));
    // A connection that closes before the end (the request's `error`, "aborted") settles it first; later calls do nothing.
    req.on("error", () => resolvePromise({ kind: "aborted", receivedBytes: size }));
    req.on("close", () => {
      if (!req.complete) resolvePromise({ kind: "aborted", receivedBytes: size });
    });
  });
}

/**
 * What node's parser could not read (malformed request line or headers,
 * headers too large) gets the contract's error answer with a fresh correlation
 * id, instead of node's bare `400 Bad Request`. A connection the client closed
 * is not answered: a request it was sending logs its own line (see `serve`).
 */
function refuseUnreadableRequest(
  // node's parser errors carry `reason`, e.g. "Invalid method encountered".
  error: Error & { code?: string; reason?: string },
  socket: Duplex,
  logger: Logger,
): void {
  if (!socket.writable || CLIENT_WENT_AWAY.has(error.code ?? "")) {
    logger.debug("connection closed by the client", { reason: error.code ?? error.message });
    socket.destroy();
    return;
  }
  const response =
    error.code === "HPE_HEADER_OVERFLOW"
      ? errorResponse(431, "HEADERS_TOO_LARGE", "the request headers are too large")
      : errorResponse(400, "BAD_REQUEST", "the request is not well-formed HTTP/1.1", [
          { path: "", message: error.reason ?? "unreadable" },
        ]);
  const correlationId = correlationIdOf({});
  // A client's mistake, logged as http-core logs every answer.
  logger.info(`unreadable request → ${response.statusCode}`, {
    correlationId,
    statusCode: response.statusCode,
    reason: error.code ?? error.message,
  });
  const head = [
    `HTTP/1.1 ${response.statusCode} ${STATUS_CODES[response.statusCode]}`,
    ...Object.entries({ ...response.headers, [CORRELATION_ID_HEADER]: correlationId }).map(
      ([name, value]) => `${name}: ${value}`,
    ),
    `Content-Length: ${Buffer.byteLength(response.body)}`,
    "Connection: close",
  ];
  socket.end(`${head.join("\r\n")}\r\n\r\n${response.body}`);
}

/** Parser errors that mean the client closed the connection, not that it sent something wrong. */
const CLIENT_WENT_AWAY = new Set(["ECONNRESET", "HPE_INVALID_EOF_STATE"]);

function pathOf(url: string): string {
  if (url.startsWith("/")) return url.split("?", 1)[0] ?? "/";
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

/** The query string's parameters, the last value of a repeated name winning (as on API Gateway's v1 events). */
function queryOf(url: string): Record<string, string> {
  const at = url.indexOf("?");
  return at < 0 ? {} : Object.fromEntries(new URLSearchParams(url.slice(at + 1)));
}

function send(res: ServerResponse, response: HttpResponse): void {
  res.writeHead(response.statusCode, response.headers);
  res.end(response.body);
}
