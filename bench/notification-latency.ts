/**
 * How long a high-priority notification takes from `POST /notifications` to
 * DELIVERED on the local runner, each phase on a fresh runner in a child
 * process, warmed up first:
 *
 * - **no backlog**: the high ones alone;
 * - **low stream**: the low ones sent through the API as fast as it takes them
 *   (autocannon, `--connections`) while the high ones are sent;
 * - **low queued**: the low ones put on the low queue at once inside the runner
 *   (bench/runner-with-backlog.ts: the route's use case, without the socket),
 *   then the high ones. Through HTTP the backlog never forms, since the
 *   runner's drain delivers what a request queued before it reads the next
 *   request; this phase shows what a real backlog does.
 *
 * How it is measured: a send time is this process's wall clock just before the
 * request goes out; a delivery time is the notification's `deliveredAt`,
 * stamped by the runner (same machine, same clock, millisecond ISO times) when
 * its channel delivered it, read back with `GET /notifications/{id}` and, for
 * the low ones, `GET /notifications?priority=low` pages. Polling only has to
 * find them, so it does not bound the resolution (1 ms). Queue depths come from
 * `GET /_local/queues`, asked one request after another about every 100 ms:
 * their answer times show whether the server was answering at all.
 */
import autocannon, { type Result } from "autocannon";
import { type Api, call, pool, queueDepths, sleep, untilQueuesEmpty, waiting } from "./load-http.js";
import { distribution } from "./load-support.js";
import { startRunnerChild } from "./runner-child.js";

export interface NotificationLatencyOptions {
  /** Low notifications (default 10,000). */
  readonly backlog?: number;
  /** High notifications sent (default 200). */
  readonly high?: number;
  /** Milliseconds between two high notifications (default 20). */
  readonly spacing?: number;
  /** Connections that send the low stream (default 10). */
  readonly connections?: number;
  /** The runner's LOG_LEVEL (default info, as `npm start`). */
  readonly logLevel?: string;
  /** How long to wait for deliveries before giving up (default 120 s). */
  readonly timeoutMs?: number;
}

type PhaseKind = "no backlog" | "low stream" | "low queued";

/** Notifications sent before a phase measures anything, so that no phase pays for the JIT's warm-up. */
const WARM_UP = 500;

interface PhaseResult {
  readonly phase: string;
  readonly kind: PhaseKind;
  /** POST → deliveredAt of each high one delivered, ms. */
  readonly delivered: number[];
  /** POST → answer of each high one, ms. */
  readonly answered: number[];
  readonly sendSpanMs: number;
  readonly undelivered: number;
  readonly failedPosts: number;
  /** How long putting the low ones on the queue took, ms. */
  readonly lowQueueMs: number | undefined;
  readonly lowNon2xxOrErrors: number | undefined;
  /** From the first low sent or queued to the last low delivered, ms (server times). */
  readonly lowDrainMs: number | undefined;
  readonly lowDelivered: number | undefined;
  /** Low ones delivered after the first high one was sent / after the last high one was delivered. */
  readonly lowAfterFirstHighSent: number | undefined;
  readonly lowAfterLastHigh: number | undefined;
  readonly lowWaitingMax: number;
  readonly sampleAnswerMaxMs: number;
  readonly logWarnings: number;
  readonly logErrors: number;
}

