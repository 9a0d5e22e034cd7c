import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { DEMO_CATALOG } from "../../adapters/memory/in-memory-product-catalog.js";
import { queueSizes } from "../../adapters/postgres/postgres-queue.js";
import { pgliteClient } from "../../adapters/postgres/sql-client.js";
import type { FileHistory } from "../../ports/file-history.js";
import type { ObjectStore } from "../../ports/object-store.js";
import type { OrderRepository } from "../../ports/order-repository.js";
import {
  createPostgresOrderflow,
  type PostgresFlowQueue,
  type PostgresOrderflow,
  type PostgresOrderflowOptions,
} from "../postgres/postgres-orderflow.js";
import { EventFeed } from "./event-feed.js";
import {
  type AlertView,
  type DeadLetterQueueView,
  type DeadLetterView,
  deadLetterView,
  type LocalBackend,
  type QueueView,
  queueNotFound,
  type RedriveOutcome,
  type RedriveRequest,
  redriveDryRun,
} from "./local-backend.js";

export interface PostgresBackendOptions extends Omit<PostgresOrderflowOptions, "connection" | "filesDir"> {
  /**
   * Where the state lives: a PostgreSQL URL (`postgres://…`, a server), or a
   * folder for PGlite (its database in `<folder>/pgdata`, batch files in
   * `<folder>/files`). Batch files go to `<folder>/files` also with a URL when
   * `dataDir` is given.
   */
  readonly database: { readonly url: string; readonly dataDir: string } | { readonly dataDir: string };
}

/**
 * The local runner on the PostgreSQL family: PGlite in a data folder (the
 * default of `npm start`) or a PostgreSQL server (`DATABASE_URL`). Every
 * accepted order, change, idempotency key, message in flight and file record
 * is in the database, so a restart (even `kill -9`) carries on where it
 * stopped: messages received and not deleted come back after their
 * visibility timeout, and a file's record says where its extraction stopped.
 */
export class PostgresBackend implements LocalBackend {
  private constructor(
    readonly orderflow: PostgresOrderflow,
    readonly description: string,
    private readonly embedded: boolean,
    readonly events: EventFeed,
  ) {}

  static async open(options: PostgresBackendOptions): Promise<PostgresBackend> {
    const { database, ...rest } = options;
    const dataDir = resolve(database.dataDir);
    const url = "url" in database ? database.url : undefined;
    await mkdir(dataDir, { recursive: true });
    const pgdata = join(dataDir, "pgdata");
    // A new folder's database is created by the first open, whose instance keeps the ~400 MB that
    // creating it took: created and closed first, it is opened again by an instance that holds only
    // what running needs (about 450 MB rather than 850 MB resident, measured).
    if (!url && !existsSync(pgdata)) await (await pgliteClient(pgdata)).close();
    const client = url ?? (await pgliteClient(pgdata));
    let orderflow: PostgresOrderflow | undefined;
    const events = new EventFeed();
    try {
      orderflow = await createPostgresOrderflow({
        ...rest,
        decorate: events.decorate,
        connection: client,
        filesDir: join(dataDir, "files"),
      });
      // A new database starts with the demo catalog, as the in-memory runner does; one in use keeps its own.
      const { catalog } = orderflow.adapters;
      if ((await catalog.listProducts()).length === 0) await catalog.putProducts(DEMO_CATALOG);
    } catch (error) {
      await orderflow?.close();
      if (typeof client !== "string") await client.close();
      throw error;
    }
    const description = url ? `PostgreSQL at ${redactUrl(url)}` : `PGlite in ${dataDir}`;
    return new PostgresBackend(orderflow, description, url === undefined, events);
  }

  get http() {
    return this.orderflow.http;
  }

  get orders(): OrderRepository {
    return this.orderflow.adapters.orders;
  }

  get objects(): ObjectStore {
    return this.orderflow.adapters.objectStore;
  }

  get fileHistory(): FileHistory {
    return this.orderflow.adapters.fileHistory;
  }

  upload(name: string, body: AsyncIterable<Uint8Array>) {
    return this.orderflow.upload(name, body);
  }

  async queues(): Promise<QueueView[]> {
    const flows = this.#flows();
    const sizes = await this.#sizes(flows.flatMap((flow) => [flow.queue.name, flow.deadLetterQueue.name]));
    return flows.map(({ queue, deadLetterQueue }) => ({
      name: queue.name,
      fifo: queue.fifo,
      visible: sizes[queue.name] ?? 0,
      deadLetterQueue: deadLetterQueue.name,
      deadLettered: sizes[deadLetterQueue.name] ?? 0,
    }));
  }

  async deadLetterQueues(): Promise<DeadLetterQueueView[]> {
    const flows = this.#flows();
    const sizes = await this.#sizes(flows.map((flow) => flow.deadLetterQueue.name));
    return flows.map(({ queue, deadLetterQueue }) => ({
      name: deadLetterQueue.name,
      fifo: deadLetterQueue.fifo,
      messages: sizes[deadLetterQueue.name] ?? 0,
      source: queue.name,
    }));
  }

  async deadLetters(queue: string): Promise<DeadLetterView[]> {
    return (await this.#flowWhere("deadLetterQueue", queue).deadLetterQueue.peek()).map(deadLetterView);
  }

  async redrive(queue: string, request: RedriveRequest): Promise<RedriveOutcome> {
    const { deadLetterQueue } = this.#flowWhere("deadLetterQueue", queue);
    const target = request.to === undefined ? undefined : this.#flowWhere("queue", request.to).queue.name;
    if (request.dryRun)
      return redriveDryRun(deadLetterQueue.name, await deadLetterQueue.peek(), target, request.max);
    const moved = await deadLetterQueue.redrive(
      target,
      request.max === undefined ? {} : { max: request.max },
    );
    return {
      queue: deadLetterQueue.name,
      dryRun: false,
      moved,
      destination: target ?? "source queues",
      remaining: await deadLetterQueue.size(),
    };
  }

  async alerts(limit: number): Promise<AlertView[]> {
    const alerts = await this.orderflow.adapters.alerts.recent({ limit });
    return alerts.map(({ kind, severity, subject, message, raisedAt }) => ({
      kind,
      severity,
      subject,
      message,
      raisedAt: raisedAt.toISOString(),
    }));
  }

  start(): void {
    this.orderflow.start();
  }

  kick(): void {
    this.orderflow.wake();
  }

  async settle(): Promise<void> {
    await this.orderflow.drain();
  }

  async stop(): Promise<void> {
    await this.orderflow.close();
    // The orderflow closes a connection it opened from a URL; the PGlite database was opened here.
    if (this.embedded) await this.orderflow.client.close();
  }

  #sizes(queues: readonly string[]): Promise<Record<string, number>> {
    return queueSizes(this.orderflow.client, queues);
  }

  #flows(): PostgresFlowQueue[] {
    return Object.values(this.orderflow.flows);
  }

  /** The flow whose queue (or dead-letter queue) has that name. @throws its 404 otherwise. */
  #flowWhere(side: "queue" | "deadLetterQueue", name: string): PostgresFlowQueue {
    const flows = this.#flows();
    const flow = flows.find((candidate) => candidate[side].name === name);
    if (!flow)
      throw queueNotFound(
        side === "queue" ? "queue" : "dead-letter queue",
        name,
        flows.map((candidate) => candidate[side].name),
      );
    return flow;
  }
}

/** A URL as it may be printed: without its password. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(a connection string)";
  }
}
