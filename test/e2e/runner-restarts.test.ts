import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, existsSync, readFileSync } from "node:fs";
import { mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_CATALOG } from "../../src/adapters/memory/in-memory-product-catalog.js";
import { readLedger } from "../support/ledger-payment-gateway.js";
import { seeded } from "../support/order-lifecycle-scenario.js";

/**
 * The product's promise for `npm start`: a restart, even `kill -9`, loses
 * nothing accepted. The local runner (PGlite in a data folder, the order
 * workflow run in process, an inbox folder) runs as a child process
 * (test/support/runner-process.ts) and takes 1,000 orders: 700 through
 * `POST /orders`, each under an Idempotency-Key and retried with it until
 * answered 202, and 300 in one JSON Lines file dropped in the inbox. It is
 * killed with SIGKILL at seeded random moments (during the API's intake, during
 * the file's ingestion, during payments, while it resumes after a restart) and
 * started again on the same folders each time, until every order is final.
 * Then: every order is CONFIRMED (0 lost), the payment gateway's ledger, which
 * survives the kills, holds one charge per order (0 charged twice), the
 * Idempotency-Keys answer the same orders, the file was taken once, and no
 * message is dead-lettered.
 */
const SEED = Number(process.env.ORDERFLOW_RESTART_SEED || 20_240_611);
const API_ORDERS = 700;
const FILE_ORDERS = 300;
const ORDERS = API_ORDERS + FILE_ORDERS;
/** Requests in flight at once from the API's clients. */
const CLIENTS = 8;
/**
 * The queues' visibility timeout in the runner: what a message received by a
 * killed runner waits before it is received again, and a failed validation
 * request before it is tried again. The product's 30 s would only make the run
 * longer; the behaviour is the same as long as a request whose order a killed
 * runner did not record (5 tries, this far apart) outlives the client's retry
 * (30 s after its attempt, when the attempt's hold on its key expires).
 */
const VISIBILITY_TIMEOUT_SECONDS = 15;
const RUNNER_ENTRY = resolve(import.meta.dirname, "../support/runner-process.ts");
const CWD = resolve(import.meta.dirname, "../..");

// biome-ignore lint/suspicious/noExplicitAny: answers are read loosely, field by field
type Json = Record<string, any>;

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** The demo catalog's products that have stock (quantities stay within it). */
const PRODUCTS = DEMO_CATALOG.filter((product) => product.stock > 0);

interface SentOrder {
  readonly body: Json;
  readonly total: number;
}

/** A valid order of the demo catalog: one to three lines, quantities within stock. */
function makeOrder(random: () => number, index: number, orderId: string | undefined): SentOrder {
  const lines = 1 + Math.floor(random() * 3);
  const start = Math.floor(random() * PRODUCTS.length);
  const items = Array.from({ length: lines }, (_, line) => {
    const product = PRODUCTS[(start + line) % PRODUCTS.length]!;
    const quantity = 1 + Math.floor(random() * Math.min(3, product.stock));
    return { sku: product.sku, quantity, unitPrice: product.unitPrice };
  });
  const body = {
    ...(orderId === undefined ? {} : { orderId }),
    customerId: `c-${index % 97}`,
    currency: "BRL",
    items,
    shippingAddress: {
      line1: `Rua Augusta, ${100 + index}`,
      city: "São Paulo",
      postalCode: "01305-000",
      country: "BR",
    },
  };
  return { body, total: items.reduce((sum, item) => sum + item.quantity * item.unitPrice, 0) };
}

/**
 * The runner as a child process that can be killed and started again on the
 * same folders (and port, so clients keep their URL). Clients wait for
 * {@link whenUp} after a failed request; a runner that exits on its own fails
 * the run through {@link failed}.
 */
class KillableRunner {
  url = "";
  starts = 0;
  #port = 0;
  #child: ChildProcess | undefined;
  #up!: Promise<void>;
  #markUp!: () => void;
  #fail!: (error: Error) => void;
  readonly log: ReturnType<typeof createWriteStream>;
  /** Rejects when the runner exits without being killed, or cannot start. */
  readonly failed: Promise<never>;