/** Runs the three phases and prints their tables; resolves with the results. */
export async function runNotificationLatencyBench(
  options: NotificationLatencyOptions = {},
): Promise<PhaseResult[]> {
  const settings = {
    backlog: options.backlog ?? 10_000,
    high: options.high ?? 200,
    spacing: options.spacing ?? 20,
    connections: options.connections ?? 10,
    logLevel: options.logLevel ?? "info",
    timeoutMs: options.timeoutMs ?? 120_000,
  };
  const kinds: PhaseKind[] =
    settings.backlog > 0 ? ["no backlog", "low stream", "low queued"] : ["no backlog"];
  const results: PhaseResult[] = [];
  for (const kind of kinds) results.push(await phase(kind, settings));

  console.log(
    `\n## POST /notifications (high) → DELIVERED on the local runner: ${settings.high} sent ${settings.spacing} ms apart`,
  );
  console.table(
    results.map((r) => {
      const d = distribution(r.delivered);
      const a = distribution(r.answered);
      return {
        phase: r.phase,
        "→DELIVERED p50 ms": d.p50,
        "p99 ms": d.p99,
        "max ms": d.max,
        "→answer p50 ms": round(a.p50),
        "p99 ms ": round(a.p99),
        "max ms ": round(a.max),
        "sent over ms": Math.round(r.sendSpanMs),
        "not delivered / POST failed": `${r.undelivered} / ${r.failedPosts}`,
      };
    }),
  );
  const lows = results.filter((r) => r.kind !== "no backlog");
  if (lows.length > 0) {
    console.log(`\n## The ${settings.backlog} low notifications`);
    console.table(
      lows.map((r) => ({
        phase: r.phase,
        "put on the queue in ms": round(r.lowQueueMs),
        "non-2xx + errors": r.lowNon2xxOrErrors ?? "n/a",
        delivered: r.lowDelivered,
        "first low → last low delivered, ms": round(r.lowDrainMs) ?? "not within the timeout",
        "low delivered after the first high was sent": r.lowAfterFirstHighSent,
        "after the last high was delivered": r.lowAfterLastHigh,
        "most low seen waiting": r.lowWaitingMax,
        "slowest queue-depth answer, ms": Math.round(r.sampleAnswerMaxMs),
      })),
    );
  }
  for (const r of results) {
    if (r.logWarnings + r.logErrors > 0) {
      console.log(`${r.phase}: the runner logged ${r.logWarnings} warnings, ${r.logErrors} errors`);
    }
  }
  return results;
}

interface Settings {
  readonly backlog: number;
  readonly high: number;
  readonly spacing: number;
  readonly connections: number;
  readonly logLevel: string;
  readonly timeoutMs: number;
}

async function phase(kind: PhaseKind, settings: Settings): Promise<PhaseResult> {
  const runner = await startRunnerChild({ logLevel: settings.logLevel, withBacklog: kind === "low queued" });
  const api: Api = { url: runner.url, headers: {} };
  try {
    await lowStream(runner.url, WARM_UP, settings.connections, "medium", "warm-up");
    await untilQueuesEmpty(api, settings.timeoutMs);

    const samples: { at: number; low: number; answerMs: number }[] = [];
    let sampling = true;
    let samplerError: unknown;
    const sampler = (async () => {
      while (sampling) {
        const asked = performance.now();
        const queues = await queueDepths(api);
        const at = performance.now();
        samples.push({ at, low: waiting(queues, "notifications-low"), answerMs: at - asked });
        await sleep(100);
      }
    })().catch((error: unknown) => {
      samplerError = error;
    });

    try {
      // 1. The low ones: a stream through the API (not awaited: the high ones go out meanwhile), or a queue filled at once.
      const lowStart = Date.now();
      let lowQueueMs: number | undefined;
      let lowNon2xxOrErrors: number | undefined;
      let stream: Promise<void> = Promise.resolve();
      if (kind === "low stream") {
        const started = performance.now();
        stream = lowStream(runner.url, settings.backlog, settings.connections, "low", "backlog").then(
          (result) => {
            lowQueueMs = performance.now() - started;
            lowNon2xxOrErrors = result.non2xx + result.errors;
          },
        );
      } else if (kind === "low queued") {
        lowQueueMs = (await runner.queueBacklog(settings.backlog)).ms;
      }

      // 2. The high ones, spaced out; each send time taken just before its request goes out.
      const firstSentAt = Date.now();
      const sent = await sendSpaced(api, settings.high, settings.spacing);
      const sendSpanMs = Date.now() - firstSentAt;
      await stream;

      // 3. Each high one read back until DELIVERED; its deliveredAt is the runner's own time.
      const deadline = performance.now() + settings.timeoutMs;
      const deliveredAt = new Map<string, number>();
      let pending = sent.filter((s) => s.id !== undefined);
      while (pending.length > 0 && performance.now() < deadline) {
        const reads = await pool(pending, 10, (s) =>
          call<{ status: string; deliveredAt?: string }>(api, "GET", `/notifications/${s.id}`),
        );
        pending = pending.filter((s, i) => {
          const body = reads[i]?.body;
          if (body?.status !== "DELIVERED" || !body.deliveredAt) return true;
          deliveredAt.set(s.id as string, Date.parse(body.deliveredAt));
          return false;
        });
        if (pending.length > 0) await sleep(50);
      }
      const lastHigh = Math.max(...deliveredAt.values());

      // 4. The low ones' delivery times, once their queue is empty.
      let low: number[] | undefined;
      if (kind !== "no backlog") {
        await untilQueuesEmpty(api, Math.max(0, deadline - performance.now()));
        low = await lowDeliveries(api);
      }
      if (samplerError) throw new Error(`the queue-depth sampler failed: ${String(samplerError)}`);
      const logs = runner.logs();
      return {
        phase: kind === "no backlog" ? kind : `${kind} (${settings.backlog})`,
        kind,
        delivered: sent.flatMap((s) =>
          s.id && deliveredAt.has(s.id) ? [deliveredAt.get(s.id)! - s.sentAt] : [],
        ),
        answered: sent.map((s) => s.answerMs),
        sendSpanMs,
        undelivered: sent.filter((s) => s.id !== undefined).length - deliveredAt.size,
        failedPosts: sent.filter((s) => s.id === undefined).length,
        lowQueueMs,
        lowNon2xxOrErrors,
        lowDrainMs: low && low.length > 0 ? Math.max(...low) - lowStart : undefined,
        lowDelivered: low?.length,
        lowAfterFirstHighSent: low?.filter((at) => at > firstSentAt).length,
        lowAfterLastHigh: low?.filter((at) => at > lastHigh).length,
        lowWaitingMax: Math.max(0, ...samples.map((s) => s.low)),
        sampleAnswerMaxMs: Math.max(0, ...samples.map((s) => s.answerMs)),
        logWarnings: logs.warn,
        logErrors: logs.error,
      };
    } finally {
      sampling = false;
      await sampler;
    }
  } finally {
    await runner.stop();
  }
}

