import { describeError } from "../../domain/errors.js";
import type { Logger } from "../../ports/logger.js";
import type { DrainReport, InMemoryOrderflow } from "../in-memory/in-memory-orderflow.js";

/** Consumer invocations between two turns of the event loop. */
const BATCHES_PER_TURN = 8;

/**
 * Keeps the in-memory pipeline moving in real time, as event source mappings
 * poll their queues: a drain on every tick and whenever something was sent
 * ({@link PipelineDriver.kick}). Drains never overlap; a kick during a drain
 * runs one more drain right after it, so nothing sent meanwhile waits a tick.
 */
export class PipelineDriver {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly flow: InMemoryOrderflow,
    private readonly logger: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => void this.kick(), this.intervalMs);
  }

  /** Asks for a drain; resolves once a drain that began after this call has finished. */
  kick(): Promise<void> {
    if (this.stopped) return this.running ?? Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = async () => {
      try {
        do {
          this.again = false;
          await this.drainOnce();
        } while (this.again && !this.stopped);
      } finally {
        this.running = undefined;
      }
    };
    this.running = run();
    return this.running;
  }

  /** Stops ticking and waits for the drain in progress, if any. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async drainOnce(): Promise<void> {
    try {
      // In memory nothing waits for I/O, so a drain would hold the event loop until every queue is
      // empty: drain a few batches at a time, and let requests and timers in between.
      let report: DrainReport;
      do {
        report = await this.flow.drain({ maxBatches: BATCHES_PER_TURN });
        await new Promise((resume) => setImmediate(resume));
      } while (report.batches >= BATCHES_PER_TURN && !this.stopped);
    } catch (error) {
      // A drain that throws is a bug in the pipeline; keep serving and try again next tick.
      this.logger.error("pipeline drain failed", { error: describeError(error) });
    }
  }
}
