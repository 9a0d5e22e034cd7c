import { InMemoryQueue } from "../../adapters/memory/in-memory-queue.js";
import type { InMemoryTopic } from "../../adapters/memory/in-memory-topic.js";
import { NOTIFICATION_PRIORITIES, type NotificationPriority } from "../../domain/notification.js";
import type { Clock } from "../../ports/clock.js";
import { NOTIFICATION_PRIORITY_ATTRIBUTE } from "../../ports/notification-publisher.js";
import { NOTIFICATION_QUEUES } from "../../ports/routing.js";
import type { QueueConsumer } from "../consumers/queue-consumer.js";
import type { DrainedQueue, PipelineQueue } from "./pipeline-queues.js";

/** The queue of each notification priority, and the dead-letter queue of each one's topic subscription. */
export interface NotificationQueues {
  readonly queues: Readonly<Record<NotificationPriority, PipelineQueue>>;
  readonly subscriptionDeadLetterQueues: Readonly<Record<NotificationPriority, InMemoryQueue>>;
}

/** What wiring the notification queues needs of the pipeline. */
export interface NotificationQueuesHost {
  readonly clock: Clock;
  addFlow(
    name: string,
    consumer: QueueConsumer,
    options?: { readonly yieldsTo?: readonly DrainedQueue[] },
  ): PipelineQueue;
}

/**
 * The fan-out of the notifications topic, as the template deploys it: one
 * queue per priority, subscribed with a filter policy on `priority` and raw
 * message delivery (with a dead-letter queue for what the topic cannot
 * deliver), all drained by `deliver` (deliver-notification's consumer), each
 * priority yielding to the more urgent ones.
 */
export function addNotificationQueues(
  pipeline: NotificationQueuesHost,
  topic: InMemoryTopic,
  deliver: QueueConsumer,
): NotificationQueues {
  const queues: Partial<Record<NotificationPriority, PipelineQueue>> = {};
  const subscriptionDeadLetterQueues: Partial<Record<NotificationPriority, InMemoryQueue>> = {};
  const moreUrgent: PipelineQueue[] = [];
  for (const priority of NOTIFICATION_PRIORITIES) {
    const name = `orderflow-${NOTIFICATION_QUEUES[priority]}`;
    const queue = pipeline.addFlow(name, deliver, { yieldsTo: [...moreUrgent] });
    const deadLetterQueue = new InMemoryQueue({ name: `${name}-subscription-dlq`, clock: pipeline.clock });
    topic.subscribe({
      name,
      target: queue.queue,
      filterPolicy: { [NOTIFICATION_PRIORITY_ATTRIBUTE]: [priority] },
      rawMessageDelivery: true,
      deadLetterQueue,
    });
    queues[priority] = queue;
    subscriptionDeadLetterQueues[priority] = deadLetterQueue;
    moreUrgent.push(queue);
  }
  return {
    queues: queues as Record<NotificationPriority, PipelineQueue>,
    subscriptionDeadLetterQueues: subscriptionDeadLetterQueues as Record<NotificationPriority, InMemoryQueue>,
  };
}
