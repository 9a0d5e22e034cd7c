import type { InMemoryQueue } from "../../adapters/memory/in-memory-queue.js";
import { RandomIdGenerator } from "../../adapters/system/random-id-generator.js";
import { SystemClock } from "../../adapters/system/system-clock.js";
import { unquote } from "../../domain/use-cases/file-flow.js";
import type { FileHistory } from "../../ports/file-history.js";
import type { Logger } from "../../ports/logger.js";
import type { ObjectStore } from "../../ports/object-store.js";
import type { OrderRepository } from "../../ports/order-repository.js";
import type { EventRouteName } from "../../ports/routing.js";
import type { HttpApi } from "../http/http-core.js";
import { addFileFlows, type FileFlows } from "../in-memory/in-memory-file-flows.js";
import { InMemoryOrderflow, type InMemoryOrderflowOptions } from "../in-memory/in-memory-orderflow.js";
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
import { PipelineDriver } from "./pipeline-driver.js";

export interface MemoryBackendOptions {
  /** Where the drain reports dead-lettered messages (default: the pipeline's logger). */
  readonly logger?: Logger | undefined;
  /** How often the queues are drained when nothing kicks them (default 200 ms). */
  readonly pollIntervalMs?: number | undefined;
  /** What the flow publishes reaches (when the flow was built with its `decorate`); a feed of its own otherwise. */
  readonly events?: EventFeed | undefined;
}

/**
 * The local runner on the in-memory pipeline (`npm start -- --memory`): the
 * whole of orderflow in this process's memory, drained in real time, with the
 * batch-file flows added. Fast and forgetful: a restart starts from nothing,
 * and everything it was given stays in memory until then. Its clock and ids
 * default to the system clock and random UUIDs, not the deterministic ones
 * tests use.
 */
export class MemoryBackend implements LocalBackend {
  readonly description = "in memory (nothing survives a restart)";
  readonly flow: InMemoryOrderflow;
  readonly files: FileFlows;
  readonly events: EventFeed;
  readonly #driver: PipelineDriver;

  /** Adds the batch-file flows to `flow` and drains it in real time. */
  constructor(flow: InMemoryOrderflow, options: MemoryBackendOptions = {}) {
    this.flow = flow;
    this.files = addFileFlows(flow);
    this.events = options.events ?? new EventFeed();
    this.#driver = new PipelineDriver(flow, options.logger ?? flow.logger, options.pollIntervalMs ?? 200);
  }

  /** A new in-memory pipeline on the system clock and random ids (tests default to deterministic ones). */
  static create(options: InMemoryOrderflowOptions & MemoryBackendOptions = {}): MemoryBackend {
    const { pollIntervalMs, decorate, ...pipeline } = options;
    const events = new EventFeed();
    const flow = new InMemoryOrderflow({
      clock: new SystemClock(),
      ids: new RandomIdGenerator(),
      ...pipeline,
      decorate: (name, port) => events.decorate(name, decorate ? decorate(name, port) : port),
    });
    return new MemoryBackend(flow, { pollIntervalMs, events });
  }

  get http(): HttpApi {
    return this.flow.http;
  }

  get orders(): OrderRepository {
    return this.flow.orders;
  }

  get objects(): ObjectStore {
    return this.files.objects;
  }

  get fileHistory(): FileHistory {
    return this.files.history;
  }

  async upload(name: string, body: AsyncIterable<Uint8Array>) {
    const { key, etag, versionId } = await this.files.upload(name, body);
    this.kick();
    return { key, fileVersion: versionId ?? unquote(etag) };
  }

  async queues(): Promise<QueueView[]> {
    return Object.values(this.flow.flows).map(({ queue, deadLetterQueue }) => ({
      name: queue.name,
      fifo: queue.fifo,
      visible: queue.visibleCount,
      inFlight: queue.inFlightCount,
      delayed: queue.delayedCount,
      deadLetterQueue: deadLetterQueue.name,
      deadLettered: deadLetterQueue.size,
    }));
  }

  async deadLetterQueues(): Promise<DeadLetterQueueView[]> {
    const flow = this.flow;
    const routes = Object.keys(flow.ruleDeadLetterQueues) as EventRouteName[];
    const pipelines = Object.values(flow.flows);
    return Object.values(flow.deadLetterQueues()).map((dlq) => {
      const route = routes.find((candidate) => flow.ruleDeadLetterQueues[candidate] === dlq);
      return {
        name: dlq.name,
        fifo: dlq.fifo,
        messages: dlq.size,
        // A bus rule's dead-letter queue goes back to the rule's target, the route's queue. Flows
        // added later (batch files) are not in `flows`; their messages still name their source.
        source:
          pipelines.find((p) => p.deadLetterQueue === dlq)?.queue.name ??
          (route === undefined ? undefined : flow.flows[route].queue.name) ??
          dlq.peek().find((message) => message.deadLetteredFrom)?.deadLetteredFrom,
      };
    });
  }

  async deadLetters(queue: string): Promise<DeadLetterView[]> {
    return this.#deadLetterQueue(queue).peek().map(deadLetterView);
  }

  async redrive(queue: string, request: RedriveRequest): Promise<RedriveOutcome> {
    const dlq = this.#deadLetterQueue(queue);
    const target = request.to === undefined ? undefined : this.#sourceQueue(request.to);
    if (request.dryRun) return redriveDryRun(dlq.name, dlq.peek(), target?.name, request.max);
    const moved = await dlq.redrive(target, request.max === undefined ? {} : { max: request.max });
    return {
      queue: dlq.name,
      dryRun: false,
      moved,
      destination: target?.name ?? "source queues",
      remaining: dlq.size,
    };
  }

  async alerts(limit: number): Promise<AlertView[]> {
    // The topic's message is the alert as JSON (what the SNS publisher sends too).
    return this.flow.alerts.published
      .slice(-limit)
      .reverse()
      .map((published) => {
        const alert = JSON.parse(published.message) as Omit<AlertView, "raisedAt">;
        const { kind, severity, subject, message } = alert;
        return { kind, severity, subject, message, raisedAt: published.timestamp };
      });
  }

  start(): void {
    this.#driver.start();
  }

  kick(): void {
    void this.#driver.kick();
  }

  settle(): Promise<void> {
    return this.#driver.kick();
  }

  stop(): Promise<void> {
    return this.#driver.stop();
  }

  #deadLetterQueue(name: string): InMemoryQueue {
    const queues = this.flow.deadLetterQueues();
    const dlq = queues[name];
    if (!dlq) throw queueNotFound("dead-letter queue", name, Object.keys(queues));
    return dlq;
  }

  #sourceQueue(name: string): InMemoryQueue {
    const queues = Object.values(this.flow.flows).map((p) => p.queue);
    const queue = queues.find((candidate) => candidate.name === name);
    if (!queue)
      throw queueNotFound(
        "queue",
        name,
        queues.map((candidate) => candidate.name),
      );
    return queue;
  }
}