  constructor(
    private readonly env: Readonly<Record<string, string>>,
    readonly logPath: string,
  ) {
    this.log = createWriteStream(logPath, { flags: "a" });
    this.failed = new Promise<never>((_, fail) => {
      this.#fail = fail;
    });
    this.failed.catch(() => undefined);
    this.#down();
  }

  whenUp(): Promise<void> {
    return Promise.race([this.#up, this.failed]);
  }

  /** Starts it on the folders (and the port it had), and resolves once it listens. @returns how long that took (ms). */
  async start(): Promise<number> {
    const started = Date.now();
    const { child, listening } = this.#spawn();
    this.#child = child;
    child.once("exit", (code, signal) => {
      if (this.#child === child)
        this.#fail(new Error(`the runner exited on its own (${code ?? signal}); see ${this.logPath}`));
    });
    const url = await listening.catch((error: Error) => {
      this.#fail(error);
      throw error;
    });
    this.url = url;
    this.#port = Number(new URL(url).port);
    this.#markUp();
    return Date.now() - started;
  }

  /**
   * Starts it and kills it `afterMs` later, while it opens its data, runs its
   * migrations or resumes its work. @returns whether it was listening by then.
   */
  async startAndKill(afterMs: number): Promise<boolean> {
    const { child, listening } = this.#spawn();
    let listened = false;
    listening.then(
      () => {
        listened = true;
      },
      () => undefined,
    );
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    let exitedFirst = false;
    await Promise.race([sleep(afterMs), exited.then(() => (exitedFirst = true))]);
    if (exitedFirst) {
      const error = new Error(`the runner exited on its own while starting; see ${this.logPath}`);
      this.#fail(error);
      throw error;
    }
    child.kill("SIGKILL");
    await exited;
    this.log.write("--- killed\n");
    return listened;
  }

  #spawn(): { child: ChildProcess; listening: Promise<string> } {
    this.starts++;
    this.log.write(`--- start ${this.starts}\n`);
    const child = spawn(process.execPath, ["--import", "tsx", RUNNER_ENTRY], {
      cwd: CWD,
      env: { ...process.env, ...this.env, PORT: String(this.#port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stderr!.pipe(this.log, { end: false });
    const listening = new Promise<string>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error("the runner did not listen within 60 s")), 60_000);
      createInterface({ input: child.stdout! }).once("line", (line) => {
        clearTimeout(timer);
        ready((JSON.parse(line) as { url: string }).url);
      });
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        fail(new Error(`the runner exited (${code ?? signal}) before listening; see ${this.logPath}`));
      });
    });
    listening.catch(() => undefined);
    return { child, listening };
  }

  async kill(): Promise<void> {
    const child = this.#child!;
    this.#child = undefined;
    this.#down();
    const exited = new Promise((done) => child.once("exit", done));
    child.kill("SIGKILL");
    await exited;
    this.log.write("--- killed\n");
  }

  /** Stops it cleanly (SIGTERM), or kills it after 15 s; clients still waiting for it give up. */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    this.#down();
    this.#fail(new Error("the runner was stopped"));
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    }
    await new Promise((done) => this.log.end(done));
  }

  /** The last lines it logged, for a failure's message. */
  tail(lines = 40): string {
    if (!existsSync(this.logPath)) return "";
    return readFileSync(this.logPath, "utf8").split("\n").slice(-lines).join("\n");
  }

  #down(): void {
    this.#up = new Promise<void>((done) => {
      this.#markUp = done;
    });
  }
}

