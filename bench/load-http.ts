/**
 * The few HTTP calls the load test makes outside autocannon: reading the
 * pipeline's state back, the latency section's spaced requests, the local
 * runner's queue depths.
 */

export interface Api {
  readonly url: string;
  /** Headers every request carries (Authorization when a token was given). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface Answer<T> {
  readonly status: number;
  readonly body: T;
}

/** One request; the body is parsed as JSON when there is one. Network failures throw. */
export async function call<T = unknown>(
  api: Api,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer<T>> {
  const response = await fetch(api.url + path, {
    method,
    headers: { ...api.headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Runs `work` on every item with at most `concurrency` at a time; results in the items' order. */
export async function pool<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const at = next++;
      results[at] = await work(items[at] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

export interface QueueDepth {
  readonly name: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

/** The local runner's queues (`GET /_local/queues`, an operator route only it serves). */
export async function queueDepths(api: Api): Promise<QueueDepth[]> {
  const answer = await call<{ queues: QueueDepth[] }>(api, "GET", "/_local/queues");
  if (answer.status !== 200) throw new Error(`GET /_local/queues answered ${answer.status}`);
  return answer.body.queues;
}

/** Messages waiting or in flight in the queues whose name contains `part` (all when omitted). */
export function waiting(queues: readonly QueueDepth[], part = ""): number {
  return queues
    .filter((queue) => queue.name.includes(part))
    .reduce((sum, queue) => sum + queue.visible + queue.inFlight + queue.delayed, 0);
}

/** Resolves when the local runner's queues are all empty, or after `timeoutMs`; the milliseconds waited. */
export async function untilQueuesEmpty(api: Api, timeoutMs: number): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    if (waiting(await queueDepths(api)) === 0) break;
    await sleep(100);
  }
  return performance.now() - start;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
