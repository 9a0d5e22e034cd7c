import { type FSWatcher, watch } from "node:fs";
import { mkdir, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { describeError } from "../../domain/errors.js";
import type { Logger } from "../../ports/logger.js";

export interface InboxWatcherOptions {
  /** The folder to watch; created if missing. */
  readonly dir: string;
  readonly logger: Logger;
  /** Called once per new or changed file, one file at a time. */
  readonly onFile?: ((path: string) => Promise<void>) | undefined;
  /** How long a file must stay unchanged before it counts as fully written (default 200 ms). */
  readonly settleMs?: number;
  /** Rescans the folder this often, for file systems whose change events are unreliable (default 2 s). */
  readonly scanIntervalMs?: number;
}

/** Names editors and downloaders use while a file is still being written: the watcher passes over them. */
export const IGNORED_IN_INBOX = /^\.|~$|\.(tmp|part|crdownload|swp)$/i;

/** Where the local runner moves an inbox file once validated, beside the files still to come. */
export const INBOX_FOLDERS = { processed: "processed", rejected: "rejected" } as const;

/**
 * Watches the local runner's inbox: a file dropped there (or already there at
 * start-up) is reported once it has stopped changing, and handed to `onFile`.
 * A file is handed over again only if its size or modification time changes.
 */
export class InboxWatcher {
  private watcher: FSWatcher | undefined;
  private scanTimer: NodeJS.Timeout | undefined;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Size and mtime last seen while waiting for a file to settle. */
  private readonly pending = new Map<string, string>();
  /** Size and mtime of the version already handed over. */
  private readonly handled = new Map<string, string>();
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly settleMs: number;
  private readonly scanIntervalMs: number;

  constructor(private readonly options: InboxWatcherOptions) {
    this.settleMs = options.settleMs ?? 200;
    this.scanIntervalMs = options.scanIntervalMs ?? 2_000;
  }

  async start(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    try {
      this.watcher = watch(this.options.dir, (_event, filename) => {
        if (filename) this.schedule(filename.toString());
      });
      this.watcher.on("error", (error) => {
        this.options.logger.warn("inbox watch failed; falling back to rescanning", {
          error: describeError(error),
        });
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch (error) {
      this.options.logger.warn("inbox cannot be watched; rescanning it instead", {
        error: describeError(error),
      });
    }
    await this.scan();
    this.scanTimer = setInterval(() => void this.scan(), this.scanIntervalMs);
  }

  /** Stops watching and waits for the file being handed over, if any. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    this.watcher = undefined;
    if (this.scanTimer) clearInterval(this.scanTimer);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.chain;
  }

  private async scan(): Promise<void> {
    if (this.stopped) return;
    let names: string[];
    try {
      names = (await readdir(this.options.dir, { withFileTypes: true }))
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name);
    } catch (error) {
      this.options.logger.warn("inbox cannot be read", { error: describeError(error) });
      return;
    }
    const present = new Set(names);
    // Forget files that left (moved by a processor), so one dropped again under the same name counts.
    for (const name of this.handled.keys()) if (!present.has(name)) this.handled.delete(name);
    for (const name of names) this.schedule(name);
  }

  private schedule(name: string): void {
    if (this.stopped || IGNORED_IN_INBOX.test(name) || this.timers.has(name)) return;
    this.timers.set(
      name,
      setTimeout(() => {
        this.timers.delete(name);
        void this.check(name);
      }, this.settleMs),
    );
  }

  private async check(name: string): Promise<void> {
    const path = join(this.options.dir, name);
    let signature: string;
    let size: number;
    try {
      const info = await stat(path);
      if (!info.isFile()) return;
      size = info.size;
      signature = `${info.size}:${info.mtimeMs}`;
    } catch {
      this.pending.delete(name);
      return; // gone already (renamed or deleted)
    }
    if (this.handled.get(name) === signature) return;
    if (this.pending.get(name) !== signature) {
      // Still being written, or seen for the first time: look again once it has settled.
      this.pending.set(name, signature);
      this.schedule(name);
      return;
    }
    this.pending.delete(name);
    this.handled.set(name, signature);
    this.chain = this.chain.then(() => this.handOver(name, path, size));
  }

  private async handOver(name: string, path: string, size: number): Promise<void> {
    if (this.stopped) return;
    this.options.logger.info("file received", { file: name, size });
    if (!this.options.onFile) return;
    try {
      await this.options.onFile(path);
    } catch (error) {
      this.options.logger.error("file processing failed", { file: name, error: describeError(error) });
    }
  }
}
