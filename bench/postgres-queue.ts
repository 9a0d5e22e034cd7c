/**
 * `npx tsx bench/postgres-queue.ts`: PostgresQueue throughput, send →
 * receive → delete, on PGlite (in process) and on a PostgreSQL server (started
 * here when the machine has one), standard and FIFO, one worker and four
 * workers on separate connections; and the statements each operation sends.
 *
 * Each run sends `BENCH_MESSAGES` messages (default 5 000, ~220-byte bodies,
 * 50 FIFO groups) in calls of 10, then workers receive 10 at a time and delete
 * each batch with one statement until the queue is empty. Absolute figures
 * depend on the machine; the table compares engines and modes within one run.
 */
import { ManualClock } from "../src/adapters/memory/clocks.js";
import { migrate } from "../src/adapters/postgres/migrations.js";
import { PostgresQueue } from "../src/adapters/postgres/postgres-queue.js";
import { pgClient, pgliteClient, type SqlClient } from "../src/adapters/postgres/sql-client.js";
import { postgresServerUnavailable, startPostgresServer } from "../test/support/postgres-server.js";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 5_000);
const GROUPS = 50;
const BATCH = 10;

interface Row {
  engine: string;
  queue: string;
  workers: number;
  "send msg/s": number;
  "receive+delete msg/s": number;
  "end to end msg/s": number;
}

/** Sends MESSAGES, then drains them with one worker per client; answers the rates. */
async function measure(engine: string, fifo: boolean, clients: readonly SqlClient[]): Promise<Row> {
  const clock = new ManualClock();
  const name = `bench-${Math.random().toString(36).slice(2, 10)}${fifo ? ".fifo" : ""}`;
  const sender = new PostgresQueue(clients[0]!, { name, clock, fifo });
  const sendStart = performance.now();
  for (let i = 0; i < MESSAGES; i += BATCH) {
    await sender.send(
      Array.from({ length: Math.min(BATCH, MESSAGES - i) }, (_, j) => ({
        body: JSON.stringify({ n: i + j, pad: "x".repeat(200) }),
        groupId: `g${(i + j) % GROUPS}`,
        deduplicationId: `d${i + j}`,
      })),
    );
  }
  const sendMs = performance.now() - sendStart;

  let received = 0;
  const receiveStart = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      const queue = new PostgresQueue(client, { name, clock, fifo });
      for (;;) {
        const batch = await queue.receive({ max: BATCH });
        if (batch.length === 0) return;
        received += batch.length;
        await queue.deleteBatch(batch.map((m) => m.receiptHandle));
      }
    }),
  );
  const receiveMs = performance.now() - receiveStart;
  if (received !== MESSAGES) throw new Error(`${engine}: received ${received} of ${MESSAGES}`);
  const rate = (ms: number) => Math.round((MESSAGES / ms) * 1000);
  return {
    engine,
    queue: fifo ? "FIFO" : "standard",
    workers: clients.length,
    "send msg/s": rate(sendMs),
    "receive+delete msg/s": rate(receiveMs),
    "end to end msg/s": rate(sendMs + receiveMs),
  };
}

/** Statements sent by one send of 10, one receive of 10, one delete of 10 and one visibility change of 10. */
async function statementsPerOperation(client: SqlClient): Promise<Record<string, number>> {
  let count = 0;
  const counted: SqlClient = {
    query: (text, params) => {
      count++;
      return client.query(text, params);
    },
    transaction: (work) => client.transaction(work),
    close: async () => {},
  };
  const queue = new PostgresQueue(counted, { name: "bench-count", clock: new ManualClock() });
  const counting = async (work: () => Promise<unknown>) => {
    count = 0;
    await work();
    return count;
  };
  const bodies = Array.from({ length: 20 }, (_, i) => ({ body: `m${i}` }));
  const send = await counting(() => queue.send(bodies));
  let batch = await queue.receive({ max: BATCH });
  const del = await counting(() => queue.deleteBatch(batch.map((m) => m.receiptHandle)));
  const receive = await counting(async () => {
    batch = await queue.receive({ max: BATCH });
  });
  const retry = await counting(() =>
    queue.changeVisibilityBatch(
      batch.map((m) => m.receiptHandle),
      0,
    ),
  );
  await queue.purge();
  return { "send (20)": send, "receive (10)": receive, "delete (10)": del, "retry (10)": retry };
}

const rows: Row[] = [];
const lite = await pgliteClient();
await migrate(lite);
const statements = await statementsPerOperation(lite);
rows.push(await measure("PGlite", false, [lite]), await measure("PGlite", true, [lite]));
await lite.close();

const unavailable = postgresServerUnavailable();
if (unavailable === undefined) {
  const server = await startPostgresServer();
  try {
    const open = () => pgClient({ connectionString: server.connectionString, max: 2 });
    const clients = await Promise.all(Array.from({ length: 4 }, open));
    await migrate(clients[0]!);
    for (const fifo of [false, true]) {
      rows.push(await measure("PostgreSQL server", fifo, clients.slice(0, 1)));
      rows.push(await measure("PostgreSQL server", fifo, clients));
    }
    await Promise.all(clients.map((client) => client.close()));
  } finally {
    await server.stop();
  }
} else {
  console.log(`(no PostgreSQL server: ${unavailable})`);
}

console.log(`\n## PostgresQueue: ${MESSAGES} messages, sends and receives of ${BATCH}`);
console.table(rows);
console.log("statements per call:", statements);
