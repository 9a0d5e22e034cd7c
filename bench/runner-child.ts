/**
 * The local runner as `npm start` runs it (tsx on src/entrypoints/local/main.ts),
 * in a child process on a free loopback port, for the load test. A child rather
 * than `startLocalRunner` in this process: the load generator's own work then
 * does not run on the server's event loop (the machine may still share its
 * cores between them), and the server logs as it does for a newcomer, JSON
 * lines on a pipe, which this side reads and counts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface RunnerChild {
  /** e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Log lines written so far, by level, and the first few warnings and errors. */
  logs(): {
    readonly lines: number;
    readonly warn: number;
    readonly error: number;
    readonly samples: string[];
  };
  /**
   * Has the runner accept `n` low notifications at once, without HTTP (only with
   * `withBacklog`, see bench/runner-with-backlog.ts); resolves when they are queued.
   */
  queueBacklog(n: number): Promise<{ readonly queued: number; readonly ms: number }>;
  /** SIGTERM, then SIGKILL after 10 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

/**
 * Starts the local runner and resolves once it has logged its URL (or rejects
 * after 60 s): `npm start`'s entry point, or with `withBacklog` the same runner
 * with a way to queue a backlog at once.
 */
export async function startRunnerChild(options: {
  readonly logLevel: string;
  readonly withBacklog?: boolean;
}): Promise<RunnerChild> {
  // An inbox and a data folder of its own, so a run leaves nothing in the working tree.
  const inbox = mkdtempSync(join(tmpdir(), "orderflow-load-"));
  const args = options.withBacklog
    ? ["--import", "tsx", "bench/runner-with-backlog.ts"]
    : [
        createRequire(import.meta.url).resolve("tsx/cli"),
        "src/entrypoints/local/main.ts",
        "--data",
        join(inbox, ".orderflow"),
      ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_FORMAT: "json",
      LOG_LEVEL: options.logLevel,
      ORDERFLOW_INBOX: inbox,
      // Orders go straight on to payment, as in a deployment without a window for changes.
      PAYMENT_DELAY_MS: "0",
      NO_COLOR: "1",
    },
    stdio: options.withBacklog ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
  });
  const counts = { lines: 0, warn: 0, error: 0, samples: [] as string[] };
  let stderr = "";
  let pending = "";
  let resolveUrl: (url: string) => void = () => {};
  const started = new Promise<string>((done) => {
    resolveUrl = done;
  });
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    // Lines are split cheaply and parsed only when they look like the start line or a warning.
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      counts.lines++;
      const level = line.includes('"level":"warn"')
        ? "warn"
        : line.includes('"level":"error"')
          ? "error"
          : undefined;
      if (level) {
        counts[level]++;
        if (counts.samples.length < 5) counts.samples.push(line.slice(0, 400));
      }
      if (line.includes('"local runner started"')) resolveUrl((JSON.parse(line) as { url: string }).url);
    }
  });
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    if (stderr.length < 20_000) stderr += chunk;
    // Below LOG_LEVEL=info the start line is not logged; the banner (on stderr when stdout is a pipe) has the URL too.
    const banner = /^ {2}API {4}(http:\S+)$/m.exec(stderr);
    if (banner) resolveUrl(banner[1] as string);
  });
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));

  const url = await Promise.race([
    started,
    exited.then((code) => {
      throw new Error(`the local runner exited (${code}) before starting:\n${stderr}`);
    }),
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`the local runner did not start within 60 s:\n${stderr}`)),
        60_000,
      ).unref(),
    ),
  ]).catch(async (error: unknown) => {
    await kill(child, exited);
    rmSync(inbox, { recursive: true, force: true });
    throw error;
  });

  let stopping: Promise<void> | undefined;
  return {
    url,
    logs: () => ({ ...counts, samples: [...counts.samples] }),
    queueBacklog(n) {
      if (!options.withBacklog) return Promise.reject(new Error("started without withBacklog"));
      return new Promise((done, reject) => {
        child.once("message", (message) => done(message as { queued: number; ms: number }));
        child.once("exit", (code) => reject(new Error(`the runner exited (${code}) while queueing`)));
        child.send({ backlog: n });
      });
    },
    stop() {
      stopping ??= kill(child, exited).then(() => rmSync(inbox, { recursive: true, force: true }));
      return stopping;
    },
  };
}

async function kill(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