/** The names of the files in a folder (none when it does not exist). */
async function filesIn(folder: string): Promise<string[]> {
  if (!existsSync(folder)) return [];
  return (await readdir(folder, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
}

/** A request that reached no runner (it was killed, or is starting): the client retries it. */
function unreachable(error: unknown): boolean {
  return error instanceof TypeError || (error instanceof DOMException && error.name === "TimeoutError");
}

/** A request the client retries until the runner answers it; throws on an answer it does not expect. */
async function call(
  runner: KillableRunner,
  method: string,
  path: string,
  init: { readonly json?: unknown; readonly headers?: Record<string, string> } = {},
): Promise<{ status: number; body: Json }> {
  for (;;) {
    await runner.whenUp();
    try {
      const response = await fetch(`${runner.url}${path}`, {
        method,
        headers: {
          ...(init.json === undefined ? {} : { "Content-Type": "application/json" }),
          ...init.headers,
        },
        ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json()) as Json;
      if (response.status === 503) {
        await sleep(200);
        continue;
      }
      return { status: response.status, body };
    } catch (error) {
      if (!unreachable(error)) throw error;
      await sleep(50);
    }
  }
}

describe("the local runner on PGlite, killed with SIGKILL and restarted", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it(`takes ${ORDERS} orders (API and a file) to CONFIRMED: 0 lost, 0 charged twice`, async () => {
    const began = Date.now();
    const random = seeded(SEED);
    const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
    const dir = await mkdtemp(join(tmpdir(), "orderflow-restarts-"));
    const inbox = join(dir, "inbox");
    const ledger = join(dir, "ledger.jsonl");
    const runner = new KillableRunner(
      {
        ORDERFLOW_DATA_DIR: join(dir, "data"),
        ORDERFLOW_INBOX: inbox,
        ORDERFLOW_LEDGER: ledger,
        ORDERFLOW_VISIBILITY_TIMEOUT_SECONDS: String(VISIBILITY_TIMEOUT_SECONDS),
        LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
      },
      join(dir, "runner.log"),
    );
    // ORDERFLOW_KEEP_RUN=1 keeps the folders (data, inbox, ledger, runner.log) to look at.
    cleanup.push(
      () => runner.stop(),
      () =>
        process.env.ORDERFLOW_KEEP_RUN
          ? Promise.resolve(console.info(`runner restarts: the run's folders are in ${dir}`))
          : rm(dir, { recursive: true, force: true }),
    );

    // The orders: 700 for the API (every other one without an orderId: its id comes from its key), 300 in the file.
    const apiOrders = Array.from({ length: API_ORDERS }, (_, i) => ({
      key: `restart-key-${i}`,
      ...makeOrder(random, i, i % 2 === 0 ? `api-${i}` : undefined),
    }));
    const fileOrders = Array.from({ length: FILE_ORDERS }, (_, i) =>
      makeOrder(random, i, `file-${String(i).padStart(4, "0")}`),
    );
    const fileName = `orders-${SEED}.jsonl`;

    // What happened when, for the summary and a failure's message.
    const timeline: string[] = [];
    const mark = (what: string) => timeline.push(`${((Date.now() - began) / 1000).toFixed(1)}s ${what}`);
    mark(`started in ${await runner.start()} ms`);
    // Room for every order to await fulfilment: CONFIRMED is where the workflow leaves them.
    const store = await call(runner, "PUT", "/store", { json: { open: true, capacity: ORDERS } });
    expect(store.status).toBe(200);

    // The API's clients: each order posted under its key until answered 202. A key still held by the
    // attempt of a killed runner is answered 409 IDEMPOTENCY_IN_PROGRESS until that attempt times out
    // (30 s): the client tries it again a second later, and meanwhile goes on with other orders.
    const apiIds: (string | undefined)[] = new Array(API_ORDERS);
    let accepted = 0;
    let inProgressAnswers = 0;
    const pending = apiOrders.map((_, i) => ({ i, notBefore: 0 }));
    const place = async (i: number): Promise<boolean> => {
      const { key, body } = apiOrders[i]!;
      const answer = await call(runner, "POST", "/orders", {
        json: body,
        headers: { "Idempotency-Key": key },
      });
      if (answer.status === 202) {
        apiIds[i] = answer.body.orderId;
        accepted++;
        return true;
      }
      if (answer.status === 409 && answer.body.error?.code === "IDEMPOTENCY_IN_PROGRESS") {
        inProgressAnswers++;
        return false;
      }
      throw new Error(`POST /orders (${key}) answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    };
    const clients = Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
          if (next.notBefore > Date.now()) await sleep(next.notBefore - Date.now());
          if (!(await place(next.i))) pending.push({ i: next.i, notBefore: Date.now() + 1_000 });
        }
      }),
    );
    clients.then(
      () => mark("every API order accepted"),
      () => undefined,
    );

    const charges = () => readLedger(ledger).filter((entry) => entry.type === "charge").length;
    const fileRecord = async (): Promise<Json | undefined> => {
      const { body } = await call(runner, "GET", "/_local/files?limit=100");
      return (body.files as Json[]).find((record) => record.fileKey === `incoming/${fileName}`);
    };
    /** Polls until `condition` holds (the runner may be killed meanwhile: calls wait for it). */
    const until = async (
      what: string,
      condition: () => Promise<boolean> | boolean,
      { everyMs = 50, timeoutMs = 120_000 } = {},
    ) => {
      const deadline = Date.now() + timeoutMs;
      while (!(await condition())) {
        if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
        await sleep(everyMs);
      }
    };

    // The kills, at seeded random points of the run; each restart on the same folders.
    const kills: string[] = [];
    /** Kills it; with `killWhileStarting`, kills its next start that many ms in; starts it again. */
    const killAndRestart = async (when: string, killWhileStarting?: number) => {
      await runner.kill();
      kills.push(when);
      mark(`killed: ${when}`);
      await sleep(between(0, 400));
      if (killWhileStarting !== undefined) {
        const listening = await runner.startAndKill(killWhileStarting);
        kills.push(
          `while starting, ${killWhileStarting} ms in (${listening ? "listening" : "not listening"})`,
        );
        mark(`killed: ${kills.at(-1)}`);
      }
      mark(`restarted in ${await runner.start()} ms`);
    };
    const dropFile = async () => {
      const temporary = join(inbox, `.${fileName}.tmp`);
      await writeFile(temporary, `${fileOrders.map((order) => JSON.stringify(order.body)).join("\n")}\n`);
      await rename(temporary, join(inbox, fileName));
      mark("file dropped");
    };
    const run = async () => {
      const third = (["none", "while starting", "after start"] as const)[Math.floor(random() * 3)];
      // 1. While the API's clients place orders.
      const firstAt = between(80, 220);
      await until("orders accepted for the first kill", () => accepted >= firstAt);
      await killAndRestart(`API intake, ${accepted} accepted`);

      // 2. While the file is ingested: just dropped (being stored), being validated, or being
      // extracted once one of its orders is placed (300 orders make no checkpoint: a restart
      // extracts the file again from its start).
      const fileAt = between(300, 450);
      await until("orders accepted before the file", () => accepted >= fileAt);
      await dropFile();
      const phase = random();
      let fileKilledIn = "just dropped";
      if (phase < 0.15) {
        await sleep(between(0, 300));
      } else {
        const placedFirst = phase < 0.35 ? undefined : `file-${String(between(10, 250)).padStart(4, "0")}`;
        await until(
          "the file's ingestion",
          async () => {
            const record = await fileRecord();
            if (!record) return false;
            fileKilledIn =
              placedFirst === undefined ? record.status : `${record.status}, ${placedFirst} placed`;
            if (placedFirst === undefined || record.status === "EXTRACTED") return true;
            return (await call(runner, "GET", `/orders/${placedFirst}`)).status === 200;
          },
          { everyMs: 100 },
        );
      }
      // 3. Maybe its next start as well, while it opens its data, migrates, resumes its work.
      await killAndRestart(
        `file ingestion (${fileKilledIn})`,
        third === "while starting" ? between(300, 4_000) : undefined,
      );

      // (3.) Or maybe just after the restart, while it resumes its work (workflows, messages in flight).
      if (third === "after start") {
        await sleep(between(200, 1_500));
        await killAndRestart("just after a restart");
      }

      // 4. While orders are paid and confirmed.
      const paidAt = between(500, 800);
      await until("charges for the payment kill", () => charges() >= paidAt);
      await killAndRestart(`payments, ${charges()} charged`);

      // 5. Maybe once more, late.
      if (random() < 0.5) {
        const lateAt = between(850, 980);
        await until("charges for the late kill", () => charges() >= lateAt);
        await killAndRestart(`late, ${charges()} charged`);
      }
    };

    try {
      await Promise.race([run(), runner.failed]);
      await Promise.race([clients, runner.failed]);
      // Every order final: each one awaits fulfilment, CONFIRMED.
      await Promise.race([
        until(
          "every order CONFIRMED",
          async () => {
            const { body } = await call(runner, "GET", "/store");
            return body.awaitingFulfilment === ORDERS;
          },
          { everyMs: 250 },
        ),
        runner.failed,
      ]);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${timeline.join("\n")}\nrunner log:\n${runner.tail()}`);
    }
    mark("every order CONFIRMED");
    console.info(
      `runner restarts (seed ${SEED}), ${inProgressAnswers} IDEMPOTENCY_IN_PROGRESS answers waited out:\n${timeline.join("\n")}`,
    );

    // 0 lost: every order sent is found, CONFIRMED, as it was sent.
    const expected = new Map<string, SentOrder>();
    for (const [i, order] of apiOrders.entries()) expected.set(apiIds[i]!, order);
    for (const order of fileOrders) expected.set(order.body.orderId, order);
    expect(expected.size).toBe(ORDERS);
    for (const [i, order] of apiOrders.entries())
      if (order.body.orderId !== undefined) expect(apiIds[i]).toBe(order.body.orderId);
    const views = new Map<string, Json>();
    const ids = [...expected.keys()];
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let id = ids.pop(); id !== undefined; id = ids.pop()) {
          const { status, body } = await call(runner, "GET", `/orders/${encodeURIComponent(id)}`);
          expect(status, `GET /orders/${id}`).toBe(200);
          views.set(id, body);
        }
      }),
    );
    const statuses: Record<string, number> = {};
    for (const view of views.values()) statuses[view.status] = (statuses[view.status] ?? 0) + 1;
    expect(statuses).toEqual({ CONFIRMED: ORDERS });
    // No transition applied twice: every order went through the same ones, to the same version.
    expect(new Set([...views.values()].map((view) => view.version)).size).toBe(1);
    for (const [id, order] of expected) {
      expect(views.get(id)!.total, id).toBe(order.total);
      expect(views.get(id)!.items, id).toMatchObject(order.body.items);
    }

    // 0 charged twice: one charge per order, of its total, and no refund.
    const entries = readLedger(ledger);
    const ledgerCharges = entries.flatMap((entry) => (entry.type === "charge" ? [entry] : []));
    expect(entries.filter((entry) => entry.type === "refund")).toEqual([]);
    expect(ledgerCharges).toHaveLength(ORDERS);
    expect(new Set(ledgerCharges.map((charge) => charge.request.orderId)).size).toBe(ORDERS);
    for (const charge of ledgerCharges) {
      expect(charge.result.status).toBe("SUCCEEDED");
      expect(charge.request.amount, charge.request.orderId).toBe(expected.get(charge.request.orderId)?.total);
    }

    // An Idempotency-Key replayed after the restarts answers the same order.
    for (const [i, { key, body }] of apiOrders.entries()) {
      const replay = await call(runner, "POST", "/orders", {
        json: body,
        headers: { "Idempotency-Key": key },
      });
      expect(replay.status, key).toBe(202);
      expect(replay.body.orderId, key).toBe(apiIds[i]);
    }

    // The file was taken once: moved to processed/, one history record, every order of it extracted.
    expect((await readdir(inbox)).sort()).toEqual(["processed"]);
    expect(await readdir(join(inbox, "processed"))).toEqual([fileName]);
    const { body: history } = await call(runner, "GET", "/_local/files?limit=100");
    expect(history.files).toHaveLength(1);
    expect(history.files[0]).toMatchObject({
      fileKey: `incoming/${fileName}`,
      status: "EXTRACTED",
      counts: { total: FILE_ORDERS, valid: FILE_ORDERS, invalid: 0 },
    });

    // In the runner's bucket (its files folder), the file left incoming/ for processed/, once.
    const bucket = join(dir, "data", "files");
    expect(await filesIn(join(bucket, "incoming"))).toEqual([]);
    expect(await filesIn(join(bucket, "processed"))).toEqual([fileName]);

    // Nothing dead-lettered.
    const { body: dlqs } = await call(runner, "GET", "/_local/dlqs");
    for (const queue of dlqs.deadLetterQueues as Json[]) expect(queue.messages, queue.name).toBe(0);

    expect(kills.length).toBeGreaterThanOrEqual(3);
    expect(kills.length).toBeLessThanOrEqual(5);
    expect(runner.starts).toBe(kills.length + 1);
  }, 300_000);
});