interface Sent {
  readonly id?: string;
  /** Wall clock just before the request went out. */
  readonly sentAt: number;
  readonly answerMs: number;
}

/** `count` high notifications, one every `spacing` ms (not waiting for answers). */
async function sendSpaced(api: Api, count: number, spacing: number): Promise<Sent[]> {
  const sends: Promise<Sent>[] = [];
  const first = performance.now();
  for (let i = 0; i < count; i++) {
    const wait = first + i * spacing - performance.now();
    if (wait > 0) await sleep(wait);
    const sentAt = Date.now();
    const started = performance.now();
    sends.push(
      call<{ notificationId?: string }>(api, "POST", "/notifications", {
        userId: `high-${i % 20}`,
        message: `urgent ${i}`,
        priority: "high",
      }).then(
        (answer) => ({
          ...(answer.status === 202 && answer.body.notificationId ? { id: answer.body.notificationId } : {}),
          sentAt,
          answerMs: performance.now() - started,
        }),
        () => ({ sentAt, answerMs: performance.now() - started }),
      ),
    );
  }
  return Promise.all(sends);
}

/** `amount` notifications of one priority through the API, as fast as it takes them. */
function lowStream(
  url: string,
  amount: number,
  connections: number,
  priority: string,
  label: string,
): Promise<Result> {
  let n = 0;
  return cannon({
    url,
    connections,
    amount,
    timeout: 60,
    requests: [
      {
        method: "POST",
        path: "/notifications",
        headers: { "content-type": "application/json" },
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ userId: `${priority}-${n % 100}`, message: `${label} ${n++}`, priority }),
        }),
      },
    ],
  });
}

/** The deliveredAt (epoch ms) of every delivered low notification, paged newest first. */
async function lowDeliveries(api: Api): Promise<number[]> {
  const times: number[] = [];
  let cursor: string | undefined;
  do {
    const query = `priority=low&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const answer = await call<{ notifications: { deliveredAt?: string }[]; nextCursor?: string }>(
      api,
      "GET",
      `/notifications?${query}`,
    );
    if (answer.status !== 200) throw new Error(`GET /notifications?${query} answered ${answer.status}`);
    for (const n of answer.body.notifications) if (n.deliveredAt) times.push(Date.parse(n.deliveredAt));
    cursor = answer.body.nextCursor;
  } while (cursor);
  return times;
}

/** autocannon as a promise. */
export function cannon(options: Parameters<typeof autocannon>[0]): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolvePromise(result)));
  });
}

function round(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value);
}
