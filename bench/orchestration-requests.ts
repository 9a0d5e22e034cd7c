/**
 * What one order costs under each orchestration, from placement to
 * FULFILLED: the in-memory pipeline runs the same consumers, use cases and
 * (with the workflow) the same definition the Lambda functions run, and
 * every port call is counted. On the AWS adapters each port call is one
 * request (a DynamoDB item write or read, a query page; an SQS send; a
 * PutEvents of its events; a Step Functions StartExecution or
 * SendTaskSuccess), so the counts are the AWS requests the code makes.
 * Lambda invocations: one per record a handler's queue delivers (batches of
 * one: the most it can be; busy queues batch up to 10) and one per task
 * state the workflow enters. Priced at us-east-1 list prices (confirm before
 * quoting); Lambda duration and DynamoDB index writes are left out on both
 * sides alike.
 */
import { pathToFileURL } from "node:url";
import type { Orchestration } from "../src/entrypoints/handlers.js";
import { orderWorkflowDefinition, taskOfState } from "../src/entrypoints/workflow/order-workflow.js";
import { createInMemoryOrderflow, NullLogger } from "../src/memory.js";

/** USD per request, event, transition or invocation. */
const PRICE = {
  dynamoDbWrite: 0.625 / 1e6,
  dynamoDbRead: 0.125 / 1e6,
  sqsFifo: 0.5 / 1e6,
  sqsStandard: 0.4 / 1e6,
  eventBridgeEvent: 1 / 1e6,
  snsPublish: 0.5 / 1e6,
  stateTransition: 25 / 1e6,
  lambdaInvocation: 0.2 / 1e6,
} as const;

const DYNAMODB_PORTS = new Set([
  "orders",
  "idempotency",
  "catalog",
  "storeSettings",
  "taskTokens",
  "metrics",
  "notifications",
]);
const READS = /^(get|list|count|find|query|peek)/;

interface Tally {
  readonly calls: Map<string, number>;
  events: number;
  readonly delivered: Map<string, number>;
}

/** Wraps each adapter so that every method call is counted under `port.method`. */
function counting(tally: Tally) {
  return <T extends object>(name: string, port: T): T => {
    if (name.startsWith("target:")) return port;
    return new Proxy(port, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== "function" || typeof property !== "string") return value;
        return (...args: unknown[]) => {
          const result = value.apply(target, args);
          if (name.startsWith("driver:")) {
            if (property === "receive")
              return (result as Promise<readonly unknown[]>).then((records) => {
                const flow = name.slice("driver:".length);
                tally.delivered.set(flow, (tally.delivered.get(flow) ?? 0) + records.length);
                return records;
              });
            return result;
          }
          const key = `${name}.${property}`;
          tally.calls.set(key, (tally.calls.get(key) ?? 0) + 1);
          if (name === "bus" && property === "publish") tally.events += (args[0] as unknown[]).length;
          return result;
        };
      },
    });
  };
}

const order = (i: number) => ({
  orderId: `bench-${i}`,
  customerId: `customer-${i % 50}`,
  currency: "BRL",
  items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 1 + (i % 3), unitPrice: 3490 }],
  shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
});

async function measure(orchestration: Orchestration, orders: number) {
  const tally: Tally = { calls: new Map(), events: 0, delivered: new Map() };
  const flow = createInMemoryOrderflow({
    logger: new NullLogger(),
    orchestration,
    decorate: counting(tally),
  });
  // Room for every order (the store's capacity is not what is measured); the setting's own call is not counted.
  await flow.adapters.storeSettings.update({ capacity: orders });
  tally.calls.clear();
  for (let i = 0; i < orders; i++) await flow.api.placeOrder(order(i));
  await flow.drain();
  for (let i = 0; i < orders; i++) await flow.api.fulfilOrder(`bench-${i}`);
  await flow.drain();
  const fulfilled = (await flow.orders.listByStatus("FULFILLED", { limit: 1000 })).items.length;
  if (fulfilled !== orders) throw new Error(`${orchestration}: ${fulfilled} of ${orders} orders fulfilled`);

  let states = 0;
  let tasks = 0;
  if (flow.workflows) {
    const taskStates = new Set(Object.keys(taskOfState(orderWorkflowDefinition())));
    for (let i = 0; i < orders; i++) {
      const run = await flow.workflows.finished(`bench-${i}`)!;
      states += run.states.length;
      tasks += run.states.filter((state) => taskStates.has(state)).length;
    }
  }
  return { tally, states, tasks };
}

export async function runOrchestrationRequestBench(
  orders = Number(process.env.BENCH_WORKFLOW_ORDERS ?? 200),
) {
  const rows: Record<string, Record<string, string | number>> = {};
  const per = (value: number) => Math.round((value / orders) * 100) / 100;
  for (const orchestration of ["queue", "workflow"] as const) {
    const { tally, states, tasks } = await measure(orchestration, orders);
    let reads = 0;
    let writes = 0;
    let fifoSends = 0;
    let snsPublishes = 0;
    let stepFunctionsRequests = 0;
    for (const [key, count] of tally.calls) {
      const [port, method] = key.split(".") as [string, string];
      if (DYNAMODB_PORTS.has(port) && READS.test(method)) reads += count;
      else if (DYNAMODB_PORTS.has(port)) writes += count;
      else if (port === "intakeQueue") fifoSends += count;
      else if (port === "notificationPublisher" || port === "alerts") snsPublishes += count;
      else if (port === "workflows") stepFunctionsRequests += count;
    }
    const delivered = [...tally.delivered.values()].reduce((a, b) => a + b, 0);
    const invocations = delivered + tasks;
    // Each delivered message: received and deleted by its event source mapping (batched: ~0.2 requests at 10 a batch).
    const sqsPolling = (delivered - (tally.delivered.get("intake") ?? 0)) * 0.2;
    const cost =
      writes * PRICE.dynamoDbWrite +
      reads * PRICE.dynamoDbRead +
      (fifoSends + (tally.delivered.get("intake") ?? 0) * 0.2) * PRICE.sqsFifo +
      sqsPolling * PRICE.sqsStandard +
      tally.events * PRICE.eventBridgeEvent +
      snsPublishes * PRICE.snsPublish +
      states * PRICE.stateTransition +
      invocations * PRICE.lambdaInvocation;
    rows[orchestration] = {
      "Lambda invocations": per(invocations),
      "of which workflow tasks": per(tasks),
      "state transitions": per(states),
      "DynamoDB writes": per(writes),
      "DynamoDB reads": per(reads),
      "bus events": per(tally.events),
      "SQS messages delivered": per(delivered),
      "Step Functions API requests": per(stepFunctionsRequests),
      "$ per million orders": ((cost / orders) * 1e6).toFixed(2),
    };
  }
  console.log(
    `\n## Per fulfilled order under each orchestration (${orders} orders placed, confirmed and fulfilled; each port call = one AWS request)`,
  );
  console.table(rows);
  console.log(
    "Prices (us-east-1 list): DynamoDB on demand $0.625/M writes, $0.125/M reads; SQS $0.40/M (FIFO $0.50/M), polling at ~0.2 requests a message; " +
      "EventBridge $1/M events; SNS $0.50/M publishes; Step Functions Standard $25/M transitions (StartExecution and SendTaskSuccess not billed); " +
      "Lambda $0.20/M invocations (duration left out on both sides).",
  );
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await runOrchestrationRequestBench();
