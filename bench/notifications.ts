/**
 * In-memory notifications end to end (API accept → topic → priority queue →
 * stored → delivered through the log channel), measured beside the order
 * pipeline in the same run, rounds alternated so that noise on a shared
 * machine favours neither.
 */
import { NOTIFICATION_PRIORITIES } from "../src/domain/notification.js";
import { RandomIdGenerator, SystemClock } from "../src/index.js";
import { createInMemoryOrderflow, NullLogger } from "../src/memory.js";

export interface NotificationBenchResult {
  readonly notifications: number;
  readonly notificationsPerSecond: number;
}

async function endToEnd(count: number): Promise<number> {
  const flow = createInMemoryOrderflow({
    logger: new NullLogger(),
    clock: new SystemClock(),
    ids: new RandomIdGenerator(),
  });
  const start = performance.now();
  for (let i = 0; i < count; i += 100) {
    for (let j = i; j < Math.min(i + 100, count); j++) {
      await flow.notificationApi.accept({
        userId: `user-${j % 100}`,
        message: `Your parcel ${j} is on its way`,
        priority: NOTIFICATION_PRIORITIES[j % 3],
      });
    }
    await flow.drain();
  }
  const seconds = (performance.now() - start) / 1000;
  const { items } = await flow.notifications.listByUser("user-0", { limit: 1 });
  if (items[0]?.status !== "DELIVERED") throw new Error("notifications were not delivered");
  return count / seconds;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Median notifications per second over `rounds`, after a warm-up. */
export async function runNotificationBench(count = 5_000, rounds = 9): Promise<NotificationBenchResult> {
  await endToEnd(1_000);
  const results: number[] = [];
  for (let round = 0; round < rounds; round++) results.push(await endToEnd(count));
  return { notifications: count, notificationsPerSecond: median(results) };
}
