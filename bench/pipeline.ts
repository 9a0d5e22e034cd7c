/**
 * In-memory full-lifecycle throughput against a raw baseline on the same
 * orders (JSON.parse + zod parse + Map.set), measured in one run so the ratio
 * is meaningful on a noisy machine.
 */

import { PlaceOrderSchema } from "../src/domain/schemas.js";
import { PlaceOrder } from "../src/domain/use-cases/place-order.js";
import { ProcessOrder } from "../src/domain/use-cases/process-order.js";
import { ValidateOrder } from "../src/domain/use-cases/validate-order.js";
import { RandomIdGenerator, SystemClock } from "../src/index.js";
import {
  createInMemoryOrderflow,
  InMemoryEventBus,
  InMemoryOrderRepository,
  InMemoryProductCatalog,
  NullLogger,
  ScriptedPaymentGateway,
} from "../src/memory.js";

export interface PipelineBenchResult {
  readonly orders: number;
  readonly lifecycleOrdersPerSecond: number;
  readonly baselineOrdersPerSecond: number;
  readonly ratio: number;
}

const PRODUCTS = [
  { sku: "SKU-1", unitPrice: 1250, currency: "BRL", stock: 1e9 },
  { sku: "SKU-2", unitPrice: 990, currency: "BRL", stock: 1e9 },
];

function orderBody(i: number): string {
  return JSON.stringify({
    orderId: `bench-${i}`,
    customerId: `customer-${i % 100}`,
    currency: "BRL",
    items: [
      { sku: "SKU-1", quantity: 1 + (i % 3), unitPrice: 1250 },
      { sku: "SKU-2", quantity: 1, unitPrice: 990 },
    ],
    shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" },
  });
}

function baseline(bodies: readonly string[]): number {
  const store = new Map<string, unknown>();
  const start = performance.now();
  for (const body of bodies) {
    const order = PlaceOrderSchema.parse(JSON.parse(body));
    store.set(order.orderId!, order);
  }
  const seconds = (performance.now() - start) / 1000;
  if (store.size !== bodies.length) throw new Error("baseline lost orders");
  return bodies.length / seconds;
}

async function lifecycle(
  bodies: readonly string[],
  orchestration: "queue" | "workflow" = "queue",
): Promise<number> {
  const flow = createInMemoryOrderflow({
    products: PRODUCTS,
    logger: new NullLogger(),
    clock: new SystemClock(),
    ids: new RandomIdGenerator(),
    orchestration,
  });
  // Room for every order: the store's capacity is not what is measured.
  await flow.adapters.storeSettings.update({ capacity: bodies.length });
  const start = performance.now();
  for (let i = 0; i < bodies.length; i += 100) {
    for (const body of bodies.slice(i, i + 100)) await flow.api.placeOrder(JSON.parse(body));
    await flow.drain();
  }
  const seconds = (performance.now() - start) / 1000;
  const confirmed = (await flow.orders.listByStatus("CONFIRMED", { limit: 1000 })).items.length;
  if (confirmed === 0) throw new Error("no order confirmed");
  return bodies.length / seconds;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Alternates the two measurements for several rounds (after a warm-up of
 * both) and compares medians, so a burst of noise on this shared machine
 * cannot favour one side.
 */
export async function runPipelineBench(orders = 5_000, rounds = 9): Promise<PipelineBenchResult> {
  const bodies = Array.from({ length: orders }, (_, i) => orderBody(i));
  baseline(bodies);
  await lifecycle(bodies.slice(0, 1_000));
  const baselines: number[] = [];
  const lifecycles: number[] = [];
  for (let round = 0; round < rounds; round++) {
    baselines.push(baseline(bodies));
    lifecycles.push(await lifecycle(bodies));
  }
  const baselineOrdersPerSecond = median(baselines);
  const lifecycleOrdersPerSecond = median(lifecycles);
  return {
    orders,
    lifecycleOrdersPerSecond,
    baselineOrdersPerSecond,
    ratio: lifecycleOrdersPerSecond / baselineOrdersPerSecond,
  };
}

/** The use cases alone on the same orders: no HTTP-level parsing, no queues, a bus with no rules. */
async function useCases(bodies: readonly string[]): Promise<number> {
  const clock = new SystemClock();
  const deps = {
    orders: new InMemoryOrderRepository(),
    bus: new InMemoryEventBus({ clock }),
    clock,
    catalog: new InMemoryProductCatalog(PRODUCTS),
    payments: new ScriptedPaymentGateway(),
    // Validation is called directly below: the command placing asks for goes nowhere.
    intakeQueue: { name: "intake", send: async () => {} },
  };
  const place = new PlaceOrder(deps);
  const validate = new ValidateOrder(deps);
  const process = new ProcessOrder(deps);
  const orders = bodies.map((body) => {
    const order = PlaceOrderSchema.parse(JSON.parse(body));
    return { ...order, orderId: order.orderId! };
  });
  const start = performance.now();
  for (const order of orders) {
    const meta = { commandId: `place-${order.orderId}`, correlationId: `corr-${order.orderId}` };
    await place.execute({ ...meta, order });
    await validate.execute({ ...meta, orderId: order.orderId });
    const processed = await process.execute({
      ...meta,
      commandId: `${order.orderId}:2:0`,
      orderId: order.orderId,
    });
    if (processed.outcome !== "CONFIRMED") throw new Error(`order ${order.orderId}: ${processed.outcome}`);
  }
  return orders.length / ((performance.now() - start) / 1000);
}

/**
 * PlaceOrder → ValidateOrder → ProcessOrder on the in-memory repository and
 * bus, without queues: what the lifecycle costs before messaging (median of
 * `rounds`, after a warm-up), to tell the two apart when profiling.
 */
export async function runUseCaseBench(orders = 5_000, rounds = 9): Promise<number> {
  const bodies = Array.from({ length: orders }, (_, i) => orderBody(i));
  await useCases(bodies.slice(0, 1_000));
  const results: number[] = [];
  for (let round = 0; round < rounds; round++) results.push(await useCases(bodies));
  return median(results);
}

/**
 * The full lifecycle under each orchestration, alternated in the same run: the
 * processing queue's consumer, and the order workflow's definition run in
 * process (medians of `rounds`, after a warm-up of both).
 */
export async function runOrchestrationBench(
  orders = 2_000,
  rounds = 3,
): Promise<{ readonly orders: number; readonly queue: number; readonly workflow: number }> {
  const bodies = Array.from({ length: orders }, (_, i) => orderBody(i));
  await lifecycle(bodies.slice(0, 500), "queue");
  await lifecycle(bodies.slice(0, 500), "workflow");
  const queue: number[] = [];
  const workflow: number[] = [];
  for (let round = 0; round < rounds; round++) {
    queue.push(await lifecycle(bodies, "queue"));
    workflow.push(await lifecycle(bodies, "workflow"));
  }
  return { orders, queue: median(queue), workflow: median(workflow) };
}
